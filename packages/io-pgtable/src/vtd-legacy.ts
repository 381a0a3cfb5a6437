import { PageTableBase, KIND_LEAF, KIND_NONE, KIND_TABLE } from './base.js';
import { IOMMU_DIRTY_NO_CLEAR } from './dirty.js';
import type { DirtyRange, DirtyResult } from './dirty.js';
import { IotlbGather } from './gather.js';
import { POW512, TWO20, ctz, fillRun, hexRaw, hiOf, ix, ixPfn, loOf, pfnAddr, run, splitAddr, u64 } from './num.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import type { TablePage } from './table-store.js';
import type { Errno, MapResult, PageTableConfig, WalkFault } from './types.js';
import { FL_A, FL_D, FL_US, FL_XD_HI, SS_A, SS_D, SS_PS, SS_SNP, flHwCheck, ssFlags, ssHwCheck, x86Flags } from './vtd-bits.js';

const SZ_4K = 0x1000n;
const SZ_2M = 0x200000n;
const SZ_1G = 0x40000000n;
const IOMMU_FILE = 'drivers/iommu/intel/iommu.c';

export interface VtdLegacyOptions {
  /** First-level (x86 long-mode bits) instead of second-stage. */
  firstLevel: boolean;
  /** Domain address width (gaw): 39, 48 or 57. */
  addressWidth: number;
  sp2M: boolean;
  sp1G: boolean;
  forceSnoop: boolean;
}

/** Table entry index of a page number at kernel level `level` (pfn_level_offset). */
function idx(pfn: number, level: number): number {
  return ixPfn(level - 1, pfn);
}

/** dma_pte_addr: bits 62:12 (XD masked off). */
function addrPfn(lo: number, hi: number): number {
  return (hi & 0x7fffffff) * TWO20 + (lo >>> 12);
}

/**
 * The Intel driver's own page-table code before generic_pt (Linux ≤ 6.15):
 * drivers/iommu/intel/iommu.c `__domain_mapping`, `pfn_to_dma_pte`,
 * `switch_to_super_page`, `intel_iommu_unmap`, `domain_unmap`,
 * `dma_pte_clear_level`, `intel_iommu_iova_to_phys`. Used for the second-stage
 * (`dma_pte`) format and, with `firstLevel`, for first-level tables.
 * Levels are the kernel's: 1 = 4K PTE … 3/4/5 = top.
 */
export class VtdLegacyTable extends PageTableBase {
  private readonly maxPfn: number;
  private readonly fl: boolean;
  private readonly tblLo: number;
  private readonly tblHi: number;
  private readonly superpage: number;
  private readonly snp: boolean;
  private readonly xd: boolean;
  private readonly width: number;
  private readonly sp2M: boolean;
  private readonly sp1G: boolean;
  private rootGone = false;
  // pfn_to_dma_pte / dma_pfn_level_pte results (kept in fields: the hot path allocates nothing)
  private rt!: TablePage;
  private ri = 0;
  private rl = 0;
  private rlarge = 0;

  constructor(cfg: PageTableConfig, o: VtdLegacyOptions) {
    const levels = (o.addressWidth - 30) / 9 + 2; // agaw_to_level(width_to_agaw(w))
    const superpage = o.sp1G ? 2 : o.sp2M ? 1 : 0; // domain->iommu_superpage
    let bitmap = SZ_4K;
    if (superpage >= 1) bitmap |= SZ_2M;
    if (superpage >= 2) bitmap |= SZ_1G;
    super(cfg, {
      format: o.firstLevel ? 'x86_64' : 'vtd-ss',
      implementation: o.firstLevel ? 'intel/iommu.c first-level' : 'intel/iommu.c second-stage',
      levels,
      ias: o.addressWidth,
      oas: 52,
      pgsizeBitmap: bitmap,
    });
    this.width = o.addressWidth;
    this.maxPfn = 2 ** (o.addressWidth - 12);
    this.fl = o.firstLevel;
    this.superpage = superpage;
    this.sp2M = superpage >= 1;
    this.sp1G = superpage >= 2;
    this.snp = o.forceSnoop && !o.firstLevel;
    this.xd = o.firstLevel && cfg.profile.intelFlXd;
    // pfn_to_dma_pte: new tables are PA | R | W (+ US | A, + XD in 6.1, for first level)
    this.tblLo = o.firstLevel ? 0x3 | FL_US | FL_A : 0x3;
    this.tblHi = this.xd ? FL_XD_HI : 0;
    this.hwFastPfn = o.firstLevel ? this.maxPfn / 2 : this.maxPfn;
  }

