import { armLpaeGeometry, armLpaeRegisters, checkArmQuirks } from './arm-lpae-config.js';
import type { ArmLpaeOptions, ArmLpaeVariant, ArmMaliRegisters, ArmS1Registers, ArmS2Registers } from './arm-lpae-config.js';
import { KIND_LEAF, KIND_NONE, KIND_TABLE, PageTableBase } from './base.js';
import { IOMMU_DIRTY_NO_CLEAR } from './dirty.js';
import type { DirtyRange, DirtyResult } from './dirty.js';
import { IotlbGather } from './gather.js';
import { TWO20, lowPages, newSplit, pfnAddr, splitAddr, u64 } from './num.js';
import { IOMMU_CACHE, IOMMU_MMIO, IOMMU_NOEXEC, IOMMU_PRIV, IOMMU_READ, IOMMU_WRITE } from './prot.js';
import type { TablePage } from './table-store.js';
import type { Errno, MapResult, PageTableConfig, PteDumpRow, WalkFault, WalkResult } from './types.js';
import { WalkFail, WalkOk } from './walk-result.js';

const ARM_FILE = 'drivers/iommu/io-pgtable-arm.c';
const TWO36 = 68719476736;

// descriptor bits (io-pgtable-arm.c ARM_LPAE_PTE_*); *_HI constants are bits of the high half
const TYPE_BLOCK = 1;
const TYPE_TABLE = 3; // also TYPE_PAGE at level 3
const PTE_NS = 0x20;
const AP_UNPRIV = 0x40; // S1 AP[1]; S2 HAP read
const AP_RDONLY = 0x80; // S1 AP[2]; S2 HAP write
const SH_OS = 0x200;
const SH_IS = 0x300;
const PTE_AF = 0x400;
const PTE_NG = 0x800;
const XN_HI = 0x600000; // bits 54:53
const NSTABLE_HI = 0x80000000; // bit 63
const DBM_HI = 0x80000; // bit 51 (ARM_LPAE_PTE_DBM)
const ATTR_LO_MASK = 0xffc; // bits 11:2
const ATTR_HI_MASK = XN_HI; // ARM_LPAE_PTE_ATTR_HI_MASK (XN; DBM is not modelled)

/** An Arm translation table: one granule (1, 4 or 16 PhysMem pages) or a concatenated pgd. */
interface ArmTable {
  pfn: number;
  pages: TablePage[];
  n: number;
  /** false once freed (a cached child is trusted only while live and at the entry's pfn). */
  live: boolean;
  /** Child tables by index (a cache; null for raw views of pages that are not our tables). */
  kids: (ArmTable | undefined)[] | null;
  /** The entries when the table is one page (4K granule, small pgds), else null: use `pages`. */
  v: Uint32Array | null;
  /** pfn as a table descriptor's bits 31:12 and 47:32 (integer compares on the lookup path). */
  plo: number;
  phi: number;
}

function armTable(pfn: number, pages: TablePage[], n: number, ours: boolean): ArmTable {
  const v = pages.length === 1 ? pages[0]!.v : null;
  return { pfn, pages, n, live: true, kids: ours ? [] : null, v, plo: pfn % TWO20, phi: Math.floor(pfn / TWO20) };
}

/**
 * Arm LPAE / AArch64 VMSA tables, drivers/iommu/io-pgtable-arm.c: ARM_64_LPAE_S1/S2,
 * ARM_32_LPAE_S1/S2 and ARM_MALI_LPAE. `arm_lpae_map_pages`/`__arm_lpae_map`/`arm_lpae_init_pte`
 * (EEXIST on a leaf, a block over a table frees the table), `arm_lpae_unmap_pages`/`__arm_lpae_unmap`
 * (at most one table per call; a partial block is split (old) or refused with a WARN (new)),
 * `arm_lpae_split_blk_unmap`, `arm_lpae_iova_to_phys`, `arm_lpae_read_and_clear_dirty`,
 * `arm_lpae_prot_to_pte`, `arm_64_lpae_alloc_pgtable_s1/_s2`, `arm_32_lpae_alloc_pgtable_s1/_s2`,
 * `arm_mali_lpae_alloc_pgtable` (registers). Levels are the architecture's: 0..3, 3 = the
 * granule-sized page.
 */
export class ArmLpaeTable extends PageTableBase {
  readonly variant: ArmLpaeVariant;
  readonly stage: 1 | 2;
  readonly granule: number;
  readonly startLevel: number;
  readonly registers: ArmS1Registers | ArmS2Registers | ArmMaliRegisters;
  private readonly pgShift: number;
  private readonly bpl: number;
  private readonly pgdBits: number;
  private readonly gPages: number;
  private readonly ptes: number;
  private readonly ns: boolean;
  private readonly noWarn: boolean;
  private readonly ttbr1: boolean;
  private readonly hd: boolean;
  private readonly s2fwb: boolean;
  private readonly mali: boolean;
  /** First 4K page number the table translates (non-zero for the TTBR1 upper half). */
  private readonly vaBase: number;
  private readonly tables = new Map<number, ArmTable>();
  private readonly top: ArmTable;
  private warnedPartial = false;
  private readonly s2 = newSplit();
  /** Per architecture level: 4K pages one entry covers, and the index mask (hot paths avoid 2 ** and %). */
  private readonly lvlPages: number[] = [];
  private readonly lvlMask: number[] = [];
  /** Per level: log2 bytes of one entry (the index is the IOVA's bits from here up). */
  private readonly lvlShift: number[] = [];
  /** Input check without BigInt: the high half of an in-range IOVA shifted by ias - 32 (0, or all ones for TTBR1). */
  private readonly inHiShift: number;
  private readonly inHiWant: number;
  /** 4K granule and a one-page pgd: iovaToPhys takes the specialised walk. */
  private readonly fast4k: boolean;
  // arm_lpae_prot_to_pte / paddr_to_iopte results (fields: the hot path allocates nothing)
  private pLo = 0;
  private pHi = 0;
  private fLo = 0;
  private fHi = 0;
  private okPgsize = -1n;
  private okPgsizePages = 0;
  private lastProt = -1;

