import { AMD_A, AMD_D, AMD_FC_HI, AMD_IR_HI, AMD_IW_HI, AMD_PR, amdAddrPfn, amdFlags, amdHwCheck, amdIsLeaf, amdLeafPfn, amdNl7Shift, nlOf } from './amd-v1-bits.js';
import { KIND_LEAF, KIND_NONE, KIND_TABLE, PageTableBase } from './base.js';
import { IOMMU_DIRTY_NO_CLEAR } from './dirty.js';
import type { DirtyRange, DirtyResult } from './dirty.js';
import { IotlbGather } from './gather.js';
import { POW2, ctz, hiOf, ixPfn, loOf, lowPages, pfnAddr, splitAddr } from './num.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import type { TablePage } from './table-store.js';
import type { MapResult, PageTableConfig, WalkFault } from './types.js';

const AMD_FILE = 'drivers/iommu/amd/io_pgtable.c';

/** Table entry (PM_LEVEL_PDE): next table | NextLevel | PR | IR | IW. */
function pdeLo(pfn: number, nl: number): number {
  return loOf(pfn, ((nl << 9) & 0xe00) | AMD_PR);
}
function pdeHi(pfn: number): number {
  return hiOf(pfn, AMD_IR_HI | AMD_IW_HI);
}

/**
 * Legacy AMD IOMMU v1 host page table, drivers/iommu/amd/io_pgtable.c (Linux ≤ 6.17):
 * `increase_address_space` (starts at mode 3, grows one level at a time), `alloc_pte`
 * (tears down replicated NL=7 entries in the way, turns a natural-size leaf into a
 * table), `iommu_v1_map_pages` (silently replaces what is mapped, FC always set),
 * `iommu_v1_unmap_pages` (`fetch_pte`: removes the whole large page, stops at a missing
 * table), `iommu_v1_iova_to_phys`. Levels are the kernel's: 0 = 4K PTE … mode-1 = top.
 */
export class AmdV1LegacyTable extends PageTableBase {
  private readonly maxMode: number;
  private warnedTop = false;
  // fetch_pte / alloc_pte results
  private ft!: TablePage;
  private fi = 0;
  private fshift = 12;
  /** Pages PM_LEVEL_SIZE(mode) covers (Infinity at mode 6): IOVAs from here are beyond the table. */
  private coverPages = 2 ** 27;
  /** The last pgsize map_pages validated (hot paths skip the BigInt checks for it). */
  private okPgsize = -1n;
  private okLg2 = 12;
  /** mapRun replaced a table or a large page (the flush after the map). */
  private mUpdated = false;

  constructor(cfg: PageTableConfig, hptLevel: number) {
    super(cfg, {
      format: 'amd-v1',
      implementation: 'amd/io_pgtable.c',
      levels: 3, // PAGE_MODE_3_LEVEL
      ias: 52,
      oas: 52,
      // AMD_IOMMU_PGSIZES: every power of two from 4K, except 512G (hardware erratum)
      pgsizeBitmap: (((1n << 52n) - 1n) ^ 0xfffn) ^ (1n << 39n),
    });
    this.maxMode = hptLevel;
    this.hwFastPfn = 2 ** 27; // mode 3 covers 39 bits
  }

  /** DTE Mode field value for this table. */
  get mode(): number {
    return this.levels;
  }

