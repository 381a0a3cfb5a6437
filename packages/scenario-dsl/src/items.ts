/**
 * Line items and how a file is assembled from them: header lines fill the `Header` (once each,
 * before the first statement), the topology block is top-level and single, steps hold
 * statements and do not nest. Violations are DMA104, DMA107 and DMA109.
 */
import type { Attr, Expr, Header, HeaderLine, Loc, PlatformLine, Stmt, TopologyNode, VariantLine } from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import { error } from './diagnostics.js';
import { prefix } from './loc.js';

export type HeaderItem =
  | { key: 'title' | 'kernel' | 'boot' | 'xfail'; value: HeaderLine<string> }
  | { key: 'memory'; value: HeaderLine<Expr> }
  | { key: 'platform'; value: PlatformLine }
  | { key: 'variant'; value: VariantLine }
  | { key: 'kconfig' | 'requires'; attrs: Attr[] };

export type Item =
  | { kind: 'header'; keyword: string; keywordLoc: Loc; loc: Loc; header: HeaderItem }
  | { kind: 'topology'; keywordLoc: Loc; nodes: TopologyNode[]; loc: Loc }
  | { kind: 'stmt'; stmt: Stmt };

const HEADER_KEYWORDS = '`scenario`, `kernel`, `platform`, `boot`, `memory`, `kconfig`, `xfail`, `requires`, `variant`';

export function emptyHeader(): Header {
  return { boot: [], kconfig: [], requires: [], variants: [] };
}

/** Collects the header, topology and body of one file, reporting misplaced or repeated lines. */
export class FileAssembler {
  readonly header: Header = emptyHeader();
  topology: { nodes: TopologyNode[]; loc: Loc } | undefined;
  readonly body: Stmt[] = [];
  /** First topology, step or statement at the top level: header lines must precede it. */
  private firstStatement: Loc | undefined;
  /** Where each single-valued header line was first seen (for DMA107 notes). */
  private readonly seen = new Map<string, Loc>();

  constructor(private readonly diagnostics: Diagnostic[]) {}

  /** A top-level line. */
  addTopLevel(item: Item | undefined): void {
    if (item === undefined) return;
    switch (item.kind) {
      case 'header':
        if (this.firstStatement !== undefined) {
          this.diagnostics.push(
            error('DMA104', `\`${item.keyword}\` line after the first statement`, item.keywordLoc, {
              hint: `move header lines (${HEADER_KEYWORDS}) above the topology block, the first step and the first statement`,
              notes: [{ message: 'the first statement is here', loc: this.firstStatement }],
            }),
          );
        }
        this.addHeader(item);
        return;
      case 'topology':
        this.firstStatement ??= item.loc;
        if (this.topology !== undefined) {
          this.diagnostics.push(
            error('DMA107', 'duplicate `topology` block', item.keywordLoc, {
              hint: 'describe the whole machine in one `topology` block',
              notes: [{ message: 'the first `topology` block is here', loc: this.topology.loc }],
            }),
          );
          return;
        }
        this.topology = { nodes: item.nodes, loc: item.loc };
        return;
      case 'stmt':
        this.firstStatement ??= item.stmt.loc;
        this.body.push(item.stmt);
        return;
    }
  }

  /** The lines of a step body, already built; `stepLoc` is the enclosing step. */
  stepBody(items: (Item | undefined)[], stepLoc: Loc): Stmt[] {
    const out: Stmt[] = [];
    const outer = { message: 'the enclosing step starts here', loc: prefix(stepLoc, 'step'.length) };
    for (const item of items) {
      if (item === undefined) continue;
      if (item.kind === 'header') {
        this.diagnostics.push(
          error('DMA104', `\`${item.keyword}\` line inside a step`, item.keywordLoc, {
            hint: `move header lines (${HEADER_KEYWORDS}) to the top of the file`,
            notes: [outer],
          }),
        );
        this.addHeader(item);
      } else if (item.kind === 'topology') {
        this.diagnostics.push(
          error('DMA109', '`topology` block inside a step', item.keywordLoc, {
            hint: 'describe the topology once, at the top level, before the steps',
            notes: [outer],
          }),
        );
      } else {
        if (item.stmt.kind === 'step') {
          this.diagnostics.push(
            error('DMA109', 'steps do not nest', prefix(item.stmt.loc, 'step'.length), {
              hint: 'is a `}` missing before this line? Close the enclosing step first',
              notes: [outer],
            }),
          );
        }
        out.push(item.stmt);
      }
    }
    return out;
  }

  private addHeader(item: Extract<Item, { kind: 'header' }>): void {
    const h = item.header;
    const header = this.header;
    switch (h.key) {
      case 'boot':
        header.boot.push(h.value);
        return;
      case 'kconfig':
        header.kconfig.push(...h.attrs);
        return;
      case 'requires':
        header.requires.push(...h.attrs);
        return;
      case 'variant': {
        const key = `variant ${h.value.name}`;
        if (this.duplicate(key, `variant \`${h.value.name}\` is defined twice`, item, h.value.nameLoc)) return;
        header.variants.push(h.value);
        return;
      }
      case 'title':
      case 'kernel':
      case 'xfail':
      case 'memory':
      case 'platform':
        if (this.duplicate(h.key, `duplicate \`${item.keyword}\` line`, item, item.keywordLoc)) return;
        if (h.key === 'memory') header.memory = h.value;
        else if (h.key === 'platform') header.platform = h.value;
        else header[h.key] = h.value;
        return;
    }
  }

  /** Reports DMA107 and returns true if `key` was seen before; otherwise remembers it. */
  private duplicate(key: string, message: string, item: Extract<Item, { kind: 'header' }>, at: Loc): boolean {
    const first = this.seen.get(key);
    if (first === undefined) {
      this.seen.set(key, item.loc);
      return false;
    }
    this.diagnostics.push(
      error('DMA107', message, at, {
        hint: 'keep one; `boot`, `kconfig` and `requires` lines may repeat, the others may not',
        notes: [{ message: 'first defined here', loc: first }],
      }),
    );
    return true;
  }
}
