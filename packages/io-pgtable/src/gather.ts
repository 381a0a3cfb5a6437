/** include/linux/iommu.h `struct iommu_iotlb_gather` and its helpers. */

const ULONG_MAX = (1n << 64n) - 1n;

export class IotlbGather {
  start = ULONG_MAX;
  end = 0n;
  pgsize = 0n;
  /** iommu-dma sets this in lazy (flush-queue) mode: leaf invalidations are then skipped. */
  queued = false;
  /** Page-table pages (pfns) unlinked by an unmap; they may be freed only after the IOTLB sync. */
  freelist: number[] = [];

  constructor(opts?: { queued?: boolean }) {
    if (opts?.queued) this.queued = true;
  }

  /** `iommu_iotlb_gather_add_range`: grow [start, end] to cover [iova, iova + size). */
  addRange(iova: bigint, size: bigint): void {
    const end = iova + size - 1n;
    if (this.start > iova) this.start = iova;
    if (this.end < end) this.end = end;
  }

  /** `iommu_iotlb_gather_is_disjoint`: neither overlapping nor adjacent (an empty gather is never disjoint). */
  isDisjoint(iova: bigint, size: bigint): boolean {
    const start = iova;
    const end = iova + size - 1n;
    return this.end !== 0n && (end + 1n < this.start || start > this.end + 1n);
  }

  /** `iommu_iotlb_gather_init` (what `iommu_iotlb_sync` leaves behind). The freelist is not touched. */
  reset(): void {
    this.start = ULONG_MAX;
    this.end = 0n;
    this.pgsize = 0n;
    this.queued = false;
  }
}

/** TLB maintenance callbacks (struct iommu_flush_ops), called in Linux's order. */
export interface FlushOps {
  tlbFlushAll(): void;
  tlbFlushWalk(iova: bigint, size: bigint, granule: bigint): void;
  tlbAddPage(gather: IotlbGather, iova: bigint, granule: bigint): void;
  /**
   * `iommu_iotlb_sync(domain, gather)` issued by the page-table code itself (generic_pt map after
   * freeing tables, FLUSH_RANGE_NO_GAPS on a disjoint unmap). Optional: the page table frees the
   * pages of a gather it owns either way.
   */
  iotlbSync?(gather: IotlbGather): void;
}

export type TlbEvent =
  | { kind: 'flush-all' }
  | { kind: 'flush-walk'; iova: bigint; size: bigint; granule: bigint }
  | { kind: 'add-page'; iova: bigint; granule: bigint }
  /** generic_pt `gather_range_pages` → `iommu_iotlb_gather_add_range` (no driver callback). */
  | { kind: 'add-range'; iova: bigint; size: bigint }
  /** generic_pt calling `iommu_iotlb_sync` itself. */
  | { kind: 'sync' };
