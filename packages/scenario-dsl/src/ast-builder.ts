/**
 * CST → AST. A Chevrotain visitor (one method per grammar rule, checked by `validateVisitor`)
 * whose methods are called directly with typed children, so every step is type-checked.
 *
 * After error recovery a CST node may lack children the grammar calls mandatory, and tokens
 * inserted by recovery have an empty image and no offsets. Every method therefore treats each
 * child as optional and returns `undefined` when a construct is too broken to describe; the
 * syntax error itself has already been reported by the lexer or the parser.
 */
import type { CstNode, IToken } from 'chevrotain';
import type { Arg, Attr, Expr, Loc, Outcome, Stmt, TopologyNode } from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import { error } from './diagnostics.js';
import type { Item } from './items.js';
import { bdfFields, integerValue, pciIdFields, sizeValue, stringValue } from './literals.js';
import { span } from './loc.js';
import type { LineIndex } from './loc.js';
import { parser } from './parser.js';
import type * as C from './generated/cst.js';
import * as T from './tokens.js';

const BaseVisitor = parser.getBaseCstVisitorConstructor<undefined, unknown>();

/** The first token of a child list that really is in the source (not inserted by recovery). */
function tok(list: IToken[] | undefined): IToken | undefined {
  const t = list?.[0];
  return t === undefined || t.isInsertedInRecovery === true || Number.isNaN(t.startOffset) ? undefined : t;
}

/** Callback the builder uses to hand a step body to the file assembler. */
export type StepBodyHandler = (items: (Item | undefined)[], stepLoc: Loc) => Stmt[];

export class AstBuilder extends BaseVisitor {
  private lines!: LineIndex;
  private diagnostics!: Diagnostic[];
  private onStepBody!: StepBodyHandler;

  constructor() {
    super();
    this.validateVisitor();
  }

  /** Prepares the builder for one file; the visitor instance is reused. */
  begin(lines: LineIndex, diagnostics: Diagnostic[], onStepBody: StepBodyHandler): void {
    this.lines = lines;
    this.diagnostics = diagnostics;
    this.onStepBody = onStepBody;
  }

  // ---- locations ------------------------------------------------------------------------------

  private locOf(t: IToken): Loc {
    return this.lines.loc(t.startOffset, t.startOffset + t.image.length);
  }

  /** Range of a CST node (Chevrotain tracks start and inclusive end offsets while parsing). */
  private nodeLoc(node: CstNode): Loc | undefined {
    const l = node.location;
    if (l === undefined || Number.isNaN(l.startOffset) || l.endOffset === undefined || Number.isNaN(l.endOffset)) {
      return undefined;
    }
    return this.lines.loc(l.startOffset, l.endOffset + 1);
  }

  // ---- file structure ---------------------------------------------------------------------------

  scenarioFile(ctx: C.ScenarioFileCstChildren): (Item | undefined)[] {
    return (ctx.item ?? []).map((n) => this.item(n.children));
  }

  item(ctx: C.ItemCstChildren): Item | undefined {
    if (ctx.opStatement) {
      const n = ctx.opStatement[0]!;
      return this.stmtItem(this.opStatement(n.children, this.nodeLoc(n)));
    }
    if (ctx.expectStatement) {
      const n = ctx.expectStatement[0]!;
      return this.stmtItem(this.expectStatement(n.children, this.nodeLoc(n)));
    }
    if (ctx.stepBlock) {
      const n = ctx.stepBlock[0]!;
      return this.stmtItem(this.stepBlock(n.children, this.nodeLoc(n)));
    }
    if (ctx.topologyBlock) {
      const n = ctx.topologyBlock[0]!;
      return this.topologyBlock(n.children, this.nodeLoc(n));
    }
    if (ctx.scenarioLine) {
      const n = ctx.scenarioLine[0]!;
      return this.scenarioLine(n.children, this.nodeLoc(n));
    }
    if (ctx.kernelLine) {
      const n = ctx.kernelLine[0]!;
      return this.kernelLine(n.children, this.nodeLoc(n));
    }
    if (ctx.platformLine) {
      const n = ctx.platformLine[0]!;
      return this.platformLine(n.children, this.nodeLoc(n));
    }
    if (ctx.bootLine) {
      const n = ctx.bootLine[0]!;
      return this.bootLine(n.children, this.nodeLoc(n));
    }
    if (ctx.memoryLine) {
      const n = ctx.memoryLine[0]!;
      return this.memoryLine(n.children, this.nodeLoc(n));
    }
    if (ctx.kconfigLine) {
      const n = ctx.kconfigLine[0]!;
      return this.kconfigLine(n.children, this.nodeLoc(n));
    }
    if (ctx.xfailLine) {
      const n = ctx.xfailLine[0]!;
      return this.xfailLine(n.children, this.nodeLoc(n));
    }
    if (ctx.requiresLine) {
      const n = ctx.requiresLine[0]!;
      return this.requiresLine(n.children, this.nodeLoc(n));
    }
    if (ctx.variantLine) {
      const n = ctx.variantLine[0]!;
      return this.variantLine(n.children, this.nodeLoc(n));
    }
    return undefined;
  }

