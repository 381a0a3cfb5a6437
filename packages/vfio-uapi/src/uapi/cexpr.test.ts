import { describe, expect, it } from 'vitest';
import { evaluate } from './cexpr.js';
import type { EvalContext } from './cexpr.js';
import { fail, ok } from './result.js';

const ctx: EvalContext = {
  lookup: (n) =>
    n === 'BASE' ? ok({ value: 100n, type: 'int' }) : fail('UNKNOWN_CONSTANT', `no ${n}`),
  sizeofType: (t) => ({ long: 8, __u32: 4 })[t],
};

const val = (e: string) => {
  const r = evaluate(e, ctx);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('C constant expressions (x86-64 LP64)', () => {
  it('a shift into the sign bit of int is INT_MIN, as gcc computes it', () => {
    expect(val('(1 << 31)')).toEqual({ value: -2147483648n, type: 'int' });
  });

  it('literal types follow value and suffix', () => {
    expect(val('0xffffffff').type).toBe('unsigned int');
    expect(val('4294967295').type).toBe('long');
    expect(val('(1U << 0)')).toEqual({ value: 1n, type: 'unsigned int' });
    expect(val('-1')).toEqual({ value: -1n, type: 'int' });
    expect(val('010')).toEqual({ value: 8n, type: 'int' });
  });

  it('usual arithmetic conversions: int op unsigned int is unsigned', () => {
    expect(val('-1 + 0U')).toEqual({ value: 0xffffffffn, type: 'unsigned int' });
  });

  it("char literals and identifiers: _IO(';', BASE + 13) is 0x3b71", () => {
    expect(val("_IO(';', BASE + 13)").value).toBe(0x3b71n);
  });

  // asm-generic _IOR/_IOW: FS_IOC_GETFLAGS = _IOR('f', 1, long) is 0x80086601 and
  // FS_IOC_SETFLAGS = _IOW('f', 2, long) 0x40086602 on x86-64 (include/uapi/linux/fs.h)
  it('_IOR/_IOW put direction and sizeof into the request', () => {
    expect(val("_IOR('f', 1, long)")).toEqual({ value: 0x80086601n, type: 'unsigned long' });
    expect(val("_IOW('f', 2, long)").value).toBe(0x40086602n);
  });

  it('bad input is an error value with a stable code', () => {
    for (const e of ['1 <<', 'NOPE + 1', '1 << 40', "_IOR('f', 1, struct nope)", '1 $ 2']) {
      const r = evaluate(e, ctx);
      expect(r.ok ? 'ok' : r.error.code).toBe('BAD_EXPRESSION');
    }
  });
});
