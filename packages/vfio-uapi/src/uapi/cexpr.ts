/**
 * Evaluates the integer constant expressions the uAPI headers use in their
 * macros and enums (`(1 << 31)`, `VFIO_BASE + 13`, `_IO(VFIO_TYPE, ...)`), with
 * C's types on x86-64 LP64: literals get int / unsigned int / long / unsigned long
 * by value and suffix, operands go through the usual arithmetic conversions,
 * results wrap to their type's width. A signed shift into the sign bit
 * (`1 << 31`) yields INT_MIN as gcc computes it, which is why the golden listing
 * prints VFIO_REGION_TYPE_PCI_VENDOR_TYPE as 0xffffffff80000000.
 */
import { encodeIoc, IOC_NONE, IOC_READ, IOC_WRITE } from './ioc.js';
import { fail, ok } from './result.js';
import type { UapiResult } from './result.js';

export type CIntType = 'int' | 'unsigned int' | 'long' | 'unsigned long';

export interface CInt {
  readonly value: bigint;
  readonly type: CIntType;
}

export interface EvalContext {
  /** Value of another macro or enum constant. */
  lookup(name: string): UapiResult<CInt>;
  /** `sizeof` a type named in `_IOR/_IOW/_IOWR` (`struct x`, `__u32`, `int`, `char`). */
  sizeofType(type: string): number | undefined;
}

const WIDTH: Record<CIntType, 32 | 64> = {
  int: 32,
  'unsigned int': 32,
  long: 64,
  'unsigned long': 64,
};
const UNSIGNED: Record<CIntType, boolean> = {
  int: false,
  'unsigned int': true,
  long: false,
  'unsigned long': true,
};

export function cint(value: bigint, type: CIntType): CInt {
  const w = WIDTH[type];
  return { value: UNSIGNED[type] ? BigInt.asUintN(w, value) : BigInt.asIntN(w, value), type };
}

/** Usual arithmetic conversions between two promoted operand types (LP64). */
function common(a: CIntType, b: CIntType): CIntType {
  if (a === b) return a;
  const wa = WIDTH[a];
  const wb = WIDTH[b];
  if (UNSIGNED[a] === UNSIGNED[b]) return wa >= wb ? a : b;
  const [u, s] = UNSIGNED[a] ? [a, b] : [b, a];
  if (WIDTH[u] >= WIDTH[s]) return u;
  // the signed type is wider, so it holds every value of the unsigned one
  return s;
}

class EvalError extends Error {}

type Tok = { k: 'num'; v: CInt } | { k: 'id'; v: string } | { k: 'op'; v: string } | { k: 'end' };