  constructor(cfg: PageTableConfig, o: ArmLpaeOptions) {
    checkArmQuirks(o, cfg.profile);
    const g = armLpaeGeometry(o, cfg.profile);
    const pgdBytes = 2 ** (g.pgdBits + 3);
    super(cfg, {
      format: g.format,
      implementation: 'io-pgtable-arm.c',
      levels: 4 - g.startLvl,
      ias: g.ias,
      oas: g.oas,
      pgsizeBitmap: g.bitmap,
      rootPages: Math.max(1, pgdBytes / 4096),
    });
    this.variant = o.variant;
    this.stage = o.stage;
    this.granule = o.granule;
    this.pgShift = g.pgShift;
    this.bpl = g.bpl;
    this.pgdBits = g.pgdBits;
    this.startLevel = g.startLvl;
    this.gPages = o.granule / 4096;
    this.ptes = 2 ** g.bpl;
    this.ns = o.quirks.ns;
    this.noWarn = o.quirks.noWarn;
    this.ttbr1 = o.quirks.ttbr1;
    this.hd = o.quirks.hd;
    this.s2fwb = o.quirks.s2fwb;
    this.mali = o.variant === 'mali';
    this.vaBase = this.ttbr1 ? 2 ** 52 - 2 ** (g.ias - 12) : 0;
    this.top = armTable(this.root.pfn, this.rootPages, 2 ** g.pgdBits, true);
    this.tables.set(this.top.pfn, this.top);
    for (let lvl = 0; lvl <= 3; lvl++) {
      this.lvlPages.push(2 ** (this.shiftOf(lvl) - 12));
      this.lvlShift.push(this.shiftOf(lvl));
      this.lvlMask.push((lvl === this.startLevel ? 2 ** g.pgdBits : this.ptes) - 1);
    }
    // ias is 32..52, so the check lives in the high half (ARM_TTBR1: the top 64 - ias bits all ones)
    this.inHiShift = this.ias - 32;
    this.inHiWant = this.ttbr1 ? 2 ** (64 - this.ias) - 1 : 0;
    this.registers = armLpaeRegisters(o, g, this.rootPa);
    this.fast4k = this.gPages === 1 && this.top.v !== null;
  }

  /**
   * arm_lpae_map_pages / arm_lpae_unmap_pages input check: `(s64)iova >> ias` must be 0, or all
   * ones for an ARM_TTBR1 (upper-half, sign-extended) table.
   */
  /** idx from the IOVA's 32-bit halves (shifts instead of a division on the hot lookups). */
  private idxH(lvl: number, lo: number, hi: number): number {
    const sh = this.lvlShift[lvl]!;
    const m = this.lvlMask[lvl]!;
    if (sh >= 32) return (hi >>> (sh - 32)) & m;
    return ((lo >>> sh) | (hi << (32 - sh))) & m; // (hi << 32 - sh) only matters when the field straddles
  }
  /** paddr < 2^oas (oas is 32..52: a check on the high half). */
  private outputOk(paddr: bigint): boolean {
    if (paddr < 0n || paddr >= 0x10000000000000000n) return false;
    splitAddr(paddr, this.s2);
    return this.s2.hi >>> (this.oas - 32) === 0;
  }
  private inputOk(iova: bigint): boolean {
    splitAddr(iova, this.s2); // modulo 2^64, like asUintN
    return this.s2.hi >>> this.inHiShift === this.inHiWant;
  }

  // ---- geometry -----------------------------------------------------------------------------