  publicLevel(k: number): number {
    return k + 1;
  }
  itemShift(k: number): number {
    return 12 + 9 * k;
  }
  leafShiftOf(k: number): number {
    return 12 + 9 * k;
  }
  indexOf(k: number, vpfn: number): number {
    return idx(vpfn, k + 1);
  }
  kindOf(k: number, lo: number): number {
    if ((lo & 3) === 0) return KIND_NONE; // dma_pte_present
    return k === 0 || lo & SS_PS ? KIND_LEAF : KIND_TABLE;
  }
  oaPfnOf(_k: number, lo: number, hi: number): number {
    return addrPfn(lo, hi);
  }
  flagsOf(k: number, lo: number, hi: number): string[] {
    return this.fl ? x86Flags(k, lo, hi) : ssFlags(k, lo);
  }
  override iovaOfVpfn(vpfn: number): bigint {
    const a = pfnAddr(vpfn);
    // first-level hardware sign-extends: upper-half indices are canonical-high addresses
    if (this.fl && vpfn >= this.maxPfn / 2) return a | (((1n << 64n) - 1n) ^ ((1n << BigInt(this.width)) - 1n));
    return a;
  }
  vpfnOfIova(iova: bigint): number | undefined {
    const w = BigInt(this.width);
    if (iova >> w === 0n) return Number(iova >> 12n);
    if (this.fl && iova >> (w - 1n) === (1n << (64n - w + 1n)) - 1n) return Number((iova & ((1n << w) - 1n)) >> 12n);
    return undefined;
  }
  protected hwStart(iova: bigint): WalkFault | null {
    if (this.vpfnOfIova(iova) !== undefined) return null;
    return this.fl ? 'non-canonical' : 'beyond-address-width';
  }
  protected hwCheck(k: number, lo: number, _hi: number, write: boolean): WalkFault | null {
    return this.fl ? flHwCheck(k, lo, write, this.sp1G) : ssHwCheck(k, lo, write, this.sp2M, this.sp1G);
  }
  protected hwIsLeaf(k: number, lo: number): boolean {
    return k === 0 || (lo & SS_PS) !== 0;
  }

  private warn(fn: string): void {
    this.log.push(`WARNING: at ${IOMMU_FILE}:${fn}`);
  }

  // ---- map -----------------------------------------------------------------------------------

  /** intel_iommu_map_pages → intel_iommu_map → __domain_mapping. `*mapped` is set only on success. */
  mapPages(iova: bigint, paddr: bigint, pgsize: bigint, pgcount: number, prot: number): MapResult {
    if (this.freed) return { errno: 'EFAULT', mapped: 0n };
    if (pgsize !== SZ_4K && pgsize !== SZ_2M && pgsize !== SZ_1G) return { errno: 'EINVAL', mapped: 0n };
    if (!Number.isInteger(pgcount) || pgcount < 1) return { errno: 'EINVAL', mapped: 0n };
    const sp = this.sp;
    splitAddr(iova, sp);
    const vpfn = sp.pfn;
    const voff = sp.off;
    splitAddr(paddr, sp);
    const ppfn = sp.pfn;
    const pgPages = pgsize === SZ_4K ? 1 : pgsize === SZ_2M ? 512 : 262144;
    if (voff !== 0 || sp.off !== 0 || vpfn % pgPages !== 0 || ppfn % pgPages !== 0) return { errno: 'EINVAL', mapped: 0n };
    const nr = pgcount * pgPages;
    // intel_iommu_map: "check if minimum agaw is sufficient for mapped address"
    if (vpfn + nr > this.maxPfn) {
      const maxAddr = iova + pgsize * BigInt(pgcount);
      this.log.push(`DMAR: intel_iommu_map: iommu width (${this.width}) is not sufficient for the mapped address (${hexRaw(maxAddr)})`);
      return { errno: 'EFAULT', mapped: 0n };
    }
    if ((prot & (IOMMU_READ | IOMMU_WRITE)) === 0) return { errno: 'EINVAL', mapped: 0n };
    if (this.rootGone) {
      this.log.push('BUG: kernel NULL pointer dereference (domain->pgd was freed by an unmap of the whole address space)');
      return { errno: 'EFAULT', mapped: 0n };
    }
    // attr = prot & (R|W|SNP) | DMA_FL_PTE_PRESENT (bit 0, the R bit: a write-only leaf reads R|W)
    let aLo = (prot & IOMMU_READ ? 1 : 0) | (prot & IOMMU_WRITE ? 2 : 0) | 1;
    if (this.snp) aLo |= SS_SNP;
    if (this.fl) {
      aLo |= FL_US | FL_A;
      if (prot & IOMMU_WRITE) aLo |= FL_D;
    }
    const err = this.domainMapping(vpfn, ppfn, nr, aLo, this.xd ? FL_XD_HI : 0);
    if (err) return { errno: err, mapped: 0n };
    return { mapped: pgcount === 1 ? pgsize : pfnAddr(nr) };
  }