  private stmtItem(stmt: Stmt | undefined): Item | undefined {
    return stmt === undefined ? undefined : { kind: 'stmt', stmt };
  }

  // ---- header lines -----------------------------------------------------------------------------

  /** `keyword "string"` lines: scenario, boot, xfail. */
  private stringHeader(
    key: 'title' | 'boot' | 'xfail',
    keyword: IToken | undefined,
    strings: IToken[] | undefined,
    loc: Loc | undefined,
  ): Item | undefined {
    const s = tok(strings);
    if (keyword === undefined || s === undefined || loc === undefined) return undefined;
    const value = { value: this.stringOf(s), loc: this.locOf(s) };
    return { kind: 'header', keyword: keyword.image, keywordLoc: this.locOf(keyword), loc, header: { key, value } };
  }

  scenarioLine(ctx: C.ScenarioLineCstChildren, loc: Loc | undefined): Item | undefined {
    return this.stringHeader('title', tok(ctx.Scenario), ctx.StringLiteral, loc);
  }

  bootLine(ctx: C.BootLineCstChildren, loc: Loc | undefined): Item | undefined {
    return this.stringHeader('boot', tok(ctx.Boot), ctx.StringLiteral, loc);
  }

  xfailLine(ctx: C.XfailLineCstChildren, loc: Loc | undefined): Item | undefined {
    return this.stringHeader('xfail', tok(ctx.Xfail), ctx.StringLiteral, loc);
  }

  kernelLine(ctx: C.KernelLineCstChildren, loc: Loc | undefined): Item | undefined {
    const kw = tok(ctx.Kernel);
    const v = tok(ctx.Version);
    if (kw === undefined || v === undefined || loc === undefined) return undefined;
    const value = { value: v.image, loc: this.locOf(v) };
    return { kind: 'header', keyword: kw.image, keywordLoc: this.locOf(kw), loc, header: { key: 'kernel', value } };
  }

  memoryLine(ctx: C.MemoryLineCstChildren, loc: Loc | undefined): Item | undefined {
    const kw = tok(ctx.Memory);
    const node = ctx.expression?.[0];
    const expr = node === undefined ? undefined : this.expression(node.children);
    if (kw === undefined || expr === undefined || loc === undefined) return undefined;
    const value = { value: expr, loc: expr.loc };
    return { kind: 'header', keyword: kw.image, keywordLoc: this.locOf(kw), loc, header: { key: 'memory', value } };
  }

  platformLine(ctx: C.PlatformLineCstChildren, loc: Loc | undefined): Item | undefined {
    const kw = tok(ctx.Platform);
    const name = tok(ctx.Identifier);
    if (kw === undefined || name === undefined || loc === undefined) return undefined;
    const value = { name: name.image, nameLoc: this.locOf(name), attrs: this.attrs(ctx.attr), loc };
    return { kind: 'header', keyword: kw.image, keywordLoc: this.locOf(kw), loc, header: { key: 'platform', value } };
  }