  /** ARM_LPAE_LVL_SHIFT as log2 bytes of one entry at architecture level lvl. */
  private shiftOf(lvl: number): number {
    return this.pgShift + (3 - lvl) * this.bpl;
  }
  /** ARM_LPAE_LVL_IDX (the start level may be bigger or smaller than one granule). */
  private idx(lvl: number, vpfn: number): number {
    // the quotient may pass 2^32; & keeps its low 32 bits, enough for a mask below 2^31
    return Math.floor(vpfn / this.lvlPages[lvl]!) & this.lvlMask[lvl]!;
  }
  private lo(t: ArmTable, i: number): number {
    return t.pages[i >> 9]!.v[2 * (i & 511)]!;
  }
  private hi(t: ArmTable, i: number): number {
    return t.pages[i >> 9]!.v[2 * (i & 511) + 1]!;
  }
  private wr(t: ArmTable, i: number, lo: number, hi: number): void {
    const v = t.pages[i >> 9]!.v;
    v[2 * (i & 511)] = lo;
    v[2 * (i & 511) + 1] = hi;
  }
  /** iopte_to_paddr, as a page number (64K granule: PA[51:48] live in PTE[15:12]). */
  private paddrPfn(lo: number, hi: number): number {
    const f = (hi & 0xffff) * TWO20 + (lo >>> 12);
    if (this.gPages < 16) return f;
    const low = f % 16;
    return f - low + low * TWO36;
  }
  /** paddr_to_iopte for a page number: the address field's halves into fLo / fHi. */
  private fieldOf(pfn: number): void {
    const f = this.gPages < 16 ? pfn : (pfn % TWO36) + Math.floor(pfn / TWO36);
    this.fLo = (f % TWO20) * 4096;
    this.fHi = Math.floor(f / TWO20);
  }
  /** iopte_leaf: page type at level 3, block type above (Mali: block type at every level). */
  private isLeaf(lvl: number, lo: number): boolean {
    return lvl === 3 && !this.mali ? (lo & 3) === TYPE_TABLE : (lo & 3) === TYPE_BLOCK;
  }
  /** iopte_deref: the table an entry points at (a raw view when it is not one of ours). */
  private deref(lo: number, hi: number): ArmTable | undefined {
    const pfn = this.paddrPfn(lo, hi) - (this.paddrPfn(lo, hi) % this.gPages);
    const t = this.tables.get(pfn);
    if (t) return t;
    const pages: TablePage[] = [];
    for (let p = pfn; p < pfn + this.gPages; p++) {
      if (!this.store.isRam(p)) return undefined;
      pages.push(this.store.rawView(p));
    }
    return armTable(pfn, pages, this.ptes, false);
  }
  /** deref of entry i of t, through t's child cache (hot paths). */
  private child(t: ArmTable, i: number, lo: number, hi: number): ArmTable | undefined {
    const kids = t.kids;
    if (kids !== null) {
      const k = kids[i];
      if (k !== undefined && k.live) {
        const pfn = this.paddrPfn(lo, hi);
        if (k.pfn === (this.gPages === 1 ? pfn : pfn - (pfn % this.gPages))) return k;
      }
    }
    const c = this.deref(lo, hi);
    if (c !== undefined && kids !== null && c.kids !== null) kids[i] = c;
    return c;
  }
  private allocTable(): ArmTable | undefined {
    const pages = this.store.allocContig(this.gPages);
    if (!pages) return undefined;
    const t = armTable(pages[0]!.pfn, pages, this.ptes, true);
    this.tables.set(t.pfn, t);
    return t;
  }
  /** __arm_lpae_free_pgtable */
  private freeTable(lvl: number, t: ArmTable): void {
    if (lvl < 3) {
      for (let i = 0; i < t.n; i++) {
        const lo = this.lo(t, i);
        const hi = this.hi(t, i);
        if ((lo === 0 && hi === 0) || this.isLeaf(lvl, lo)) continue;
        const c = this.deref(lo, hi);
        if (c && this.tables.has(c.pfn)) this.freeTable(lvl + 1, c);
      }
    }
    if (!this.tables.delete(t.pfn)) return;
    t.live = false;
    for (const p of t.pages) this.store.free(p);
  }
  private warn(fn: string): void {
    if (!this.noWarn) this.log.push(`WARNING: at ${ARM_FILE}:${fn}`);
  }

  // ---- base hooks (internal level k = 3 - lvl) ----------------------------------------------------

  publicLevel(k: number): number {
    return 3 - k;
  }
  itemShift(k: number): number {
    return this.pgShift + k * this.bpl;
  }
  leafShiftOf(k: number): number {
    return this.pgShift + k * this.bpl;
  }
  indexOf(k: number, vpfn: number): number {
    return this.idx(3 - k, vpfn);
  }
  kindOf(k: number, lo: number, hi: number): number {
    if (lo === 0 && hi === 0) return KIND_NONE;
    if (this.isLeaf(3 - k, lo)) return KIND_LEAF;
    return k > 0 && (lo & 3) === TYPE_TABLE ? KIND_TABLE : KIND_NONE;
  }
  oaPfnOf(_k: number, lo: number, hi: number): number {
    return this.paddrPfn(lo, hi);
  }
  flagsOf(k: number, lo: number, hi: number): string[] {
    const f: string[] = [];
    const lvl = 3 - k;
    f.push(lvl === 3 ? 'PAGE' : (lo & 3) === TYPE_TABLE ? 'TABLE' : 'BLOCK');
    if ((lo & 3) === TYPE_TABLE && lvl < 3) {
      if (hi & NSTABLE_HI) f.push('NSTABLE');
      return f;
    }
    if (this.mali) {
      f.push(`AttrIndx=${(lo >>> 2) & 7}`);
      if (lo & AP_UNPRIV) f.push('RD');
      if (lo & AP_RDONLY) f.push('WR');
    } else if (this.stage === 1) {
      f.push(`AttrIndx=${(lo >>> 2) & 7}`);
      if (lo & PTE_NS) f.push('NS');
      if (lo & AP_UNPRIV) f.push('AP-EL0');
      f.push(lo & AP_RDONLY ? 'RO' : 'RW');
      if (lo & PTE_NG) f.push('nG');
      if (hi & DBM_HI) f.push('DBM');
    } else {
      f.push(`MemAttr=0x${((lo >>> 2) & 0xf).toString(16)}`);
      if (lo & AP_UNPRIV) f.push('S2AP-R');
      if (lo & AP_RDONLY) f.push('S2AP-W');
    }
    const sh = (lo >>> 8) & 3;
    f.push(sh === 3 ? 'SH=IS' : sh === 2 ? 'SH=OS' : 'SH=NS');
    if (lo & PTE_AF) f.push('AF');
    if (hi & XN_HI) f.push('XN');
    return f;
  }
  vpfnOfIova(iova: bigint): number | undefined {
    if (!this.inputOk(iova)) return undefined;
    splitAddr(iova, this.s2);
    return this.s2.pfn;
  }
  protected hwStart(iova: bigint): WalkFault | null {
    return this.vpfnOfIova(iova) === undefined ? 'beyond-address-width' : null;
  }
  protected hwCheck(): WalkFault | null {
    return null;
  }
  protected hwIsLeaf(k: number, lo: number): boolean {
    return this.isLeaf(3 - k, lo);
  }