  /** __domain_mapping: picks its own superpage level per run (hardware_largepage_caps). */
  private domainMapping(iov: number, phys: number, nr: number, aLo: number, aHi: number): Errno | undefined {
    while (nr > 0) {
      // a new "pte" run: level for this run, then every slot up to the end of the table page
      const lvl = this.largepageCaps(iov, phys, nr);
      const st = this.pfnToPte(iov, lvl);
      if (st !== 0) return st === 2 ? 'ENOMEM' : 'EFAULT';
      const t = this.rt;
      const i0 = this.ri;
      const lvlPages = POW512[lvl - 1]!;
      let ps = 0;
      if (lvl > 1) {
        ps = SS_PS;
        const toRemove = Math.min(nr, (512 - i0) * lvlPages); // nr_pte_to_next_page
        this.switchToSuperPage(iov, iov + toRemove - 1, lvl);
      }
      const count = Math.min(Math.floor(nr / lvlPages), 512 - i0);
      // PTE halves as int32 (fast stores); the OA advances by lvlPages·4K with a manual carry
      const step = (lvlPages * 4096) | 0; // int32: a double step would make every add a float op
      let nLo = ((phys % TWO20) * 4096 + (aLo | ps)) | 0;
      let nHi = hiOf(phys, aHi) | 0;
      const v = t.v;
      const e = i0 + count;
      let i = i0;
      for (;;) {
        i = fillRun(v, i, e - i, nLo, nHi, step);
        nLo = run.lo;
        nHi = run.hi;
        if (i >= e) break;
        this.alreadySet(iov + (i - i0) * lvlPages, v[2 * i]!, v[2 * i + 1]!, nLo, nHi);
        const next = (nLo + step) | 0;
        if (nLo < 0 && next >= 0) nHi = (nHi + 1) | 0;
        nLo = next;
        i++;
      }
      nr -= count * lvlPages;
      iov += count * lvlPages;
      phys += count * lvlPages;
    }
    return undefined;
  }

  /** cmpxchg64_local(&pte->val, 0, pteval) failed: the old value stays and the map still returns 0. */
  private alreadySet(iovPfn: number, oLo: number, oHi: number, nLo: number, nHi: number): void {
    this.log.push(`DMAR: ERROR: DMA PTE for vPFN 0x${hexRaw(iovPfn)} already set (to ${hexRaw(u64(oLo, oHi))} not ${hexRaw(u64(nLo, nHi))})`);
    this.warn('__domain_mapping');
  }

  /** hardware_largepage_caps: largest level both pfns are aligned to, fitting in `pages`. */
  private largepageCaps(iov: number, phys: number, pages: number): number {
    let support = this.superpage;
    let level = 1;
    while (support > 0 && iov % 512 === 0 && phys % 512 === 0) {
      pages = Math.floor(pages / 512);
      if (pages === 0) break;
      iov /= 512;
      phys /= 512;
      level++;
      support--;
    }
    return level;
  }