  variantLine(ctx: C.VariantLineCstChildren, loc: Loc | undefined): Item | undefined {
    const kw = tok(ctx.Variant);
    const name = tok(ctx.Identifier);
    if (kw === undefined || name === undefined || loc === undefined) return undefined;
    const value = { name: name.image, nameLoc: this.locOf(name), attrs: this.attrs(ctx.attr), loc };
    return { kind: 'header', keyword: kw.image, keywordLoc: this.locOf(kw), loc, header: { key: 'variant', value } };
  }

  kconfigLine(ctx: C.KconfigLineCstChildren, loc: Loc | undefined): Item | undefined {
    const kw = tok(ctx.Kconfig);
    if (kw === undefined || loc === undefined) return undefined;
    const header = { key: 'kconfig' as const, attrs: this.attrs(ctx.attr) };
    return { kind: 'header', keyword: kw.image, keywordLoc: this.locOf(kw), loc, header };
  }

  requiresLine(ctx: C.RequiresLineCstChildren, loc: Loc | undefined): Item | undefined {
    const kw = tok(ctx.Requires);
    if (kw === undefined || loc === undefined) return undefined;
    const header = { key: 'requires' as const, attrs: this.attrs(ctx.attr) };
    return { kind: 'header', keyword: kw.image, keywordLoc: this.locOf(kw), loc, header };
  }

  private attrs(nodes: C.AttrCstNode[] | undefined): Attr[] {
    const out: Attr[] = [];
    for (const n of nodes ?? []) {
      const a = this.attr(n.children, this.nodeLoc(n));
      if (a !== undefined) out.push(a);
    }
    return out;
  }

  attr(ctx: C.AttrCstChildren, loc: Loc | undefined): Attr | undefined {
    const append = tok(ctx.AppendKey);
    const word = tok(ctx.Word);
    const valueNode = ctx.expression?.[0];
    const value = valueNode === undefined ? undefined : this.expression(valueNode.children);
    if (loc === undefined) return undefined;
    if (append !== undefined) {
      if (value === undefined) return undefined;
      // `boot+=` is one token; the key is `boot+` and stops before the `=`
      const keyEnd = append.startOffset + append.image.length - 1;
      return { key: append.image.slice(0, -1), keyLoc: this.lines.loc(append.startOffset, keyEnd), value, loc };
    }
    if (word === undefined) return undefined;
    if (ctx.Equals !== undefined && value === undefined) return undefined;
    const attr: Attr = { key: word.image, keyLoc: this.locOf(word), loc };
    if (value !== undefined) attr.value = value;
    return attr;
  }

  // ---- topology ---------------------------------------------------------------------------------

  topologyBlock(ctx: C.TopologyBlockCstChildren, loc: Loc | undefined): Item | undefined {
    const kw = tok(ctx.Topology);
    if (kw === undefined || loc === undefined) return undefined;
    const block = ctx.nodeBlock?.[0];
    const nodes = block === undefined ? [] : this.nodeBlock(block.children);
    return { kind: 'topology', keywordLoc: this.locOf(kw), nodes, loc };
  }

  nodeBlock(ctx: C.NodeBlockCstChildren): TopologyNode[] {
    const out: TopologyNode[] = [];
    for (const n of ctx.topologyNode ?? []) {
      const node = this.topologyNode(n.children, this.nodeLoc(n));
      if (node !== undefined) out.push(node);
    }
    return out;
  }

  topologyNode(ctx: C.TopologyNodeCstChildren, loc: Loc | undefined): TopologyNode | undefined {
    const kind = tok(ctx.Identifier);
    if (kind === undefined || loc === undefined) return undefined;
    const block = ctx.nodeBlock?.[0];
    const node: TopologyNode = {
      kind: kind.image,
      kindLoc: this.locOf(kind),
      attrs: this.attrs(ctx.attr),
      children: block === undefined ? [] : this.nodeBlock(block.children),
      loc,
    };
    const b = tok(ctx.Bdf);
    if (b !== undefined) {
      const { fields } = bdfFields(b.image);
      node.bdf = { kind: 'bdf', ...fields, text: b.image, loc: this.locOf(b) };
    }
    return node;
  }

  // ---- steps and statements ---------------------------------------------------------------------

