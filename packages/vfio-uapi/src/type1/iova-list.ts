/**
 * The type1 list of usable IOVA ranges (inclusive ends, sorted), rebuilt the way
 * drivers/vfio/vfio_iommu_type1.c does on group attach and detach.
 */
import type { ReservedRegion } from './backend.js';

export interface IovaRange {
  readonly start: bigint;
  readonly end: bigint;
}

export const U64_MAX = (1n << 64n) - 1n;

/**
 * vfio_iommu_aper_resize(): narrow the list to [start, end]. An empty list becomes
 * the aperture; otherwise nodes wholly outside are dropped and edge nodes clipped,
 * with the kernel's comparisons (a node whose end equals `start` is dropped).
 */
export function aperResize(list: readonly IovaRange[], start: bigint, end: bigint): IovaRange[] {
  if (list.length === 0) return [{ start, end }];
  const out: IovaRange[] = [];
  let i = 0;
  // adjust the start
  for (; i < list.length; i++) {
    const n = list[i]!;
    if (start < n.start) break;
    if (start >= n.start && start < n.end) {
      out.push({ start, end: n.end });
      i++;
      break;
    }
    // node lies before the new start: deleted
  }
  for (; i < list.length; i++) out.push(list[i]!);
  // adjust the end
  const res: IovaRange[] = [];
  for (const n of out) {
    if (end > n.end) {
      res.push(n);
      continue;
    }
    if (end > n.start && end <= n.end) {
      res.push({ start: n.start, end });
      continue;
    }
    // node lies after the new end: deleted
  }
  return res;
}

/**
 * vfio_iommu_resv_refine() (vfio_iommu_resv_exclude in newer kernels): cut every reserved region except
 * IOMMU_RESV_DIRECT_RELAXABLE out of the list. Returns undefined if nothing is left.
 */
export function resvRefine(
  list: readonly IovaRange[],
  resv: readonly ReservedRegion[],
): IovaRange[] | undefined {
  let cur = [...list];
  for (const r of resv) {
    if (r.type === 'direct-relaxable') continue;
    const next: IovaRange[] = [];
    for (const n of cur) {
      if (r.start > n.end || r.end < n.start) {
        next.push(n);
        continue;
      }
      if (r.start > n.start) next.push({ start: n.start, end: r.start - 1n });
      if (r.end < n.end) next.push({ start: r.end + 1n, end: n.end });
    }
    cur = next;
  }
  return cur.length > 0 ? cur : undefined;
}

/**
 * vfio_iommu_aper_conflict(): the new aperture is disjoint from the list, or
 * would leave an existing mapping outside it. `hasDma(start, size)` is vfio_find_dma.
 */
export function aperConflict(
  list: readonly IovaRange[],
  start: bigint,
  end: bigint,
  hasDma: (start: bigint, size: bigint) => boolean,
): boolean {
  const first = list[0];
  const last = list[list.length - 1];
  if (!first || !last) return false;
  if (start > last.end || end < first.start) return true;
  if (start > first.start && hasDma(first.start, start - first.start)) return true;
  if (end < last.end && hasDma(end + 1n, last.end - end)) return true;
  return false;
}

/** vfio_iommu_resv_conflict(): a non-relaxable reserved region overlaps a mapping. */
export function resvConflict(
  resv: readonly ReservedRegion[],
  hasDma: (start: bigint, size: bigint) => boolean,
): boolean {
  return resv.some((r) => r.type !== 'direct-relaxable' && hasDma(r.start, r.end - r.start + 1n));
}