  // ---- map ---------------------------------------------------------------------------------

  /** arm_lpae_prot_to_pte: the low and high attribute halves of a leaf, into pLo / pHi. */
  private protBits(prot: number): void {
    let lo: number;
    let hi = 0;
    if (this.stage === 1 && !this.mali) {
      lo = PTE_NG;
      if (!(prot & IOMMU_WRITE) && prot & IOMMU_READ) lo |= AP_RDONLY;
      else if (this.hd) hi |= DBM_HI;
      if (!(prot & IOMMU_PRIV)) lo |= AP_UNPRIV;
    } else {
      // stage-2 HAP read/write (Mali: stage-2-like permissions with stage-1-like attributes)
      lo = (prot & IOMMU_READ ? AP_UNPRIV : 0) | (prot & IOMMU_WRITE ? AP_RDONLY : 0);
    }
    if (this.stage === 2) {
      // MemAttr: Device 0x1, Normal OIWB 0xf (FWB: force write-back 0x6), Normal NC 0x5
      lo |= prot & IOMMU_MMIO ? 0x1 << 2 : prot & IOMMU_CACHE ? (this.s2fwb ? 0x6 : 0xf) << 2 : 0x5 << 2;
    } else if (prot & IOMMU_MMIO) lo |= 2 << 2;
    else if (prot & IOMMU_CACHE) lo |= 1 << 2;
    lo |= prot & IOMMU_CACHE && !this.mali ? SH_IS : SH_OS;
    if (prot & IOMMU_NOEXEC) hi |= XN_HI;
    if (this.ns) lo |= PTE_NS;
    if (!this.mali) lo |= PTE_AF;
    this.pLo = lo;
    this.pHi = hi;
  }

  /** arm_lpae_map_pages: maps at most to the end of the current leaf table (the caller loops). */
  mapPages(iova: bigint, paddr: bigint, pgsize: bigint, pgcount: number, prot: number): MapResult {
    if (this.freed) return { errno: 'EFAULT', mapped: 0n };
    if (pgsize !== this.okPgsize) {
      if (pgsize <= 0n || (pgsize & this.pgsizeBitmap) !== pgsize || (pgsize & (pgsize - 1n)) !== 0n) {
        this.log.push(`WARNING: at ${ARM_FILE}:arm_lpae_map_pages`);
        return { errno: 'EINVAL', mapped: 0n };
      }
      this.okPgsize = pgsize; // one size of the bitmap: skip the BigInt checks next time
      splitAddr(pgsize, this.s2);
      this.okPgsizePages = this.s2.pfn; // a multiple of the 4K granule
    }
    if (!this.inputOk(iova)) {
      this.log.push(`WARNING: at ${ARM_FILE}:arm_lpae_map_pages`);
      return { errno: 'ERANGE', mapped: 0n };
    }
    const va = this.s2.pfn;
    const alo = this.s2.lo;
    const ahi = this.s2.hi;
    if (!this.outputOk(paddr)) {
      this.log.push(`WARNING: at ${ARM_FILE}:arm_lpae_map_pages`);
      return { errno: 'ERANGE', mapped: 0n };
    }
    const pa = this.s2.pfn;
    if (!(prot & (IOMMU_READ | IOMMU_WRITE))) {
      return this.profile.armNoPermMap === 'noop' ? { mapped: 0n } : { errno: 'EINVAL', mapped: 0n };
    }
    if (!Number.isInteger(pgcount) || pgcount < 1) return { errno: 'EINVAL', mapped: 0n };
    if (prot !== this.lastProt) {
      this.protBits(prot);
      this.lastProt = prot;
    }
    const aLo = this.pLo;
    const aHi = this.pHi;
    const sizePages = this.okPgsizePages;
    let t = this.top;
    for (let lvl = this.startLevel; ; lvl++) {
      const i = this.idxH(lvl, alo, ahi);
      if (this.lvlPages[lvl] === sizePages) {
        const num = Math.min(pgcount, this.ptes - (i & (this.ptes - 1))); // arm_lpae_max_entries
        const err = this.initPte(t, i, num, lvl, va, pa, aLo, aHi);
        return err ? { errno: err, mapped: 0n } : { mapped: num === 1 ? pgsize : pfnAddr(num * sizePages) };
      }
      if (lvl >= 3) {
        this.log.push(`WARNING: at ${ARM_FILE}:__arm_lpae_map`);
        return { errno: 'EINVAL', mapped: 0n };
      }
      const tv = t.v;
      const lo = tv !== null ? tv[2 * i]! : this.lo(t, i);
      const hi = tv !== null ? tv[2 * i + 1]! : this.hi(t, i);
      if (lo === 0 && hi === 0) {
        const nt = this.allocTable();
        if (!nt) return { errno: 'ENOMEM', mapped: 0n };
        this.fieldOf(nt.pfn);
        this.wr(t, i, this.fLo | TYPE_TABLE, this.fHi | (this.ns ? NSTABLE_HI : 0)); // arm_lpae_install_table
        if (t.kids !== null) t.kids[i] = nt;
        t = nt;
        continue;
      }
      if (this.isLeaf(lvl, lo)) {
        this.warn('__arm_lpae_map');
        return { errno: 'EEXIST', mapped: 0n };
      }
      const c = this.child(t, i, lo, hi);
      if (!c) return { errno: 'EFAULT', mapped: 0n };
      t = c;
    }
  }

