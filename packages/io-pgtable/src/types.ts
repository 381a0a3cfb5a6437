import type { AllocRequest, PageAllocator, PhysMem } from '@dmasim/physmem';
import type { DirtyResult } from './dirty.js';
import type { FlushOps, IotlbGather, TlbEvent } from './gather.js';
import type { PgtableProfile } from './profile.js';

export type Errno = 'EINVAL' | 'EEXIST' | 'EADDRINUSE' | 'ERANGE' | 'ENXIO' | 'EOVERFLOW' | 'ENOMEM' | 'EFAULT' | 'EOPNOTSUPP';

export interface MapResult {
  errno?: Errno;
  /** Bytes of IOVA the call reports as mapped (`*mapped`), also on error where the kernel reports them. */
  mapped: bigint;
}

export type WalkFault =
  | 'not-present'
  | 'no-read'
  | 'no-write'
  | 'beyond-address-width'
  | 'reserved-bits'
  | 'non-canonical'
  | 'user-priv';

export interface WalkStep {
  level: number;
  index: number;
  tablePa: bigint;
  entryPa: bigint;
  value: bigint;
}

export type WalkResult =
  | { ok: true; pa: bigint; level: number; pte: bigint; pageSize: bigint; path: WalkStep[] }
  | { ok: false; reason: WalkFault; level: number; pte: bigint; path: WalkStep[] };

export interface PteDumpRow {
  level: number;
  index: number;
  /** Physical address of the table holding the entry. */
  tablePa: bigint;
  entryPa: bigint;
  value: bigint;
  kind: 'table' | 'leaf';
  /** First IOVA the entry covers and how many bytes (a contiguous/replicated leaf reports its whole size). */
  iova: bigint;
  size: bigint;
  /** Next-table PA (kind table) or output address (kind leaf). */
  oa: bigint;
  /** Decoded flag names, e.g. ['R', 'W', 'PS', 'SNP']. */
  flags: string[];
}

export interface PageTableStats {
  /** Table pages currently owned (reachable or waiting on a gather freelist). */
  tablePages: number;
  tableAllocs: number;
  tableFrees: number;
  /** Leaf PTE slots currently present (replicated entries count once per slot). */
  leaves: number;
}

export interface PageTableConfig {
  mem: PhysMem;
  pages: PageAllocator;
  profile: PgtableProfile;
  flush?: FlushOps;
  /** Where table pages come from (default: first fit from the bottom of RAM). */
  tableAlloc?: Omit<AllocRequest, 'pages'>;
}

export interface IoPageTable {
  /**
   * 'vtd-ss', 'x86_64', 'amd-v1', 'arm-lpae-s1', 'arm-lpae-s2', 'arm-32-lpae-s1', 'arm-32-lpae-s2',
   * 'arm-mali-lpae', 'arm-v7s', 'apple-dart', 'apple-dart2'.
   */
  readonly format: string;
  /** Which kernel code is modelled, e.g. 'intel/iommu.c' or 'generic_pt/vtdss'. */
  readonly implementation: string;
  readonly levels: number;
  /** Kernel level number of the top table and of the smallest leaf (see README "Level numbering"). */
  readonly topLevel: number;
  readonly leafLevel: number;
  readonly ias: number;
  readonly oas: number;
  readonly pgsizeBitmap: bigint;
  readonly rootPa: bigint;
  readonly log: string[];
  readonly events: TlbEvent[];
  readonly stats: PageTableStats;
  mapPages(iova: bigint, paddr: bigint, pgsize: bigint, pgcount: number, prot: number): MapResult;
  unmapPages(iova: bigint, pgsize: bigint, pgcount: number, gather?: IotlbGather): bigint;
  iovaToPhys(iova: bigint): bigint;
  walk(iova: bigint, access: 'read' | 'write'): WalkResult;
  readEntry(level: number, iova: bigint): { pa: bigint; value: bigint } | undefined;
  dump(): PteDumpRow[];
  /** Distinct leaves (a contiguous or replicated leaf once), of every size (0n) or of `size` bytes. */
  leafCount(size?: bigint): number;
  formatDump(): string;
  /** Frees the table pages an unmap put on `gather.freelist` (what the driver's iotlb_sync does after flushing). */
  releaseGathered(gather: IotlbGather): number;
  free(): void;
  /**
   * Whether the IOMMU updates access/dirty bits on walks: VT-d second stage with SSADE, AMD v1 with
   * DTE.HAD, Arm LPAE stage 1 with ARM_HD (always on there). Starts as the config's `dirtyTracking`.
   */
  readonly dirtyTracking: boolean;
  /**
   * The driver's `iommu_dirty_ops.set_dirty_tracking`: EOPNOTSUPP for a format or release without
   * dirty tracking. Turning it off leaves the bits already set in place.
   */
  setDirtyTracking(enable: boolean): Errno | undefined;
  /**
   * `iommu_dirty_ops.read_and_clear_dirty` as iommufd calls it (with a bitmap): the ranges recorded,
   * in walk order, each also added to `gather` (default: a private one) and to `events` as add-range
   * where the kernel adds it. `flags`: IOMMU_DIRTY_NO_CLEAR. EOPNOTSUPP where the format has no dirty bit.
   */
  readAndClearDirty(iova: bigint, size: bigint, flags?: number, gather?: IotlbGather): DirtyResult;
}