  /**
   * pfn_to_dma_pte: walk to `target` (0 = stop at the first non-present or superpage entry),
   * allocating missing tables on the way (only when target > 0). Like the kernel it
   * descends through a superpage into its data page if asked for a lower level.
   * Returns 0 (result in rt/ri/rl), 1 beyond the domain width, 2 no memory, 3 non-RAM pointer, 4 no pgd.
   */
  private pfnToPte(pfn: number, target: number): number {
    if (this.rootGone) return 4;
    if (pfn >= this.maxPfn) return 1;
    let t = this.root;
    let level = this.levels;
    let i: number;
    for (;;) {
      i = idx(pfn, level);
      const lo = t.v[2 * i]!;
      const present = (lo & 3) !== 0;
      if (target === 0 && (!present || (lo & SS_PS) !== 0)) break;
      if (level === target) break;
      if (!present) {
        const nt = this.store.alloc();
        if (nt === undefined) return 2;
        if (lo !== 0 || t.v[2 * i + 1] !== 0) this.store.free(nt); // cmpxchg lost: "use theirs"
        else {
          t.v[2 * i] = loOf(nt.pfn, this.tblLo);
          t.v[2 * i + 1] = hiOf(nt.pfn, this.tblHi);
          if (t.kids !== null) t.kids[i] = nt;
        }
      }
      if (level === 1) break;
      const lo2 = t.v[2 * i]!;
      const hi2 = t.v[2 * i + 1]!;
      const kids = t.kids;
      const kid = kids === null ? undefined : kids[i];
      if (kid !== undefined && kid.plo === lo2 >>> 12 && kid.phi === (hi2 & 0x7fffffff) && kid.live) t = kid;
      else {
        const next = addrPfn(lo2, hi2);
        if (!this.store.isRam(next)) return 3;
        t = this.store.child(t, i, next);
      }
      level--;
    }
    this.rt = t;
    this.ri = i;
    this.rl = level;
    return 0;
  }

  /** switch_to_super_page: free lower tables under each slot that is present, flushing each time. */
  private switchToSuperPage(start: number, end: number, level: number): void {
    const lvlPages = POW512[level - 1]!;
    let have = false;
    let t = this.root;
    let i = 0;
    while (start <= end) {
      if (!have) {
        if (this.pfnToPte(start, level) !== 0) return;
        t = this.rt;
        i = this.ri;
        have = true;
      }
      if ((t.v[2 * i]! & 3) !== 0) {
        this.freePagetable(start, start + lvlPages - 1, level + 1);
        const size = this.profile.vtdSuperpageFlush === 'slot' ? lvlPages : end - start + 1;
        this.evFlushWalk(pfnAddr(start), pfnAddr(size), pfnAddr(lvlPages));
      }
      i++;
      start += lvlPages;
      if (i === 512) have = false;
    }
  }

  /** dma_pte_free_pagetable: clear leaves, then free tables below retain_level (immediately). */
  private freePagetable(start: number, last: number, retain: number): void {
    this.clearRange(start, last);
    this.freeLevel(this.levels, retain, this.root, 0, start, last);
  }

  /** dma_pte_clear_range */
  private clearRange(start: number, last: number): void {
    if (last >= this.maxPfn || start > last) {
      this.warn('dma_pte_clear_range');
      return;
    }
    do {
      if (!this.pfnLevelPte(start)) {
        const s = POW512[this.rlarge]!; // align_to_level(start + 1, large_page + 1)
        start = Math.ceil((start + 1) / s) * s;
        continue;
      }
      const t = this.rt;
      let i = this.ri;
      const step = POW512[this.rl - 1]!;
      do {
        t.v[2 * i] = 0;
        t.v[2 * i + 1] = 0;
        start += step;
        i++;
      } while (start <= last && i < 512);
    } while (start !== 0 && start <= last);
  }

