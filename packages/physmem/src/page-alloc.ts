import { PhysMem, PhysMemError } from './memory.js';

export interface AllocRequest {
  /** Number of contiguous pages. */
  readonly pages: number;
  /** Alignment in pages (power of two). Default 1. */
  readonly alignPages?: number;
  /** First pfn that may be used (inclusive). */
  readonly minPfn?: number;
  /** Pfns must stay below this (exclusive), e.g. 0x100000 for GFP_DMA32. */
  readonly maxPfn?: number;
  /** Search from the top of the window down (like a high-zone allocation). Default false. */
  readonly topDown?: boolean;
}

/**
 * A deterministic page allocator over the RAM of a PhysMem: first fit from the
 * bottom (or top) of the requested window, one bit per page. Linux's buddy
 * allocator hands out arbitrary frames; dmasim picks the first fit so that every
 * run of a scenario sees the same physical addresses. Counts allocations and
 * frees so callers can assert "no leaks".
 */
export class PageAllocator {
  private readonly used: Uint32Array;
  private readonly limit: number;
  allocated = 0;
  allocCalls = 0;
  freeCalls = 0;

  constructor(readonly mem: PhysMem) {
    const last = mem.ranges[mem.ranges.length - 1]!;
    this.limit = last.endPfn;
    this.used = new Uint32Array(Math.ceil(this.limit / 32));
    // Mark holes (non-RAM) as used so they are never handed out.
    let prev = 0;
    for (const r of mem.ranges) {
      for (let p = prev; p < r.startPfn; p++) this.set(p);
      prev = r.endPfn;
    }
  }

  private isUsed(p: number): boolean {
    return (this.used[p >>> 5]! & (1 << (p & 31))) !== 0;
  }
  private set(p: number): void {
    this.used[p >>> 5]! |= 1 << (p & 31);
  }
  private clear(p: number): void {
    this.used[p >>> 5]! &= ~(1 << (p & 31));
  }

  isAllocated(pfn: number): boolean {
    return pfn < this.limit && this.isUsed(pfn) && this.mem.isRam(pfn);
  }

  /** Returns the first pfn of `pages` contiguous zeroed pages, or throws OUT_OF_MEMORY. */
  alloc(req: AllocRequest): number {
    const n = req.pages;
    const align = req.alignPages ?? 1;
    const lo = Math.max(req.minPfn ?? 0, 0);
    const hi = Math.min(req.maxPfn ?? this.limit, this.limit);
    if (n <= 0 || (align & (align - 1)) !== 0) throw new RangeError(`bad allocation request: ${n} pages, align ${align}`);
    const found = req.topDown ? this.searchDown(n, align, lo, hi) : this.searchUp(n, align, lo, hi);
    if (found < 0) {
      throw new PhysMemError('OUT_OF_MEMORY', `no ${n} free contiguous page(s) in pfn window [0x${lo.toString(16)}, 0x${hi.toString(16)})`);
    }
    for (let p = found; p < found + n; p++) {
      this.set(p);
      this.mem.zeroPage(p);
    }
    this.allocated += n;
    this.allocCalls++;
    return found;
  }

  free(pfn: number, pages = 1): void {
    for (let p = pfn; p < pfn + pages; p++) {
      if (!this.isAllocated(p)) throw new PhysMemError('BAD_FREE', `page 0x${p.toString(16)} is not allocated`);
    }
    for (let p = pfn; p < pfn + pages; p++) {
      this.clear(p);
      this.mem.zeroPage(p);
    }
    this.allocated -= pages;
    this.freeCalls++;
  }

  /** Marks a fixed range as allocated (firmware, a buffer placed at a chosen address). */
  claim(pfn: number, pages: number): void {
    for (let p = pfn; p < pfn + pages; p++) {
      if (!this.mem.isRam(p)) throw new PhysMemError('OUT_OF_RANGE', `pfn 0x${p.toString(16)} is not RAM`);
      if (this.isUsed(p)) throw new PhysMemError('OUT_OF_MEMORY', `pfn 0x${p.toString(16)} is already allocated`);
    }
    for (let p = pfn; p < pfn + pages; p++) this.set(p);
    this.allocated += pages;
    this.allocCalls++;
  }

  private fits(start: number, n: number): number {
    for (let p = start; p < start + n; p++) if (this.isUsed(p)) return p;
    return -1;
  }

  private searchUp(n: number, align: number, lo: number, hi: number): number {
    let start = Math.ceil(lo / align) * align;
    while (start + n <= hi) {
      const clash = this.fits(start, n);
      if (clash < 0) return start;
      start = Math.ceil((clash + 1) / align) * align;
    }
    return -1;
  }

  private searchDown(n: number, align: number, lo: number, hi: number): number {
    let start = Math.floor((hi - n) / align) * align;
    while (start >= lo) {
      const clash = this.fits(start, n);
      if (clash < 0) return start;
      start = Math.floor((clash - n) / align) * align;
    }
    return -1;
  }
}
