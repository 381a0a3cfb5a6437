/**
 * Scalar C types used by the VFIO and iommufd headers, with their x86-64 LP64
 * (System V) size and alignment. `__u64` is `unsigned long long`, 8-aligned on
 * x86-64 (4-aligned only on i386, which is why the headers also use
 * `__aligned_u64`; see include/uapi/linux/types.h).
 */
export type ScalarType =
  | '__u8'
  | '__u16'
  | '__u32'
  | '__u64'
  | '__s8'
  | '__s16'
  | '__s32'
  | '__s64'
  | '__aligned_u64'
  | '__aligned_le64'
  | 'char'
  | '__u64 __user *';

export interface ScalarInfo {
  readonly size: 1 | 2 | 4 | 8;
  readonly align: 1 | 2 | 4 | 8;
  readonly signed: boolean;
}

const SCALARS: Readonly<Record<ScalarType, ScalarInfo>> = {
  __u8: { size: 1, align: 1, signed: false },
  __u16: { size: 2, align: 2, signed: false },
  __u32: { size: 4, align: 4, signed: false },
  __u64: { size: 8, align: 8, signed: false },
  __s8: { size: 1, align: 1, signed: true },
  __s16: { size: 2, align: 2, signed: true },
  __s32: { size: 4, align: 4, signed: true },
  __s64: { size: 8, align: 8, signed: true },
  __aligned_u64: { size: 8, align: 8, signed: false },
  __aligned_le64: { size: 8, align: 8, signed: false },
  // x86 `char` is signed
  char: { size: 1, align: 1, signed: true },
  // a user pointer: 8 bytes on LP64
  '__u64 __user *': { size: 8, align: 8, signed: false },
};

export function isScalarType(t: string): t is ScalarType {
  return Object.prototype.hasOwnProperty.call(SCALARS, t);
}

export function scalarInfo(t: ScalarType): ScalarInfo {
  return SCALARS[t];
}

/** Inclusive value range of a scalar type, as bigints. */
export function scalarRange(t: ScalarType): { min: bigint; max: bigint } {
  const { size, signed } = SCALARS[t];
  const bits = BigInt(size * 8);
  return signed
    ? { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n }
    : { min: 0n, max: (1n << bits) - 1n };
}