  /** dma_pfn_level_pte(pfn, 1, &large_page): the level-1 PTE or the superpage covering pfn. */
  private pfnLevelPte(pfn: number): boolean {
    let total = this.levels;
    let t = this.root;
    for (;;) {
      const i = idx(pfn, total);
      const lo = t.v[2 * i]!;
      if (total === 1) {
        this.rt = t;
        this.ri = i;
        this.rl = 1;
        return true;
      }
      if ((lo & 3) === 0) {
        this.rlarge = total;
        return false;
      }
      if (lo & SS_PS) {
        this.rt = t;
        this.ri = i;
        this.rl = total;
        return true;
      }
      const next = addrPfn(lo, t.v[2 * i + 1]!);
      if (!this.store.isRam(next)) {
        this.rlarge = total;
        return false;
      }
      t = this.store.child(t, i, next);
      total--;
    }
  }

  /** dma_pte_free_level */
  private freeLevel(level: number, retain: number, t: TablePage, pfn: number, start: number, last: number): void {
    const ls = POW512[level - 1]!;
    pfn = Math.max(start, pfn);
    let i = idx(pfn, level);
    do {
      const lo = t.v[2 * i]!;
      if ((lo & 3) !== 0 && !(lo & SS_PS)) {
        const levelPfn = pfn - (pfn % ls);
        const next = addrPfn(lo, t.v[2 * i + 1]!);
        if (this.store.isRam(next)) {
          const child = this.store.child(t, i, next);
          if (level > 2) this.freeLevel(level - 1, retain, child, levelPfn, start, last);
          if (level < retain && !(start > levelPfn || last < levelPfn + ls - 1)) {
            t.v[2 * i] = 0;
            t.v[2 * i + 1] = 0;
            this.store.free(child);
          }
        }
      }
      pfn += ls;
      i++;
    } while (i < 512 && pfn <= last);
  }

  // ---- unmap ---------------------------------------------------------------------------------

  /** intel_iommu_unmap_pages → intel_iommu_unmap ("cope with horrid API…": rounds up to the large page). */
  unmapPages(iova: bigint, pgsize: bigint, pgcount: number, gather?: IotlbGather): bigint {
    if (this.freed || pgsize <= 0n || !Number.isInteger(pgcount) || pgcount < 0) return 0n;
    let size = BigInt(pgcount) << BigInt(ctz(Number(pgsize & 0xffffffffffffn)));
    splitAddr(iova, this.sp);
    const vpfn = this.sp.pfn;
    const st = this.pfnToPte(vpfn, 0);
    if (st !== 0) {
      if (st === 1 && this.profile.vtdUnmapBeyondWidth === 'bug') {
        this.log.push(`kernel BUG at ${IOMMU_FILE}:intel_iommu_unmap!`);
      }
      return 0n;
    }
    const lvlBytes = 1n << BigInt(12 + 9 * (this.rl - 1));
    if (size < lvlBytes) size = lvlBytes;
    const lastPfn = Number((iova + size - 1n) >> 12n);
    const g = gather ?? new IotlbGather();
    this.domainUnmap(vpfn, lastPfn, g);
    if (!g.queued) this.evAddPage(g, iova, size);
    if (!gather) this.releaseGathered(g);
    return size;
  }

  /** domain_unmap: clear the range, list fully covered tables on the freelist (freed after the sync). */
  private domainUnmap(start: number, last: number, g: IotlbGather): void {
    if (last >= this.maxPfn || start > last) {
      this.warn('domain_unmap');
      return;
    }
    this.clearLevel(this.levels, this.root, 0, start, last, g);
    if (start === 0 && last === this.maxPfn - 1) {
      this.parkTable(g, this.root);
      this.rootGone = true;
    }
  }

  /** dma_pte_clear_level. A partly covered superpage is recursed into as if it were a table, like the kernel. */
  private clearLevel(level: number, t: TablePage, pfn: number, start: number, last: number, g: IotlbGather): void {
    const ls = POW512[level - 1]!;
    pfn = Math.max(start, pfn);
    let i = idx(pfn, level);
    do {
      const levelPfn = pfn - (pfn % ls);
      const lo = t.v[2 * i]!;
      const hi = t.v[2 * i + 1]!;
      if ((lo & 3) !== 0) {
        if (start <= levelPfn && last >= levelPfn + ls - 1) {
          if (level > 1 && !(lo & SS_PS)) this.listPagetables(level - 1, addrPfn(lo, hi), g);
          t.v[2 * i] = 0;
          t.v[2 * i + 1] = 0;
        } else if (level > 1) {
          const next = addrPfn(lo, hi);
          if (this.store.isRam(next)) this.clearLevel(level - 1, this.store.child(t, i, next), levelPfn, start, last, g);
        }
      }
      pfn = levelPfn + ls;
      i++;
    } while (i < 512 && pfn <= last);
  }

