/**
 * Exact integer helpers on doubles. Page-table code works on page-frame numbers
 * (4 KiB units): a 57-bit IOVA or 52-bit PA becomes a ≤ 45-bit number, exact in a
 * double, so hot paths need no BigInt. PTE words are handled as 32-bit halves.
 */
export const TWO20 = 1048576;
export const TWO32 = 4294967296;
/**
 * Scratch 64-bit cell with a 32-bit view: storing a bigint and reading the halves
 * (or the reverse) is several times faster than Number(bigint) / BigInt(number).
 */
const cell = new BigUint64Array(1);
const halves = new Uint32Array(cell.buffer);

/** 2^n for n = 0..63 (a table lookup: `2 ** n` with a variable n is a slow Math.pow). */
export const POW2: readonly number[] = Array.from({ length: 64 }, (_, n) => 2 ** n);

/** 512^n for n = 0..6 (pages covered by one entry at a 9-bit-stride level). */
export const POW512 = [1, 512, 262144, 134217728, 68719476736, 35184372088832, 18014398509481984];

/** An address split for hot paths: 32-bit halves, 4K frame number and page offset. */
export interface Split {
  lo: number;
  hi: number;
  pfn: number;
  off: number;
}

export function newSplit(): Split {
  return { lo: 0, hi: 0, pfn: 0, off: 0 };
}

/** Splits a 64-bit address (taken modulo 2^64, like an unsigned long) without BigInt arithmetic. */
export function splitAddr(a: bigint, out: Split): void {
  cell[0] = a;
  const lo = halves[0]!;
  const hi = halves[1]!;
  out.lo = lo;
  out.hi = hi;
  out.pfn = hi * TWO20 + (lo >>> 12);
  out.off = lo & 0xfff;
}

/** Index of the 9-bit field for 4K-granule level k (0 = bits 20:12) from an address's 32-bit halves. */
export function ix(k: number, lo: number, hi: number): number {
  switch (k) {
    case 0:
      return (lo >>> 12) & 511;
    case 1:
      return (lo >>> 21) & 511;
    case 2:
      return ((lo >>> 30) | (hi << 2)) & 511;
    case 3:
      return (hi >>> 7) & 511;
    case 4:
      return (hi >>> 16) & 511;
    default:
      return (hi >>> 25) & 511;
  }
}

/** The same index from a 4K page number (exact for any pfn below 2^53). */
export function ixPfn(k: number, pfn: number): number {
  switch (k) {
    case 0:
      return pfn & 511;
    case 1:
      return (pfn >>> 9) & 511;
    case 2:
      return (pfn >>> 18) & 511;
    default:
      return Math.floor(pfn / POW512[k]!) & 511;
  }
}

/**
 * (address >> 12) mod 2^bits from an address's 32-bit halves: the page offset inside a leaf of
 * 2^bits pages, with shifts instead of a floating-point modulo (bits ≤ 51).
 */
export function lowPages(lo: number, hi: number, bits: number): number {
  if (bits <= 20) return (lo >>> 12) & ((1 << bits) - 1);
  return (lo >>> 12) + (bits >= 52 ? hi : hi & ((2 ** (bits - 20)) - 1)) * TWO20;
}

/** pfn·4096 + off as a bigint (exact). */
export function pfnAddr(pfn: number, off = 0): bigint {
  if (pfn >= 4503599627370496) return (BigInt(pfn) << 12n) + BigInt(off); // ≥ 2^52 pages: beyond 64 bits
  const hi = Math.floor(pfn / TWO20);
  halves[0] = (pfn - hi * TWO20) * 4096 + off; // no %: a double modulo is a libcall
  halves[1] = hi;
  return cell[0]!;
}

/** Bits 51:12 of a PTE as a pfn. */
export function pfnOf52(lo: number, hi: number): number {
  return (hi & 0xfffff) * TWO20 + (lo >>> 12);
}

/** A 64-bit PTE value from its halves. */
export function u64(lo: number, hi: number): bigint {
  halves[0] = lo;
  halves[1] = hi;
  return cell[0]!;
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

/** Carry-out of the last fillRun/skip computation (high half of the next PTE). */
export const run = { lo: 0, hi: 0 };

/**
 * Writes `count` consecutive leaf PTEs starting at entry `i0` whose halves advance by
 * `step` bytes (int32 arithmetic with a manual carry), stopping before the first
 * slot that is not zero. Returns the index it stopped at; `run` holds the next value.
 */
export function fillRun(v: Uint32Array, i0: number, count: number, lo: number, hi: number, step: number): number {
  let j = 2 * i0;
  const end = j + 2 * count;
  for (; j < end; j += 2) {
    if ((v[j]! | v[j + 1]!) !== 0) break;
    v[j] = lo;
    v[j + 1] = hi;
    const next = (lo + step) | 0;
    if (lo < 0 && next >= 0) hi = (hi + 1) | 0;
    lo = next;
  }
  run.lo = lo;
  run.hi = hi;
  return j >> 1;
}

/** pgsize·pgcount as a bigint without BigInt multiplication when the product is below 2^52. */
export function mulSize(pgsize: bigint, pgcount: number, tmp: Split): bigint {
  if (pgsize >= 0n && pgsize < 0x100000000n && pgcount < 0x100000) {
    splitAddr(pgsize, tmp);
    const n = (tmp.pfn * 4096 + tmp.off) * pgcount;
    return pfnAddr(Math.floor(n / 4096), n % 4096);
  }
  return pgsize * BigInt(pgcount);
}
