import type { TablePage, TableStore } from './table-store.js';

/** One 1 KiB Arm v7s level-2 table: 256 u32 entries at words [base, base + 256) of a page. */
export interface L2Slot {
  /** Physical address of the table (1 KiB aligned). */
  pa: number;
  page: TablePage;
  base: number;
}

export interface SlabStats {
  /** Level-2 tables currently allocated. */
  slotsInUse: number;
  slotAllocs: number;
  slotFrees: number;
  /** 4 KiB pages the cache holds. */
  pages: number;
}

const SLOTS = 4;
const FULL = (1 << SLOTS) - 1;

/**
 * The "io-pgtable_armv7s_l2" kmem_cache (io-pgtable-arm-v7s.c `arm_v7s_alloc_pgtable`,
 * `__arm_v7s_alloc_table`, `__arm_v7s_free_table`): 1 KiB objects, 1 KiB aligned, carved four
 * to a page. The model is deterministic where SLUB is not: an allocation takes the lowest free
 * slot of the lowest-addressed page that has one, else a new page from the table window; a page
 * goes back to the page allocator as soon as its last table is freed.
 */
export class L2Slab {
  private readonly used = new Map<number, { page: TablePage; mask: number }>();
  private readonly partial = new Set<number>();
  slotAllocs = 0;
  slotFrees = 0;

  constructor(private readonly store: TableStore) {}

  /** kmem_cache_zalloc: a zeroed slot, or undefined when no page can be had (→ ENOMEM). */
  alloc(): L2Slot | undefined {
    let pfn = -1;
    for (const p of this.partial) if (pfn < 0 || p < pfn) pfn = p;
    let entry = pfn >= 0 ? this.used.get(pfn) : undefined;
    if (!entry) {
      const page = this.store.alloc();
      if (!page) return undefined;
      entry = { page, mask: 0 };
      pfn = page.pfn;
      this.used.set(pfn, entry);
      this.partial.add(pfn);
    }
    let slot = 0;
    while (entry.mask & (1 << slot)) slot++;
    entry.mask |= 1 << slot;
    if (entry.mask === FULL) this.partial.delete(pfn);
    const base = slot * 256;
    entry.page.v.fill(0, base, base + 256);
    this.slotAllocs++;
    return { pa: pfn * 4096 + slot * 1024, page: entry.page, base };
  }

  /** The slot at a physical address, if it is an allocated table of this cache. */
  lookup(pa: number): L2Slot | undefined {
    const pfn = Math.floor(pa / 4096);
    const slot = (pa % 4096) / 1024;
    const entry = this.used.get(pfn);
    if (!entry || !Number.isInteger(slot) || !(entry.mask & (1 << slot))) return undefined;
    return { pa, page: entry.page, base: slot * 256 };
  }

  /** kmem_cache_free; the page is released when it holds no table any more. */
  free(pa: number): boolean {
    const pfn = Math.floor(pa / 4096);
    const slot = (pa % 4096) / 1024;
    const entry = this.used.get(pfn);
    if (!entry || !Number.isInteger(slot) || !(entry.mask & (1 << slot))) return false;
    entry.mask &= ~(1 << slot);
    this.slotFrees++;
    if (entry.mask === 0) {
      this.used.delete(pfn);
      this.partial.delete(pfn);
      this.store.free(entry.page);
    } else this.partial.add(pfn);
    return true;
  }

  /** kmem_cache_destroy after the pages themselves were released. */
  reset(): void {
    this.used.clear();
    this.partial.clear();
  }

  get stats(): SlabStats {
    let inUse = 0;
    for (const e of this.used.values()) for (let m = e.mask; m; m &= m - 1) inUse++;
    return { slotsInUse: inUse, slotAllocs: this.slotAllocs, slotFrees: this.slotFrees, pages: this.used.size };
  }
}