  /** dma_pte_list_pagetables */
  private listPagetables(level: number, pfn: number, g: IotlbGather): void {
    const t = this.store.table(pfn);
    if (!t) return;
    this.parkTable(g, t);
    if (level === 1) return;
    for (let j = 0; j < 512; j++) {
      const lo = t.v[2 * j]!;
      if ((lo & 3) !== 0 && !(lo & SS_PS)) this.listPagetables(level - 1, addrPfn(lo, t.v[2 * j + 1]!), g);
    }
  }

  // ---- dirty tracking --------------------------------------------------------------------------

  /**
   * Second-stage A (bit 8) / D (bit 9) with the PASID entry's SSADE (intel_pasid_setup_dirty_tracking,
   * ≥ 6.7). First-level domains never get intel_dirty_ops (dirty tracking is second-stage only).
   */
  protected override adBits(): { a: number; d: number } | undefined {
    return this.fl || !this.profile.iommuDirty ? undefined : { a: SS_A, d: SS_D };
  }

  /**
   * intel_iommu_read_and_clear_dirty: -EINVAL while tracking is off (a bitmap is always passed
   * here); then from `iova`, pfn_to_dma_pte(level 0) per step: a present leaf's D is tested (and
   * cleared unless IOMMU_DIRTY_NO_CLEAR, dma_sl_pte_test_and_clear_dirty) and `[iova, iova + level
   * size)` recorded, then iova advances by the level size without aligning, until it passes
   * iova + size - 1. Length 0 is refused as iommufd does before calling the driver; an IOVA beyond
   * the domain width ends the walk (the kernel's level_size(0) there is undefined; FLAG).
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
      splitAddr(va, this.sp);
      if (va >> 64n !== 0n || this.pfnToPte(this.sp.pfn, 0) !== 0) break;
      const pgsize = pfnAddr(POW512[this.rl - 1]!);
      const t = this.rt;
      const lo = t.v[2 * this.ri]!;
      if ((lo & 3) !== 0 && (lo & SS_D) !== 0) {
        if (clear) t.v[2 * this.ri] = (lo & ~SS_D) >>> 0;
        dirty.push({ iova: va, size: pgsize });
        this.evAddRange(g, va, pgsize); // iommu_dirty_bitmap_record
      }
      va += pgsize;
    } while (va < end);
    return { dirty };
  }

  // ---- lookup --------------------------------------------------------------------------------

  /** intel_iommu_iova_to_phys: pfn_to_dma_pte(level 0) then address + offset within that level. */
  iovaToPhys(iova: bigint): bigint {
    if (this.freed || this.rootGone) return 0n;
    const sp = this.sp;
    splitAddr(iova, sp);
    const pfn = sp.pfn;
    if (pfn >= this.maxPfn) return 0n;
    const alo = sp.lo;
    const ahi = sp.hi;
    let t = this.root;
    for (let k = this.levels - 1; ; k--) {
      const i = ix(k, alo, ahi);
      const v = t.v;
      const lo = v[2 * i]!;
      const hi = v[2 * i + 1]!;
      if ((lo & 3) === 0) return 0n;
      if (k === 0 || (lo & SS_PS) !== 0) return pfnAddr(addrPfn(lo, hi) + (k === 0 ? 0 : pfn % POW512[k]!), sp.off);
      const kids = t.kids;
      const kid = kids === null ? undefined : kids[i];
      if (kid !== undefined && kid.plo === lo >>> 12 && kid.phi === (hi & 0x7fffffff) && kid.live) t = kid;
      else {
        const next = addrPfn(lo, hi);
        if (!this.store.isRam(next)) return 0n;
        t = this.store.child(t, i, next);
      }
    }
  }
}