  publicLevel(k: number): number {
    return k;
  }
  itemShift(k: number): number {
    return 12 + 9 * k;
  }
  indexOf(k: number, vpfn: number): number {
    return ixPfn(k, vpfn);
  }
  kindOf(k: number, lo: number): number {
    if (!(lo & AMD_PR)) return KIND_NONE;
    return amdIsLeaf(k, lo) ? KIND_LEAF : KIND_TABLE;
  }
  oaPfnOf(k: number, lo: number, hi: number): number {
    return amdIsLeaf(k, lo) ? amdLeafPfn(lo, hi) : amdAddrPfn(lo, hi);
  }
  leafShiftOf(k: number, lo: number, hi: number): number {
    return nlOf(lo) === 7 ? amdNl7Shift(lo, hi) : 12 + 9 * k;
  }
  flagsOf(_k: number, lo: number, hi: number): string[] {
    return amdFlags(lo, hi);
  }
  /** PM_LEVEL_SIZE(mode): the IOVAs the current mode covers. */
  vpfnOfIova(iova: bigint): number | undefined {
    if (iova < 0n || (this.levels < 6 && iova >> BigInt(12 + 9 * this.levels) !== 0n)) return undefined;
    return Number(iova >> 12n);
  }
  protected hwStart(iova: bigint): WalkFault | null {
    return this.vpfnOfIova(iova) === undefined ? 'beyond-address-width' : null;
  }
  protected hwCheck(k: number, lo: number, hi: number, write: boolean): WalkFault | null {
    return amdHwCheck(k, lo, hi, write);
  }
  protected hwIsLeaf(k: number, lo: number): boolean {
    return amdIsLeaf(k, lo);
  }

  /** increase_address_space: a new root whose entry 0 points at the old one (NextLevel = old mode). */
  private increaseAddressSpace(): boolean {
    if (this.levels === this.maxMode) {
      if (!this.warnedTop) this.log.push(`WARNING: at ${AMD_FILE}:increase_address_space`);
      this.warnedTop = true;
      return false;
    }
    const nt = this.store.alloc();
    if (nt === undefined) return false;
    nt.v[0] = pdeLo(this.root.pfn, this.levels);
    nt.v[1] = pdeHi(this.root.pfn);
    if (nt.kids !== null) nt.kids[0] = this.root;
    this.root = nt;
    this.levels++;
    this.hwFastPfn = this.levels < 6 ? 2 ** (9 * this.levels) : 0;
    this.coverPages = this.levels < 6 ? 2 ** (9 * this.levels) : Infinity;
    return true;
  }

  /**
   * alloc_pte: grow the table until it covers [vpfn, vpfn+pages) at a level that can hold
   * the page, then walk down creating tables. Returns -1 (fail, → ENOMEM), 0, or 1 (updated).
   */
  private allocPte(vpfn: number, pages: number, endLvl: number): number {
    const last = vpfn + pages - 1;
    while (last >= this.coverPages || this.levels - 1 < endLvl) {
      if (!this.increaseAddressSpace()) return -1;
    }
    let level = this.levels - 1;
    let t = this.root;
    let i = ixPfn(level, vpfn);
    let updated = 0;
    while (level > endLvl) {
      const lo = t.v[2 * i]!;
      const hi = t.v[2 * i + 1]!;
      const nl = nlOf(lo);
      if (lo & AMD_PR && nl === 7) {
        // "If we replace a series of large PTEs, we need to tear down all of them"
        const n = 1 << (amdNl7Shift(lo, hi) - 12) % 9;
        const first = i - (i % n);
        for (let j = first; j < first + n; j++) {
          if (t.v[2 * j] === lo && t.v[2 * j + 1] === hi) {
            t.v[2 * j] = 0;
            t.v[2 * j + 1] = 0;
          }
        }
        updated = 1;
        continue;
      }
      if (!(lo & AMD_PR) || nl === 0) {
        const nt = this.store.alloc();
        if (nt === undefined) return -1;
        t.v[2 * i] = pdeLo(nt.pfn, level);
        t.v[2 * i + 1] = pdeHi(nt.pfn);
        if (t.kids !== null) t.kids[i] = nt;
        if (lo & AMD_PR) updated = 1; // a natural-size leaf was replaced by a table
        continue;
      }
      if (nl !== level) return -1; // "No level skipping support yet"
      const next = amdAddrPfn(lo, hi);
      if (!this.store.isRam(next)) return -1;
      t = this.store.child(t, i, next);
      level--;
      i = ixPfn(level, vpfn);
    }
    this.ft = t;
    this.fi = i;
    return updated;
  }

