import { ANCHOR_PFN } from './constants.js';
import { IovaTree, NODE_RESERVED } from './tree.js';

export interface FreeGap {
  readonly pfnLo: number;
  readonly pages: number;
}

/** A point-in-time summary of a domain (see README "Statistics"). */
export interface IovaStats {
  /** Allocated (non-reserved) ranges in the tree, including ones parked in the rcache. */
  readonly liveRanges: number;
  readonly reservedRanges: number;
  readonly allocatedPages: number;
  readonly reservedPages: number;
  /** Pfns parked in magazines and depots (still allocated in the tree). */
  readonly cachedPfns: number;
  /** Free granules in [startPfn, dma32Pfn). */
  readonly freePages32: number;
  /** Free granules in [startPfn, topPfn]. */
  readonly freePages: number;
  readonly largestFreeGap32: FreeGap | undefined;
  readonly largestFreeGap: FreeGap | undefined;
  /** 1 - largestFreeGap32 / freePages32 (0 when nothing or one block is free). */
  readonly fragmentation32: number;
  /** 1 - largestFreeGap / freePages over [startPfn, topPfn]. */
  readonly fragmentation: number;
  /** alloc_iova_fast lookups served by a magazine. */
  readonly rcacheHits: number;
  /** alloc_iova_fast lookups in a cacheable bucket that found nothing suitable. */
  readonly rcacheMisses: number;
  /** alloc_iova_fast calls whose (rounded) size has no bucket (> 32 granules). */
  readonly rcacheBypass: number;
  /** Full magazines in each bucket's depot, buckets 0..5. */
  readonly depotSizes: readonly number[];
  /** Magazines freed by the depot-trim work (6.7+). */
  readonly depotTrims: number;
  /** Full magazines freed to the tree because the 32-slot depot was full (≤ 6.6). */
  readonly depotFullFrees: number;
  /** Times alloc_iova_fast flushed every cache and retried. */
  readonly rcacheFlushes: number;
  /** Cached pfns that were no longer in the tree when a magazine was freed (kernel WARN_ON). */
  readonly magazinePfnsNotFound: number;
  readonly max32AllocSize: number;
  /** pfn_lo of cached_node / cached32_node; ANCHOR_PFN means the anchor. */
  readonly cachedPfnLo: number;
  readonly cached32PfnLo: number;
  readonly onlineCpus: number;
}

export interface TreeSummary {
  liveRanges: number;
  reservedRanges: number;
  allocatedPages: number;
  reservedPages: number;
}

export function summarizeTree(tree: IovaTree): TreeSummary {
  const s: TreeSummary = { liveRanges: 0, reservedRanges: 0, allocatedPages: 0, reservedPages: 0 };
  tree.forEach((lo, hi, flags) => {
    if (lo === ANCHOR_PFN) return;
    const pages = hi - lo + 1;
    if (flags & NODE_RESERVED) {
      s.reservedRanges++;
      s.reservedPages += pages;
    } else {
      s.liveRanges++;
      s.allocatedPages += pages;
    }
  });
  return s;
}

/** Free granules and the largest free run inside [from, to] (inclusive). */
export function freeIn(tree: IovaTree, from: number, to: number): { free: number; largest: FreeGap | undefined } {
  let free = 0;
  let largest: FreeGap | undefined;
  let next = from; // lowest pfn not yet accounted for
  const take = (gLo: number, gHi: number): void => {
    const a = Math.max(gLo, from);
    const b = Math.min(gHi, to);
    if (a > b) return;
    const n = b - a + 1;
    free += n;
    if (!largest || n > largest.pages) largest = { pfnLo: a, pages: n };
  };
  tree.forEach((lo, hi) => {
    if (next > to) return;
    if (lo > next) take(next, lo - 1);
    next = Math.max(next, hi + 1);
  });
  if (next <= to) take(next, to);
  return { free, largest };
}

export function fragmentation(free: number, largest: FreeGap | undefined): number {
  return free === 0 || !largest ? 0 : 1 - largest.pages / free;
}
