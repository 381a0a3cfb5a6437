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

/** Index of the highest set bit (x > 0; 0 for 0), by 32-bit halves: no string per call. */
function fls(x: bigint): number {
  let base = 0;
  while (x >= 0x1_0000_0000_0000_0000n) {
    x >>= 64n;
    base += 64;
  }
  const hi = Number(x >> 32n);
  if (hi !== 0) return base + 63 - Math.clz32(hi);
  const lo = Number(x);
  return lo === 0 ? base : base + 31 - Math.clz32(lo);
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