function literal(text: string): CInt {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(text);
  if (!m) throw new EvalError(`bad integer literal '${text}'`);
  const digits = m[1]!;
  const suffix = (m[2] ?? '').toLowerCase();
  const v =
    digits.length > 1 && digits[0] === '0' && !/^0[xX]/.test(digits)
      ? BigInt(`0o${digits.slice(1)}`)
      : BigInt(digits);
  const decimal = /^[1-9]/.test(digits);
  const u = suffix.includes('u');
  const l = suffix.includes('l');
  const candidates: CIntType[] = u
    ? l
      ? ['unsigned long']
      : ['unsigned int', 'unsigned long']
    : l
      ? decimal
        ? ['long']
        : ['long', 'unsigned long']
      : decimal
        ? ['int', 'long']
        : ['int', 'unsigned int', 'long', 'unsigned long'];
  for (const t of candidates) {
    const w = BigInt(WIDTH[t]);
    const max = UNSIGNED[t] ? (1n << w) - 1n : (1n << (w - 1n)) - 1n;
    if (v <= max) return { value: v, type: t };
  }
  throw new EvalError(`integer literal '${text}' does not fit any type`);
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      const m = /^'(\\?.)'/.exec(src.slice(i));
      if (!m) throw new EvalError(`bad character literal at ${i}`);
      const body = m[1]!;
      const ch = body.length === 2 ? ({ n: '\n', t: '\t', '0': '\0' }[body[1]!] ?? body[1]!) : body;
      out.push({ k: 'num', v: { value: BigInt(ch.charCodeAt(0)), type: 'int' } });
      i += m[0].length;
      continue;
    }
    const num = /^[0-9][0-9a-zA-Z]*/.exec(src.slice(i));
    if (num) {
      out.push({ k: 'num', v: literal(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '<<' || two === '>>') {
      out.push({ k: 'op', v: two });
      i += 2;
      continue;
    }
    if ('()+-*/%&|^~!,'.includes(c)) {
      out.push({ k: 'op', v: c });
      i++;
      continue;
    }
    throw new EvalError(`unexpected '${c}' at ${i}`);
  }
  out.push({ k: 'end' });
  return out;
}

const IOC_DIRS: Record<string, number> = {
  _IO: IOC_NONE,
  _IOR: IOC_READ,
  _IOW: IOC_WRITE,
  _IOWR: IOC_READ | IOC_WRITE,
};

class Parser {
  private pos = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly ctx: EvalContext,
  ) {}

  private peek(): Tok {
    return this.toks[this.pos]!;
  }
  private next(): Tok {
    return this.toks[this.pos++]!;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.k === 'op' && t.v === v;
  }
  private expect(v: string): void {
    const t = this.next();
    if (t.k !== 'op' || t.v !== v) throw new EvalError(`expected '${v}'`);
  }

  parse(): CInt {
    const v = this.or();
    if (this.peek().k !== 'end') throw new EvalError('trailing tokens');
    return v;
  }

  private binary(level: readonly string[], sub: () => CInt): CInt {
    let a = sub();
    for (;;) {
      const t = this.peek();
      if (t.k !== 'op' || !level.includes(t.v)) return a;
      this.next();
      a = apply(t.v, a, sub());
    }
  }
  private or = (): CInt => this.binary(['|'], this.xor);
  private xor = (): CInt => this.binary(['^'], this.and);
  private and = (): CInt => this.binary(['&'], this.shift);
  private shift = (): CInt => this.binary(['<<', '>>'], this.add);
  private add = (): CInt => this.binary(['+', '-'], this.mul);
  private mul = (): CInt => this.binary(['*', '/', '%'], this.unary);

  private unary = (): CInt => {
    const t = this.peek();
    if (t.k === 'op' && (t.v === '-' || t.v === '~' || t.v === '+' || t.v === '!')) {
      this.next();
      const a = this.unary();
      if (t.v === '-') return cint(-a.value, a.type);
      if (t.v === '~') return cint(~a.value, a.type);
      if (t.v === '!') return { value: a.value === 0n ? 1n : 0n, type: 'int' };
      return a;
    }
    return this.primary();
  };

  private primary(): CInt {
    const t = this.next();
    if (t.k === 'num') return t.v;
    if (t.k === 'op' && t.v === '(') {
      const v = this.or();
      this.expect(')');
      return v;
    }
    if (t.k === 'id') {
      const dir = IOC_DIRS[t.v];
      if (dir !== undefined && this.isOp('(')) return this.ioc(t.v, dir);
      const r = this.ctx.lookup(t.v);
      if (!r.ok) throw new EvalError(r.error.message);
      return r.value;
    }
    throw new EvalError('expected a value');
  }

  /** `_IO(type, nr)` / `_IOR(type, nr, T)`: include/uapi/asm-generic/ioctl.h `_IOC`. */
  private ioc(macro: string, dir: number): CInt {
    this.expect('(');
    const type = this.or();
    this.expect(',');
    const nr = this.or();
    // _IO passes a plain 0 size; the others pass sizeof(T), a size_t (unsigned long)
    let size: CInt = { value: 0n, type: 'int' };
    if (macro !== '_IO') {
      this.expect(',');
      const words: string[] = [];
      while (this.peek().k === 'id') words.push((this.next() as { v: string }).v);
      const tname = words.join(' ');
      const n = this.ctx.sizeofType(tname);
      if (n === undefined) throw new EvalError(`unknown type '${tname}' in ${macro}`);
      size = { value: BigInt(n), type: 'unsigned long' };
    }
    this.expect(')');
    return encodeIoc(dir, type, nr, size, apply);
  }
}

export function apply(op: string, a: CInt, b: CInt): CInt {
  if (op === '<<' || op === '>>') {
    const w = BigInt(WIDTH[a.type]);
    if (b.value < 0n || b.value >= w) throw new EvalError(`shift by ${b.value} out of range`);
    return cint(op === '<<' ? a.value << b.value : a.value >> b.value, a.type);
  }
  const t = common(a.type, b.type);
  const x = cint(a.value, t).value;
  const y = cint(b.value, t).value;
  switch (op) {
    case '+':
      return cint(x + y, t);
    case '-':
      return cint(x - y, t);
    case '*':
      return cint(x * y, t);
    case '/':
    case '%':
      if (y === 0n) throw new EvalError('division by zero');
      return cint(op === '/' ? x / y : x % y, t);
    case '&':
      return cint(x & y, t);
    case '|':
      return cint(x | y, t);
    case '^':
      return cint(x ^ y, t);
    default:
      throw new EvalError(`unknown operator '${op}'`);
  }
}

/** Evaluates `expr` (a macro body or enum initialiser). */
export function evaluate(expr: string, ctx: EvalContext): UapiResult<CInt> {
  try {
    return ok(new Parser(tokenize(expr), ctx).parse());
  } catch (e) {
    if (e instanceof EvalError)
      return fail('BAD_EXPRESSION', `cannot evaluate '${expr}': ${e.message}`);
    throw e;
  }
}
