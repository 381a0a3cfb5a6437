/**
 * Exact integer helpers on doubles. Page-table code works on page-frame numbers
 * (4 KiB units): a 57-bit IOVA or 52-bit PA becomes a ≤ 45-bit number, exact in a
 * double, so hot paths need no BigInt. PTE words are handled as 32-bit halves.
 */
export const TWO20 = 1048576;
export const TWO32 = 4294967296;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** 512^n for n = 0..6 (pages covered by one entry at a 9-bit-stride level). */
export const POW512 = [1, 512, 262144, 134217728, 68719476736, 35184372088832, 18014398509481984];

/** Splits an address into its 4K frame number and page offset (no BigInt work below 2^53). */
export function splitAddr(a: bigint, out: { pfn: number; off: number }): void {
  if (a <= MAX_SAFE && a >= 0n) {
    const n = Number(a);
    const off = n % 4096;
    out.pfn = (n - off) / 4096;
    out.off = off;
  } else {
    out.pfn = Number(a >> 12n);
    out.off = Number(a & 0xfffn);
  }
}

/** pfn·4096 + off as a bigint (exact). */
export function pfnAddr(pfn: number, off = 0): bigint {
  const n = pfn * 4096 + off;
  return n <= Number.MAX_SAFE_INTEGER ? BigInt(n) : (BigInt(pfn) << 12n) + BigInt(off);
}

/** Bits 51:12 of a PTE as a pfn. */
export function pfnOf52(lo: number, hi: number): number {
  return (hi & 0xfffff) * TWO20 + (lo >>> 12);
}

/** A 64-bit PTE value from its halves. */
export function u64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Low half of a PTE whose address field holds `pfn` and low attribute bits `attrLo` (< 4096). */
export function loOf(pfn: number, attrLo: number): number {
  return ((pfn % TWO20) * 4096 + attrLo) >>> 0;
}

/** High half: address bits 51:32 plus high attribute bits (bit n of the PTE = bit n-32 here). */
export function hiOf(pfn: number, attrHi: number): number {
  return (Math.floor(pfn / TWO20) | attrHi) >>> 0;
}

/** Count of trailing zero bits of a non-negative integer below 2^53 (64 for 0). */
export function ctz(x: number): number {
  if (x === 0) return 64;
  const lo = x >>> 0;
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = Math.floor(x / TWO32) >>> 0;
  return 32 + 31 - Math.clz32(hi & -hi);
}

/** Index of the highest set bit (floor(log2 x)) of a positive integer below 2^53. */
export function flsIndex(x: number): number {
  if (x >= TWO32) return 32 + 31 - Math.clz32(Math.floor(x / TWO32) >>> 0);
  return 31 - Math.clz32(x >>> 0);
}

export function hex(x: bigint | number): string {
  return '0x' + x.toString(16);
}

/** `%llx`/`%lx`: lowercase hex without prefix. */
export function hexRaw(x: bigint | number): string {
  return x.toString(16);
}

export function bigLog2(x: bigint): number {
  return x.toString(2).length - 1;
}

export function isPow2(x: bigint): boolean {
  return x > 0n && (x & (x - 1n)) === 0n;
}

/** Trailing zero bits of a 64-bit value (64 for 0). */
export function ctzBig(x: bigint): number {
  if (x === 0n) return 64;
  if (x < 1n << 53n) return ctz(Number(x));
  let n = 0;
  while ((x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}
