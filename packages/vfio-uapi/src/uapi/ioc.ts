/**
 * The ioctl request encoding of include/uapi/asm-generic/ioctl.h, which x86 uses:
 * bits 0-7 `nr`, 8-15 `type`, 16-29 `size` (14 bits), 30-31 `dir`.
 * `_IOC_NONE` is `0U`, `_IOC_WRITE` `1U`, `_IOC_READ` `2U`.
 */
import type { CInt } from './cexpr.js';

export const IOC_NRBITS = 8;
export const IOC_TYPEBITS = 8;
export const IOC_SIZEBITS = 14;
export const IOC_DIRBITS = 2;
export const IOC_NRSHIFT = 0;
export const IOC_TYPESHIFT = IOC_NRSHIFT + IOC_NRBITS;
export const IOC_SIZESHIFT = IOC_TYPESHIFT + IOC_TYPEBITS;
export const IOC_DIRSHIFT = IOC_SIZESHIFT + IOC_SIZEBITS;
export const IOC_NONE = 0;
export const IOC_WRITE = 1;
export const IOC_READ = 2;

export type IocDirection = 'none' | 'write' | 'read' | 'read-write';

const DIR_NAMES: readonly IocDirection[] = ['none', 'write', 'read', 'read-write'];

/** `_IOC(dir, type, nr, size)` in C integer arithmetic (dir is unsigned int). */
export function encodeIoc(
  dir: number,
  type: CInt,
  nr: CInt,
  size: CInt,
  apply: (op: string, a: CInt, b: CInt) => CInt,
): CInt {
  const u = (v: number): CInt => ({ value: BigInt(v), type: 'unsigned int' });
  const i = (v: number): CInt => ({ value: BigInt(v), type: 'int' });
  let r = apply('<<', u(dir), i(IOC_DIRSHIFT));
  r = apply('|', r, apply('<<', type, i(IOC_TYPESHIFT)));
  r = apply('|', r, apply('<<', nr, i(IOC_NRSHIFT)));
  return apply('|', r, apply('<<', size, i(IOC_SIZESHIFT)));
}

export interface IocFields {
  readonly dir: IocDirection;
  readonly type: number;
  readonly nr: number;
  readonly size: number;
}

/** `_IOC_DIR/_IOC_TYPE/_IOC_NR/_IOC_SIZE` of a request number. */
export function decodeIoc(request: number): IocFields {
  const n = request >>> 0;
  return {
    dir: DIR_NAMES[(n >>> IOC_DIRSHIFT) & ((1 << IOC_DIRBITS) - 1)]!,
    type: (n >>> IOC_TYPESHIFT) & ((1 << IOC_TYPEBITS) - 1),
    nr: (n >>> IOC_NRSHIFT) & ((1 << IOC_NRBITS) - 1),
    size: (n >>> IOC_SIZESHIFT) & ((1 << IOC_SIZEBITS) - 1),
  };
}