  stepBlock(ctx: C.StepBlockCstChildren, loc: Loc | undefined): Stmt | undefined {
    const title = tok(ctx.StringLiteral);
    if (tok(ctx.Step) === undefined || title === undefined || loc === undefined) return undefined;
    const items = (ctx.item ?? []).map((n) => this.item(n.children));
    const body = this.onStepBody(items, loc);
    return { kind: 'step', title: this.stringOf(title), titleLoc: this.locOf(title), body, loc };
  }

  expectStatement(ctx: C.ExpectStatementCstChildren, loc: Loc | undefined): Stmt | undefined {
    if (loc === undefined) return undefined;
    if (ctx.Log !== undefined) {
      const text = tok(ctx.StringLiteral);
      if (text === undefined) return undefined;
      const negate = ctx.Not !== undefined;
      return { kind: 'expect-log', text: this.stringOf(text), textLoc: this.locOf(text), negate, loc };
    }
    const l = ctx.left?.[0];
    const r = ctx.right?.[0];
    const cmp = tok(ctx.Comparison);
    const left = l === undefined ? undefined : this.expression(l.children);
    const right = r === undefined ? undefined : this.expression(r.children);
    if (left === undefined || right === undefined || cmp === undefined) return undefined;
    return { kind: 'expect-compare', left, op: cmp.tokenType === T.NotEqual ? '!=' : '==', right, loc };
  }

  opStatement(ctx: C.OpStatementCstChildren, loc: Loc | undefined): Stmt | undefined {
    const op = tok(ctx.op);
    if (op === undefined || loc === undefined) return undefined;
    const stmt: Stmt = { kind: 'op', op: op.image, opLoc: this.locOf(op), args: this.args(ctx.argument), loc };
    const bind = tok(ctx.bind);
    if (bind !== undefined) stmt.bind = { name: bind.image, loc: this.locOf(bind) };
    const o = ctx.outcome?.[0];
    const outcome = o === undefined ? undefined : this.outcome(o.children, this.nodeLoc(o));
    if (outcome !== undefined) stmt.outcome = outcome;
    return stmt;
  }

  private args(nodes: C.ArgumentCstNode[] | undefined): Arg[] {
    const out: Arg[] = [];
    for (const n of nodes ?? []) {
      const a = this.argument(n.children, this.nodeLoc(n));
      if (a !== undefined) out.push(a);
    }
    return out;
  }

  argument(ctx: C.ArgumentCstChildren, loc: Loc | undefined): Arg | undefined {
    const node = ctx.expression?.[0];
    const value = node === undefined ? undefined : this.expression(node.children);
    if (value === undefined || loc === undefined) return undefined;
    const key = tok(ctx.Word);
    if (key !== undefined) return { kind: 'named', key: key.image, keyLoc: this.locOf(key), value, loc };
    if (ctx.Word !== undefined) return undefined;
    return { kind: 'positional', value, loc };
  }

  outcome(ctx: C.OutcomeCstChildren, loc: Loc | undefined): Outcome | undefined {
    if (loc === undefined) return undefined;
    let result: Outcome | undefined;
    const bytesKw = tok(ctx.Bytes);
    if (bytesKw !== undefined) {
      result = { kind: 'bytes', kindLoc: this.locOf(bytesKw), args: [], loc };
      const pattern = this.bytePattern(ctx.ByteGroup);
      if (pattern !== undefined) result.bytes = pattern;
    } else {
      const kind = tok(ctx.kind);
      if (kind === undefined) return undefined;
      result = { kind: kind.image, kindLoc: this.locOf(kind), args: this.args(ctx.argument), loc };
      if (kind.image === 'error') this.checkErrno(result);
    }
    const name = tok(ctx.name);
    if (name !== undefined) result.as = { name: name.image, loc: this.locOf(name) };
    return result;
  }

  /** `=> error` names exactly one errno. */
  private checkErrno(o: Outcome): void {
    const [first, ...rest] = o.args;
    if (first?.kind === 'positional' && first.value.kind === 'ident' && rest.length === 0) return;
    const where = first === undefined ? o.kindLoc : span(first.loc, o.args[o.args.length - 1]!.loc);
    const message =
      first === undefined
        ? '`error` needs the errno the operation fails with'
        : '`error` takes exactly one errno name';
    this.diagnostics.push(error('DMA111', message, where, { hint: 'write e.g. `=> error EEXIST`' }));
  }

