/**
 * drivers/iommu/iommu.c iommu_pgsize: the largest supported page that fits the
 * remaining size and the alignment of iova|paddr, and how many of them to map before
 * a larger page becomes possible (only when iova and paddr share the offset within it).
 */
export function iommuPgsize(
  pgsizeBitmap: bigint,
  iova: bigint,
  paddr: bigint,
  size: bigint,
): { pgsize: bigint; count: number } | undefined {
  // Every map call goes through here: below 2^53 the same steps run on numbers.
  if (iova <= MAX_SAFE && paddr <= MAX_SAFE && size <= MAX_SAFE && iova >= 0n && paddr >= 0n && size > 0n) {
    return pgsizeSafe(pgsizeBitmap, Number(iova), Number(paddr), Number(size));
  }
  return iommuPgsizeBigint(pgsizeBitmap, iova, paddr, size);
}

/** iommuPgsize in bigint arithmetic, for any width (and the reference for the number path). */
export function iommuPgsizeBigint(
  pgsizeBitmap: bigint,
  iova: bigint,
  paddr: bigint,
  size: bigint,
): { pgsize: bigint; count: number } | undefined {
  const addrMerge = iova | paddr;
  let pgsizes = pgsizeBitmap & genmask(fls(size));
  if (addrMerge !== 0n) pgsizes &= genmask(ffs(addrMerge));
  if (pgsizes === 0n) return undefined; // the kernel's BUG_ON(!pgsizes); callers check alignment first
  const idx = fls(pgsizes);
  const pgsize = 1n << BigInt(idx);
  let remaining = size;
  const bigger = pgsizeBitmap & ~genmask(idx);
  if (bigger !== 0n) {
    const next = 1n << BigInt(ffs(bigger));
    if (((iova ^ paddr) & (next - 1n)) === 0n) {
      const offset = next - (addrMerge & (next - 1n));
      if (offset + next <= size) remaining = offset;
    }
  }
  return { pgsize, count: Number(remaining >> BigInt(idx)) };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const TWO32 = 2 ** 32;
/** POW2N[i] = 2^i as a bigint (the page sizes handed back). */
const POW2N: readonly bigint[] = Array.from({ length: 64 }, (_, i) => 1n << BigInt(i));

/** The set bits of the last bitmap seen, ascending (a domain keeps one bitmap). */
let lastBitmap = -1n;
let lastExps: readonly number[] = [];

function bitmapExponents(bitmap: bigint): readonly number[] {
  if (bitmap !== lastBitmap) {
    const exps: number[] = [];
    for (let i = 0; i < 64; i++) if ((bitmap >> BigInt(i)) & 1n) exps.push(i);
    lastBitmap = bitmap;
    lastExps = exps;
  }
  return lastExps;
}

/** floor(log2(x)) for 1 <= x < 2^53. */
function flsNum(x: number): number {
  return x < TWO32 ? 31 - Math.clz32(x) : 63 - Math.clz32(Math.floor(x / TWO32));
}

/** Trailing zeros of 1 <= x < 2^53. */
function ctzNum(x: number): number {
  const lo = x % TWO32;
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  const hi = (x - lo) / TWO32;
  return 63 - Math.clz32(hi & -hi);
}

/**
 * iommuPgsize for iova, paddr and size below 2^53 (size > 0). With e = the exponent chosen
 * and n = the next larger supported one: "iova ^ paddr has no bits below n" is "they are
 * equal mod 2^n", and then (iova | paddr) mod 2^n is iova mod 2^n; n >= 53 never passes the
 * size test (2^n > size), so every step is exact on doubles.
 */
function pgsizeSafe(bitmap: bigint, iova: number, paddr: number, size: number): { pgsize: bigint; count: number } | undefined {
  let limit = flsNum(size);
  if (iova !== 0) limit = Math.min(limit, ctzNum(iova));
  if (paddr !== 0) limit = Math.min(limit, ctzNum(paddr));
  const exps = bitmapExponents(bitmap);
  let at = -1;
  for (let i = 0; i < exps.length && exps[i]! <= limit; i++) at = i;
  if (at < 0) return undefined;
  const idx = exps[at]!;
  let remaining = size;
  const n = exps[at + 1];
  if (n !== undefined && n < 53) {
    const next = 2 ** n;
    const r = iova % next;
    if (r === paddr % next) {
      const offset = next - r;
      if (offset + next <= size) remaining = offset;
    }
  }
  return { pgsize: POW2N[idx]!, count: Math.floor(remaining / 2 ** idx) };
}

/** Index of the highest set bit (x > 0); the bigint path only (pgsizeSafe covers addresses below 2^53). */
function fls(x: bigint): number {
  return x.toString(2).length - 1;
}

/** Index of the lowest set bit (x > 0). */
function ffs(x: bigint): number {
  return fls(x & -x);
}

/** Bits 0..h set. */
function genmask(h: number): bigint {
  return (1n << BigInt(h + 1)) - 1n;
}

/** Smallest page size in a bitmap (min_pagesz). */
export function minPageSize(pgsizeBitmap: bigint): bigint {
  return pgsizeBitmap & -pgsizeBitmap;
}
