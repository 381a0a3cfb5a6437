/**
 * The typed AST of a `.dma` file. Every node carries its source range. The scenario engine is
 * written against these types: keep the names stable.
 */

/**
 * A source range. Offsets are 0-based UTF-16 indices into the text, lines and columns are
 * 1-based; the end is exclusive (`endColumn` is the column just after the last character), so a
 * one-line range covers `endColumn - startColumn` characters. An empty range marks a position.
 */
export interface Loc {
  startOffset: number;
  endOffset: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export type Expr =
  /** Numbers and sizes: `value` is exact (sizes already multiplied), `text` is the source (`4K`). */
  | { kind: 'number'; value: bigint; text: string; loc: Loc }
  | { kind: 'bdf'; segment: number; bus: number; dev: number; fn: number; text: string; loc: Loc }
  | { kind: 'pciid'; vendor: number; device: number; text: string; loc: Loc }
  /** `value` has the escapes resolved. */
  | { kind: 'string'; value: string; loc: Loc }
  | { kind: 'ident'; name: string; loc: Loc }
  | { kind: 'call'; fn: string; fnLoc: Loc; args: Expr[]; loc: Loc }
  | { kind: 'binary'; op: '+' | '-'; left: Expr; right: Expr; loc: Loc };

export type BdfExpr = Extract<Expr, { kind: 'bdf' }>;

/** `key=value` or a bare `key` (a flag, `value` undefined). `boot+=` has key `boot+`. */
export interface Attr {
  key: string;
  keyLoc: Loc;
  value?: Expr;
  loc: Loc;
}

export type Arg =
  | { kind: 'positional'; value: Expr; loc: Loc }
  | { kind: 'named'; key: string; keyLoc: Loc; value: Expr; loc: Loc };

/** What follows `=>`: `ok`, `error EEXIST`, `iova 0x1000 as d`, `bytes a5a5 ****` … */
export interface Outcome {
  kind: string;
  kindLoc: Loc;
  args: Arg[];
  /** Only for `bytes`: hex digits and `*` (don't-care nibble), spaces removed, lower-case. */
  bytes?: { pattern: string; loc: Loc };
  as?: { name: string; loc: Loc };
  loc: Loc;
}

export type Stmt =
  | {
      kind: 'op';
      bind?: { name: string; loc: Loc };
      op: string;
      opLoc: Loc;
      args: Arg[];
      outcome?: Outcome;
      loc: Loc;
    }
  | { kind: 'expect-compare'; left: Expr; op: '==' | '!='; right: Expr; loc: Loc }
  | { kind: 'expect-log'; text: string; textLoc: Loc; negate: boolean; loc: Loc }
  /** Steps do not nest (a nested step is reported as DMA109). */
  | { kind: 'step'; title: string; titleLoc: Loc; body: Stmt[]; loc: Loc };

export interface TopologyNode {
  kind: string;
  kindLoc: Loc;
  bdf?: BdfExpr;
  attrs: Attr[];
  children: TopologyNode[];
  loc: Loc;
}

export interface HeaderLine<T> {
  value: T;
  loc: Loc;
}

export interface PlatformLine {
  name: string;
  nameLoc: Loc;
  attrs: Attr[];
  loc: Loc;
}

export interface VariantLine {
  name: string;
  nameLoc: Loc;
  attrs: Attr[];
  loc: Loc;
}

export interface Header {
  title?: HeaderLine<string>;
  kernel?: HeaderLine<string>;
  platform?: PlatformLine;
  /** Every `boot` line, in order (the engine concatenates them). */
  boot: HeaderLine<string>[];
  memory?: HeaderLine<Expr>;
  /** Attributes of every `kconfig` line, in order. */
  kconfig: Attr[];
  xfail?: HeaderLine<string>;
  /** Attributes of every `requires` line, in order. */
  requires: Attr[];
  variants: VariantLine[];
}

export interface ScenarioFile {
  uri: string;
  header: Header;
  topology?: { nodes: TopologyNode[]; loc: Loc };
  /** Top-level statements and steps, in source order. */
  body: Stmt[];
  loc: Loc;
}