  /** free_clear_pte → free_sub_pt: a present table entry takes its whole subtree with it. */
  private freeClearPte(t: TablePage, i: number, list: TablePage[]): void {
    const lo = t.v[2 * i]!;
    const hi = t.v[2 * i + 1]!;
    t.v[2 * i] = 0;
    t.v[2 * i + 1] = 0;
    if (!(lo & AMD_PR)) return;
    const mode = nlOf(lo);
    if (mode === 0 || mode === 7) return;
    const sub = this.store.table(amdAddrPfn(lo, hi));
    if (sub) this.freeSubPt(sub, mode, list);
  }

  /** free_sub_pt / free_pt_lvl */
  private freeSubPt(t: TablePage, mode: number, list: TablePage[]): void {
    if (mode > 1) {
      for (let i = 0; i < 512; i++) {
        const lo = t.v[2 * i]!;
        if (!(lo & AMD_PR)) continue;
        const nl = nlOf(lo);
        if (nl === 0 || nl === 7) continue;
        const child = this.store.table(amdAddrPfn(lo, t.v[2 * i + 1]!));
        if (!child) continue;
        if (mode > 2) this.freeSubPt(child, mode - 1, list);
        else list.push(child);
      }
    }
    list.push(t);
  }

  /** iommu_v1_map_pages */
  mapPages(iova: bigint, paddr: bigint, pgsize: bigint, pgcount: number, prot: number): MapResult {
    if (this.freed) return { errno: 'EFAULT', mapped: 0n };
    if (pgsize !== this.okPgsize) {
      if (pgsize < 0x1000n || pgsize >= 1n << 64n || (pgsize & (pgsize - 1n)) !== 0n) return this.mapBug();
      this.okPgsize = pgsize;
      this.okLg2 = ctz(Number(pgsize >> 12n)) + 12;
    }
    const lg2 = this.okLg2;
    const sp = this.sp;
    // BUG_ON(!IS_ALIGNED(iova | paddr, pgsize)), on the 32-bit halves
    splitAddr(iova, sp);
    const va = sp.pfn;
    if (sp.off !== 0 || lowPages(sp.lo, sp.hi, lg2 - 12) !== 0 || iova < 0n) return this.mapBug();
    splitAddr(paddr, sp);
    const pa = sp.pfn;
    if (sp.off !== 0 || lowPages(sp.lo, sp.hi, lg2 - 12) !== 0 || paddr < 0n) return this.mapBug();
    if (!(prot & (IOMMU_READ | IOMMU_WRITE)) || !Number.isInteger(pgcount) || pgcount < 0) return { errno: 'EINVAL', mapped: 0n };
    const pages = POW2[lg2 - 12]!;
    const count = 1 << (lg2 - 12) % 9; // PAGE_SIZE_PTE_COUNT
    const endLvl = Math.floor((lg2 - 12) / 9); // PAGE_SIZE_LEVEL
    const hiBits = AMD_FC_HI | (prot & IOMMU_READ ? AMD_IR_HI : 0) | (prot & IOMMU_WRITE ? AMD_IW_HI : 0);
    const list: TablePage[] = [];
    // the per-page loop is its own method: optimized on-stack inside a long first call, a loop in
    // this function left the code after it without type feedback and it deoptimized on every call
    const done = this.mapRun(va, pa, pgcount, pages, count, endLvl, hiBits, list);
    const updated = this.mUpdated || list.length > 0;
    // amd_iommu_domain_flush_pages(o_iova, size), then the freed pages go
    if (updated) this.evFlushWalk(iova, BigInt(pgcount) * pgsize, pgsize);
    for (let j = 0; j < list.length; j++) this.store.free(list[j]!);
    const mapped = done === 1 ? pgsize : pfnAddr(done * pages);
    return done < pgcount ? { errno: 'ENOMEM', mapped } : { mapped };
  }