  /** arm_lpae_init_pte: EEXIST on any leaf in the run; tables in the way are unmapped and freed first. */
  private initPte(t: ArmTable, i0: number, num: number, lvl: number, va: number, pa: number, aLo: number, aHi: number): 'EEXIST' | 'EINVAL' | undefined {
    const pages = this.lvlPages[lvl]!;
    const onePage = i0 >> 9 === (i0 + num - 1) >> 9;
    let j = 0;
    if (onePage) {
      // skip the empty run fast (an entry is valid only with bit 0 set)
      const v = t.pages[i0 >> 9]!.v;
      const b = 2 * (i0 & 511);
      while (j < num && v[b + 2 * j] === 0) j++;
    }
    for (; j < num; j++) {
      const lo = this.lo(t, i0 + j);
      if (lo === 0) continue;
      if (this.isLeaf(lvl, lo)) {
        this.warn('arm_lpae_init_pte');
        return 'EEXIST';
      }
      if ((lo & 3) === TYPE_TABLE) {
        const sz = 2 ** this.shiftOf(lvl);
        if (this.unmapLevel(null, va + j * pages, sz, 1, lvl, t) !== sz) {
          this.log.push(`WARNING: at ${ARM_FILE}:arm_lpae_init_pte`);
          return 'EINVAL';
        }
      }
    }
    const type = lvl === 3 && !this.mali ? TYPE_TABLE : TYPE_BLOCK; // __arm_lpae_init_pte
    const stepBytes = pages * 4096;
    if (this.gPages < 16 && stepBytes < 0x80000000 && onePage) {
      const step = stepBytes | 0; // int32: a double step would make every add a float op
      // one table page, no PA folding: the entries' halves advance by the block size (int32 with carry)
      const v = t.pages[i0 >> 9]!.v;
      let nLo = ((pa % TWO20) * 4096 + (aLo | type)) | 0;
      let nHi = (Math.floor(pa / TWO20) | aHi) | 0;
      for (let k = 2 * (i0 & 511), end = k + 2 * num; k < end; k += 2) {
        v[k] = nLo;
        v[k + 1] = nHi;
        const next = (nLo + step) | 0;
        if (nLo < 0 && next >= 0) nHi = (nHi + 1) | 0;
        nLo = next;
      }
      return undefined;
    }
    for (let j = 0; j < num; j++) {
      this.fieldOf(pa + j * pages);
      this.wr(t, i0 + j, (this.fLo | aLo | type) >>> 0, (this.fHi | aHi) >>> 0);
    }
    return undefined;
  }

  // ---- unmap -------------------------------------------------------------------------------

  /** arm_lpae_unmap_pages */
  unmapPages(iova: bigint, pgsize: bigint, pgcount: number, gather?: IotlbGather): bigint {
    if (this.freed) return 0n;
    if (pgsize <= 0n || (pgsize & this.pgsizeBitmap) !== pgsize || (pgsize & (pgsize - 1n)) !== 0n || !Number.isInteger(pgcount) || pgcount < 1) {
      this.log.push(`WARNING: at ${ARM_FILE}:arm_lpae_unmap_pages`);
      return 0n;
    }
    if (!this.inputOk(iova)) {
      this.log.push(`WARNING: at ${ARM_FILE}:arm_lpae_unmap_pages`);
      return 0n;
    }
    splitAddr(iova, this.sp);
    return BigInt(this.unmapLevel(gather ?? null, this.sp.pfn, Number(pgsize), pgcount, this.startLevel, this.top));
  }

  /** __arm_lpae_unmap: returns bytes unmapped (a number: at most one table of one size). */
  private unmapLevel(gather: IotlbGather | null, va: number, size: number, pgcount: number, lvl: number, t: ArmTable): number {
    if (lvl === 4) {
      this.log.push(`WARNING: at ${ARM_FILE}:__arm_lpae_unmap`);
      return 0;
    }
    const i = this.idx(lvl, va);
    const lo = this.lo(t, i);
    const hi = this.hi(t, i);
    if (lo === 0 && hi === 0) {
      this.warn('__arm_lpae_unmap');
      return 0;
    }
    const blk = 2 ** this.shiftOf(lvl);
    if (size === blk) {
      const num = Math.min(pgcount, this.ptes - (i & (this.ptes - 1)));
      const pages = size / 4096;
      const granule = BigInt(this.granule);
      const bsize = BigInt(size);
      let n = 0;
      if (this.profile.armUnmapAddPage === 'leaves') {
        for (; n < num; n++) {
          const elo = this.lo(t, i + n);
          const ehi = this.hi(t, i + n);
          if (elo === 0 && ehi === 0) {
            this.warn('__arm_lpae_unmap');
            break;
          }
          this.wr(t, i + n, 0, 0);
          if (!this.isLeaf(lvl, elo)) {
            this.evFlushWalk(pfnAddr(va + n * pages), bsize, granule);
            const c = this.deref(elo, ehi);
            if (c && this.tables.has(c.pfn)) this.freeTable(lvl + 1, c);
          } else if (!(gather !== null && gather.queued)) {
            this.addPage(gather, pfnAddr(va + n * pages), bsize);
          }
        }
        return n * size;
      }
      // batched: tables first (flush walk + free), then clear, then tlb_add_page for every entry
      for (; n < num; n++) {
        const elo = this.lo(t, i + n);
        const ehi = this.hi(t, i + n);
        if (elo === 0 && ehi === 0) {
          this.warn('__arm_lpae_unmap');
          break;
        }
        if (!this.isLeaf(lvl, elo)) {
          this.wr(t, i + n, 0, 0);
          this.evFlushWalk(pfnAddr(va + n * pages), bsize, granule);
          const c = this.deref(elo, ehi);
          if (c && this.tables.has(c.pfn)) this.freeTable(lvl + 1, c);
        }
      }
      for (let j = 0; j < n; j++) this.wr(t, i + j, 0, 0);
      if (gather !== null && !gather.queued) for (let j = 0; j < n; j++) this.addPage(gather, pfnAddr(va + j * pages), bsize);
      return n * size;
    }
    if (this.isLeaf(lvl, lo)) {
      if (this.profile.armPartialUnmap === 'refuse') {
        if (!this.warnedPartial) {
          this.log.push('Unmap of a partial large IOPTE is not allowed');
          this.log.push(`WARNING: at ${ARM_FILE}:__arm_lpae_unmap`);
        }
        this.warnedPartial = true;
        return 0;
      }
      return this.splitBlkUnmap(gather, va, size, lo, hi, lvl + 1, t, i, pgcount);
    }
    const c = this.child(t, i, lo, hi);
    if (!c) return 0;
    return this.unmapLevel(gather, va, size, pgcount, lvl + 1, c);
  }