  /** Joins byte groups, lower-cased; reports an odd number of nibbles (DMA108). */
  private bytePattern(groups: IToken[] | undefined): { pattern: string; loc: Loc } | undefined {
    const real = (groups ?? []).filter((g) => g.isInsertedInRecovery !== true && !Number.isNaN(g.startOffset));
    const first = real[0];
    const last = real[real.length - 1];
    if (first === undefined || last === undefined) return undefined;
    if (real.some((g) => g.tokenType === T.BadBytes)) return undefined; // reported by the lexer
    const pattern = real.map((g) => g.image).join('').toLowerCase();
    const loc = span(this.locOf(first), this.locOf(last));
    if (pattern.length % 2 !== 0) {
      this.diagnostics.push(
        error('DMA108', `byte pattern has an odd number of nibbles (${pattern.length})`, loc, {
          hint: 'each byte is two hex digits, or `**` for a byte that may hold anything',
        }),
      );
    }
    return { pattern, loc };
  }

  // ---- expressions ------------------------------------------------------------------------------

  expression(ctx: C.ExpressionCstChildren): Expr | undefined {
    const terms = ctx.term ?? [];
    const ops = ctx.AdditiveOperator ?? [];
    const head = terms[0];
    let acc = head === undefined ? undefined : this.term(head.children, this.nodeLoc(head));
    for (let i = 1; i < terms.length && acc !== undefined; i++) {
      const right = this.term(terms[i]!.children, this.nodeLoc(terms[i]!));
      const op = ops[i - 1];
      if (right === undefined || op === undefined) return undefined;
      acc = { kind: 'binary', op: op.tokenType === T.Minus ? '-' : '+', left: acc, right, loc: span(acc.loc, right.loc) };
    }
    return acc;
  }

  term(ctx: C.TermCstChildren, loc: Loc | undefined): Expr | undefined {
    const id = tok(ctx.Identifier);
    if (id !== undefined) {
      const call = ctx.callArguments?.[0];
      if (call === undefined) return { kind: 'ident', name: id.image, loc: this.locOf(id) };
      const args = this.callArguments(call.children);
      if (args === undefined || loc === undefined) return undefined;
      return { kind: 'call', fn: id.image, fnLoc: this.locOf(id), args, loc };
    }
    const n = tok(ctx.Number);
    if (n !== undefined) return { kind: 'number', value: integerValue(n.image), text: n.image, loc: this.locOf(n) };
    const size = tok(ctx.Size);
    if (size !== undefined) return { kind: 'number', value: sizeValue(size.image), text: size.image, loc: this.locOf(size) };
    const b = tok(ctx.Bdf);
    if (b !== undefined) return { kind: 'bdf', ...bdfFields(b.image).fields, text: b.image, loc: this.locOf(b) };
    const id2 = tok(ctx.PciId);
    if (id2 !== undefined) return { kind: 'pciid', ...pciIdFields(id2.image), text: id2.image, loc: this.locOf(id2) };
    const s = tok(ctx.StringLiteral);
    if (s !== undefined) return { kind: 'string', value: this.stringOf(s), loc: this.locOf(s) };
    const inner = ctx.expression?.[0];
    if (inner !== undefined && tok(ctx.RParen) !== undefined) {
      const e = this.expression(inner.children);
      // parentheses only group: keep the inner node, widened to cover them
      return e === undefined || loc === undefined ? undefined : { ...e, loc };
    }
    return undefined; // a malformed number (reported by the lexer) or a recovered node
  }

  callArguments(ctx: C.CallArgumentsCstChildren): Expr[] | undefined {
    if (tok(ctx.RParen) === undefined) return undefined;
    const out: Expr[] = [];
    for (const n of ctx.expression ?? []) {
      const e = this.expression(n.children);
      if (e === undefined) return undefined;
      out.push(e);
    }
    return out;
  }

  private stringOf(t: IToken): string {
    return stringValue(t.image, t.tokenType === T.StringToken).value;
  }
}