  /** iommu_v1_map_pages' loop: alloc_pte, free_clear_pte, write the PTE (replicas); pages done (< pgcount: ENOMEM). */
  private mapRun(va: number, pa: number, pgcount: number, pages: number, count: number, endLvl: number, hiBits: number, list: TablePage[]): number {
    let done = 0;
    this.mUpdated = false;
    while (done < pgcount) {
      const r = this.allocPte(va, pages, endLvl);
      if (r < 0) break;
      if (r === 1) this.mUpdated = true;
      const t = this.ft;
      const i = this.fi;
      for (let j = 0; j < count; j++) this.freeClearPte(t, i + j, list);
      // count > 1: PAGE_SIZE_PTE(paddr, pgsize) — address bits below the size set, NextLevel 7
      const lo = count > 1 ? loOf(pa + pages / 2 - 1, 0xe00 | AMD_PR) : loOf(pa, AMD_PR);
      const hi = hiOf(count > 1 ? pa + pages / 2 - 1 : pa, hiBits);
      const v = t.v;
      for (let j = 0; j < count; j++) {
        v[2 * (i + j)] = lo;
        v[2 * (i + j) + 1] = hi;
      }
      va += pages;
      pa += pages;
      done++;
    }
    return done;
  }

  private mapBug(): MapResult {
    this.log.push(`kernel BUG at ${AMD_FILE}:iommu_v1_map_pages!`);
    return { errno: 'EINVAL', mapped: 0n };
  }

  /** fetch_pte: false when the path stops at a missing table; sets ft/fi/fshift (first replica for NL=7). */
  private fetchPte(vpfn: number): boolean {
    if (vpfn >= this.coverPages) return false;
    let level = this.levels - 1;
    let t = this.root;
    let i = ixPfn(level, vpfn);
    this.fshift = 12 + 9 * level;
    while (level > 0) {
      const v = t.v;
      const lo = v[2 * i]!;
      if (!(lo & AMD_PR)) return false;
      const nl = nlOf(lo);
      if (nl === 7 || nl === 0) break;
      if (nl !== level) return false;
      const hi = v[2 * i + 1]!;
      const kids = t.kids;
      const kid = kids === null ? undefined : kids[i];
      if (kid !== undefined && kid.plo === lo >>> 12 && kid.phi === (hi & 0xfffff) && kid.live) t = kid;
      else {
        const next = amdAddrPfn(lo, hi);
        if (!this.store.isRam(next)) return false;
        t = this.store.child(t, i, next);
      }
      level--;
      i = ixPfn(level, vpfn);
      this.fshift = 12 + 9 * level;
    }
    const lo = t.v[2 * i]!;
    if (nlOf(lo) === 7) {
      this.fshift = amdNl7Shift(lo, t.v[2 * i + 1]!);
      const n = 1 << (this.fshift - 12) % 9;
      i -= i % n;
    }
    this.ft = t;
    this.fi = i;
    return true;
  }

  /** iommu_v1_unmap_pages (+ the driver's amd_iommu_iotlb_gather_add_page → add_range). */
  unmapPages(iova: bigint, pgsize: bigint, pgcount: number, gather?: IotlbGather): bigint {
    if (this.freed) return 0n;
    if (pgsize <= 0n || (pgsize & (pgsize - 1n)) !== 0n) {
      this.log.push(`kernel BUG at ${AMD_FILE}:iommu_v1_unmap_pages!`);
      return 0n;
    }
    if (!Number.isInteger(pgcount) || pgcount < 0) return 0n;
    const size = BigInt(pgcount) * pgsize;
    splitAddr(iova, this.sp);
    let va = this.sp.pfn;
    let unmapped = 0n;
    while (unmapped < size) {
      if (!this.fetchPte(va)) break;
      const n = 1 << (this.fshift - 12) % 9;
      for (let j = 0; j < n; j++) {
        this.ft.v[2 * (this.fi + j)] = 0;
        this.ft.v[2 * (this.fi + j) + 1] = 0;
      }
      const pages = 2 ** (this.fshift - 12);
      va = va - (va % pages) + pages;
      unmapped += 1n << BigInt(this.fshift);
    }
    if (unmapped > 0n && gather) this.evAddRange(gather, iova, unmapped);
    return unmapped;
  }