  private addPage(gather: IotlbGather | null, iova: bigint, granule: bigint): void {
    if (gather === null) {
      this.events.push({ kind: 'add-page', iova, granule });
      return;
    }
    this.evAddPage(gather, iova, granule);
  }

  /** arm_lpae_split_blk_unmap (≤ 6.13): replace the block by a table of the remaining pieces. */
  private splitBlkUnmap(gather: IotlbGather | null, va: number, size: number, blo: number, bhi: number, lvl: number, pt: ArmTable, pi: number, pgcount: number): number {
    if (lvl === 4) {
      this.log.push(`WARNING: at ${ARM_FILE}:arm_lpae_split_blk_unmap`);
      return 0;
    }
    const nt = this.allocTable();
    if (!nt) return 0;
    const splitSz = 2 ** this.shiftOf(lvl);
    const splitPages = splitSz / 4096;
    let start = -1;
    let num = 0;
    if (size === splitSz) {
      start = this.idx(lvl, va);
      num = Math.min(pgcount, this.ptes - start);
    }
    let blkPfn = this.paddrPfn(blo, bhi);
    const aLo = blo & ATTR_LO_MASK;
    const aHi = bhi & ATTR_HI_MASK;
    const type = lvl === 3 && !this.mali ? TYPE_TABLE : TYPE_BLOCK;
    for (let j = 0; j < this.ptes; j++, blkPfn += splitPages) {
      if (j >= start && j < start + num) continue;
      this.fieldOf(blkPfn);
      this.wr(nt, j, (this.fLo | aLo | type) >>> 0, (this.fHi | aHi) >>> 0);
    }
    this.fieldOf(nt.pfn);
    this.wr(pt, pi, this.fLo | TYPE_TABLE, this.fHi | (this.ns ? NSTABLE_HI : 0));
    if (start >= 0) {
      for (let j = 0; j < num; j++) this.addPage(gather, pfnAddr(va + j * (size / 4096)), BigInt(size));
      return num * size;
    }
    return this.unmapLevel(gather, va, size, pgcount, lvl, nt);
  }

  // ---- lookups -----------------------------------------------------------------------------

  /** arm_lpae_iova_to_phys */
  iovaToPhys(iova: bigint): bigint {
    if (this.freed || !this.inputOk(iova)) return 0n;
    if (this.fast4k) return this.iovaToPhys4k();
    return this.iovaToPhysAny();
  }

  /**
   * arm_lpae_iova_to_phys for a 4K granule with a one-page pgd (every table is one 4K page, so
   * `t.v` is always set): the same walk as iovaToPhysAny, with the 9-bit indices taken straight
   * from the IOVA's halves (ARM_LPAE_LVL_IDX for shifts 39/30/21/12) and iopte_leaf / iopte_to_paddr
   * inlined. Reads the halves inputOk left in this.s2.
   */
  private iovaToPhys4k(): bigint {
    const alo = this.s2.lo;
    const ahi = this.s2.hi;
    const pageType = this.mali ? TYPE_BLOCK : TYPE_TABLE; // iopte_leaf at level 3
    let t: ArmTable | undefined = this.top;
    // the start level's index uses the pgd mask (fewer than 9 bits for a small ias); the rest 511
    let m = this.lvlMask[this.startLevel]!;
    for (let lvl = this.startLevel; lvl <= 3 && t; lvl++, m = 511) {
      const i =
        lvl === 3 ? (alo >>> 12) & m : lvl === 2 ? (alo >>> 21) & m : lvl === 1 ? ((alo >>> 30) | (ahi << 2)) & m : (ahi >>> 7) & m;
      const v: Uint32Array = t.v!;
      const lo: number = v[2 * i]!;
      const hi: number = v[2 * i + 1]!;
      if (lo === 0 && hi === 0) return 0n;
      if (lvl === 3) {
        // a 4K page: PA[47:12] from the entry, PA[11:0] from the IOVA, built in one step
        if ((lo & 3) === pageType) return u64(((lo & 0xfffff000) | (alo & 0xfff)) >>> 0, hi & 0xffff);
      } else if ((lo & 3) === TYPE_BLOCK) {
        // a block: the entry's page number plus the IOVA's pages inside it (the general formula)
        return pfnAddr((hi & 0xffff) * TWO20 + (lo >>> 12) + lowPages(alo, ahi, 9 * (3 - lvl)), this.s2.off);
      }
      const kids: (ArmTable | undefined)[] | null = t.kids;
      const kid: ArmTable | undefined = kids === null ? undefined : kids[i];
      t = kid !== undefined && kid.plo === lo >>> 12 && kid.phi === (hi & 0xffff) && kid.live ? kid : this.child(t, i, lo, hi);
    }
    return 0n;
  }

