import type { Errno } from './types.js';

/** include/linux/iommu.h: record dirty ranges but leave the entries dirty. */
export const IOMMU_DIRTY_NO_CLEAR = 1;

/** One `iommu_dirty_bitmap_record(dirty, iova, size)` call. */
export interface DirtyRange {
  iova: bigint;
  size: bigint;
}

/** What `read_and_clear_dirty` returned (`errno` set on -EINVAL) and the ranges it recorded, in walk order. */
export interface DirtyResult {
  errno?: Errno;
  dirty: DirtyRange[];
}