  // ---- dirty tracking --------------------------------------------------------------------------

  /** A (bit 5) / D (bit 6, IOMMU_PTE_HD_BIT) with DTE.HAD (amd_iommu_set_dirty_tracking, ≥ 6.7). */
  protected override adBits(): { a: number; d: number } | undefined {
    return this.profile.iommuDirty ? { a: AMD_A, d: AMD_D } : undefined;
  }

  /**
   * amd_iommu_read_and_clear_dirty (-EOPNOTSUPP before 6.7, -EINVAL while tracking is off) →
   * iommu_v1_read_and_clear_dirty: fetch_pte per step; a hole advances by the size fetch_pte
   * reports; a present PTE is dirty if any replica has D (pte_test_and_clear_dirty ORs and, unless
   * IOMMU_DIRTY_NO_CLEAR, clears every replica: AMD spec §2.2.3.2) and records [iova, iova + page
   * size); iova advances by the page size without aligning. Length 0 is refused as iommufd does.
   */
  override readAndClearDirty(iova: bigint, size: bigint, flags = 0, gather?: IotlbGather): DirtyResult {
    const dirty: DirtyRange[] = [];
    const refused = this.legacyDirtyRefusal(iova, size);
    if (refused) return { errno: refused, dirty };
    const g = gather ?? new IotlbGather();
    const clear = (flags & IOMMU_DIRTY_NO_CLEAR) === 0;
    const end = iova + size - 1n;
    let va = iova;
    do {
      // beyond PM_LEVEL_SIZE(mode) fetch_pte finds nothing, and neither will any later step
      if (va >> 64n !== 0n || this.vpfnOfIova(va) === undefined) break;
      splitAddr(va, this.sp);
      const found = this.fetchPte(this.sp.pfn);
      const pgsize = 1n << BigInt(this.fshift);
      const t = this.ft;
      if (!found || !(t.v[2 * this.fi]! & AMD_PR)) {
        va += pgsize;
        continue;
      }
      const count = 1 << (this.fshift - 12) % 9; // PAGE_SIZE_PTE_COUNT
      let d = false;
      for (let j = this.fi; j < this.fi + count; j++) {
        const lo = t.v[2 * j]!;
        if (lo & AMD_D) {
          d = true;
          if (!clear) break;
          t.v[2 * j] = (lo & ~AMD_D) >>> 0;
        }
      }
      if (d) {
        dirty.push({ iova: va, size: pgsize });
        this.evAddRange(g, va, pgsize); // iommu_dirty_bitmap_record
      }
      va += pgsize;
    } while (va < end);
    return { dirty };
  }

  /** iommu_v1_iova_to_phys */
  iovaToPhys(iova: bigint): bigint {
    if (this.freed) return 0n;
    splitAddr(iova, this.sp);
    const { pfn, off } = this.sp;
    if (!this.fetchPte(pfn)) return 0n;
    const lo = this.ft.v[2 * this.fi]!;
    if (!(lo & AMD_PR)) return 0n;
    const base = amdAddrPfn(lo, this.ft.v[2 * this.fi + 1]!);
    if (this.fshift === 12) return pfnAddr(base, off);
    const pages = POW2[this.fshift - 12]!;
    return pfnAddr(Math.floor(base / pages) * pages + lowPages(this.sp.lo, this.sp.hi, this.fshift - 12), off);
  }
}