  /** arm_lpae_iova_to_phys, any granule and pgd (the halves come from inputOk in this.s2). */
  private iovaToPhysAny(): bigint {
    const off = this.s2.off;
    const alo = this.s2.lo;
    const ahi = this.s2.hi;
    let t: ArmTable | undefined = this.top;
    for (let lvl = this.startLevel; lvl <= 3 && t; lvl++) {
      const i = this.idxH(lvl, alo, ahi);
      const v: Uint32Array | null = t.v;
      const lo: number = v !== null ? v[2 * i]! : this.lo(t, i);
      const hi: number = v !== null ? v[2 * i + 1]! : this.hi(t, i);
      if (lo === 0 && hi === 0) return 0n;
      if (this.isLeaf(lvl, lo)) {
        const sh = this.lvlShift[lvl]!;
        return pfnAddr(this.paddrPfn(lo, hi) + (sh === 12 ? 0 : lowPages(alo, ahi, sh - 12)), off);
      }
      const kids: (ArmTable | undefined)[] | null = t.kids;
      const kid: ArmTable | undefined = kids === null ? undefined : kids[i];
      // a cached 4K-granule child at the entry's address (bits 47:12): no paddrPfn folding to undo
      t = kid !== undefined && kid.plo === lo >>> 12 && kid.phi === (hi & 0xffff) && kid.live && this.gPages === 1 ? kid : this.child(t, i, lo, hi);
    }
    return 0n;
  }

  /**
   * What the SMMU / Mali MMU does: translation faults for invalid descriptors, then the access flag and
   * permission checks on the leaf. With ARM_HD a write to a writable-clean leaf (DBM and AP[2] set) is
   * allowed and the hardware clears AP[2] in the descriptor (HTTU dirty-state update).
   */
  override walk(iova: bigint, access: 'read' | 'write'): WalkResult {
    const raw: number[] = [];
    if (this.freed) return new WalkFail(raw, 'not-present', this.startLevel);
    if (!this.inputOk(iova)) return new WalkFail(raw, 'beyond-address-width', this.startLevel);
    splitAddr(iova, this.sp);
    const { pfn, off } = this.sp;
    const write = access === 'write';
    let t: ArmTable = this.top;
    for (let lvl = this.startLevel; ; lvl++) {
      const i = this.idx(lvl, pfn);
      let lo = this.lo(t, i);
      const hi = this.hi(t, i);
      raw.push(lvl, i, t.pfn, lo, hi);
      const type = lo & 3;
      if ((type & 1) === 0) return new WalkFail(raw, 'not-present', lvl);
      if (lvl === 3 || type === TYPE_BLOCK) {
        const leafType = lvl === 3 && !this.mali ? TYPE_TABLE : TYPE_BLOCK;
        const sizeOk = lvl === 3 || (this.pgsizeBitmap & (1n << BigInt(this.shiftOf(lvl)))) !== 0n;
        if (type !== leafType || !sizeOk) return new WalkFail(raw, 'not-present', lvl);
        if (this.stage === 2 && !this.mali && !(lo & PTE_AF)) return new WalkFail(raw, 'not-present', lvl);
        if (this.mali || this.stage === 2) {
          // stage-2 S2AP / Mali read-write bits (Mali has no access flag)
          if (write ? !(lo & AP_RDONLY) : !(lo & AP_UNPRIV)) return new WalkFail(raw, write ? 'no-write' : 'no-read', lvl);
        } else {
          if (!(lo & PTE_AF)) return new WalkFail(raw, 'not-present', lvl); // access flag fault
          if (write && lo & AP_RDONLY) {
            if (!(this.hd && hi & DBM_HI)) return new WalkFail(raw, 'no-write', lvl);
            lo = (lo & ~AP_RDONLY) >>> 0; // writable-clean → writable-dirty
            t.pages[i >> 9]!.v[2 * (i & 511)] = lo;
            raw[raw.length - 2] = lo;
          }
          if (!(lo & AP_UNPRIV)) return new WalkFail(raw, 'user-priv', lvl);
        }
        const shift = this.shiftOf(lvl);
        return new WalkOk(raw, lvl, this.paddrPfn(lo, hi) + (pfn % 2 ** (shift - 12)), off, shift);
      }
      const c = this.child(t, i, lo, hi);
      if (!c) return new WalkFail(raw, 'reserved-bits', lvl);
      t = c;
    }
  }

  // ---- dirty tracking ------------------------------------------------------------------------

  /**
   * arm_lpae_read_and_clear_dirty via __arm_lpae_iopte_walk / visit_dirty: records every
   * writable-dirty leaf ((pte & (AP_RDONLY | DBM)) == DBM) the range touches, from the walk address
   * for the leaf's size, and unless IOMMU_DIRTY_NO_CLEAR sets AP[2] again (writable-clean). No TLB
   * maintenance. -EINVAL for size 0, a range beyond ias (the check ignores TTBR1, so an upper-half
   * table always fails), a format other than ARM_64_LPAE_S1, or a hole in the range. Each recorded
   * range also goes to the gather (include/linux/iommu.h `iommu_dirty_bitmap_record`).
   */
  override readAndClearDirty(iova: bigint, size: bigint, flags = 0, gather?: IotlbGather): DirtyResult {
    const dirty: DirtyRange[] = [];
    if (this.freed) return { errno: 'EINVAL', dirty };
    if (size <= 0n || BigInt.asUintN(64, iova + size - 1n) >> BigInt(this.ias) !== 0n || iova < 0n) {
      this.log.push(`WARNING: at ${ARM_FILE}:arm_lpae_read_and_clear_dirty`);
      return { errno: 'EINVAL', dirty };
    }
    if (this.variant !== 'arm64' || this.stage !== 1) return { errno: 'EINVAL', dirty };
    const st = { addr: Number(iova), end: Number(iova + size), clear: (flags & IOMMU_DIRTY_NO_CLEAR) === 0, dirty, gather: gather ?? new IotlbGather() };
    return this.dirtyWalk(this.top, this.startLevel, st) ? { dirty } : { errno: 'EINVAL', dirty };
  }

  /** ARM_HD: the SMMU updates DBM leaves whenever the quirk is set (arm_smmu_set_dirty_tracking is a no-op). */
  override get dirtyTracking(): boolean {
    return this.hd;
  }
  override setDirtyTracking(enable: boolean): Errno | undefined {
    return this.hd || !enable ? undefined : 'EOPNOTSUPP';
  }

  /** __arm_lpae_iopte_walk + io_pgtable_visit with visit_dirty; false on a non-leaf, non-table entry. */
  private dirtyWalk(
    t: ArmTable,
    lvl: number,
    st: { addr: number; end: number; clear: boolean; dirty: DirtyRange[]; gather: IotlbGather },
  ): boolean {
    const size = 2 ** this.shiftOf(lvl);
    for (let i = this.idx(lvl, Math.floor(st.addr / 4096)); i < t.n && st.addr < st.end; i++) {
      const lo = this.lo(t, i);
      const hi = this.hi(t, i);
      if (this.isLeaf(lvl, lo)) {
        if ((lo & AP_RDONLY) === 0 && hi & DBM_HI) {
          st.dirty.push({ iova: BigInt(st.addr), size: BigInt(size) });
          this.evAddRange(st.gather, BigInt(st.addr), BigInt(size));
          if (st.clear) t.pages[i >> 9]!.v[2 * (i & 511)] = (lo | AP_RDONLY) >>> 0;
        }
        st.addr += size;
        continue;
      }
      if (lvl === 3 || (lo & 3) !== TYPE_TABLE) return false;
      const c = this.deref(lo, hi);
      if (!c || !this.dirtyWalk(c, lvl + 1, st)) return false;
    }
    return true;
  }

  override readEntry(level: number, iova: bigint): { pa: bigint; value: bigint } | undefined {
    if (this.freed || level < this.startLevel || level > 3) return undefined;
    const vpfn = this.vpfnOfIova(iova);
    if (vpfn === undefined) return undefined;
    let t: ArmTable | undefined = this.top;
    for (let lvl = this.startLevel; t; lvl++) {
      const i = this.idx(lvl, vpfn);
      const lo = this.lo(t, i);
      const hi = this.hi(t, i);
      if (lvl === level) return { pa: pfnAddr(t.pfn) + BigInt(i * 8), value: u64(lo, hi) };
      if (this.isLeaf(lvl, lo) || (lo & 3) !== TYPE_TABLE) return undefined;
      t = this.tables.get(this.paddrPfn(lo, hi));
    }
    return undefined;
  }

  protected override forEachEntry(fn: (t: TablePage, idx: number, k: number, lo: number, hi: number, vpfn: number) => void): void {
    this.visitTable(this.top, this.startLevel, this.vaBase, (t, i, lvl, lo, hi, vpfn) => {
      fn(t.pages[i >> 9]!, i & 511, 3 - lvl, lo, hi, vpfn);
    });
  }

  private visitTable(t: ArmTable, lvl: number, base: number, fn: (t: ArmTable, i: number, lvl: number, lo: number, hi: number, vpfn: number) => void): void {
    const per = 2 ** (this.shiftOf(lvl) - 12);
    for (let i = 0; i < t.n; i++) {
      const lo = this.lo(t, i);
      const hi = this.hi(t, i);
      const kind = this.kindOf(3 - lvl, lo, hi);
      if (kind === KIND_NONE) continue;
      fn(t, i, lvl, lo, hi, base + i * per);
      if (kind === KIND_TABLE) {
        const c = this.tables.get(this.paddrPfn(lo, hi));
        if (c) this.visitTable(c, lvl + 1, base + i * per, fn);
      }
    }
  }

  override dump(): PteDumpRow[] {
    const rows: PteDumpRow[] = [];
    if (this.freed) return rows;
    this.visitTable(this.top, this.startLevel, this.vaBase, (t, i, lvl, lo, hi, vpfn) => {
      const leaf = this.isLeaf(lvl, lo);
      rows.push({
        level: lvl,
        index: i,
        tablePa: pfnAddr(t.pfn),
        entryPa: pfnAddr(t.pfn) + BigInt(i * 8),
        value: u64(lo, hi),
        kind: leaf ? 'leaf' : 'table',
        iova: pfnAddr(vpfn),
        size: 1n << BigInt(this.shiftOf(lvl)),
        oa: pfnAddr(this.paddrPfn(lo, hi)),
        flags: this.flagsOf(3 - lvl, lo, hi),
      });
    });
    return rows;
  }
}
