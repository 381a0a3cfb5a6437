import { KIND_LEAF, KIND_NONE, KIND_TABLE, PageTableBase } from './base.js';
import { PgtableError } from './errors.js';
import type { IotlbGather } from './gather.js';
import { TWO20, ctz, newSplit, pfnAddr, splitAddr, u64 } from './num.js';
import { IOMMU_CACHE, IOMMU_MMIO, IOMMU_NOEXEC, IOMMU_PRIV, IOMMU_READ, IOMMU_WRITE } from './prot.js';
import type { TablePage } from './table-store.js';
import type { MapResult, PageTableConfig, PteDumpRow, WalkFault, WalkResult } from './types.js';
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
const ATTR_LO_MASK = 0xffc; // bits 11:2
const ATTR_HI_MASK = XN_HI; // ARM_LPAE_PTE_ATTR_HI_MASK (XN; DBM is not modelled)

/** An Arm translation table: one granule (1, 4 or 16 PhysMem pages) or a concatenated pgd. */
interface ArmTable {
  pfn: number;
  pages: TablePage[];
  n: number;
}

export interface ArmLpaeOptions {
  stage: 1 | 2;
  granule: 4096 | 16384 | 65536;
  ias: number;
  oas: number;
  /** IO_PGTABLE_QUIRK_ARM_NS (stage 1 only) */
  ns: boolean;
  /** IO_PGTABLE_QUIRK_NO_WARN */
  noWarn: boolean;
  /** cfg->coherent_walk: selects the TCR shareability/cacheability fields. */
  coherentWalk: boolean;
}

export interface ArmS1Registers {
  ttbr: bigint;
  tcr: { tsz: number; irgn: number; orgn: number; sh: number; tg: number; ips: number };
  mair: bigint;
}
export interface ArmS2Registers {
  vttbr: bigint;
  vtcr: { tsz: number; irgn: number; orgn: number; sh: number; tg: number; sl: number; ps: number };
}

const PS_OF_OAS: Record<number, number> = { 32: 0, 36: 1, 40: 2, 42: 3, 44: 4, 48: 5, 52: 6 };

/** Geometry as arm_lpae_alloc_pgtable computes it (plus stage-2 pgd concatenation). */
function geometry(o: ArmLpaeOptions, concat: 'legacy' | 'mandatory') {
  const pgShift = ctz(o.granule);
  const bpl = pgShift - 3;
  const maxBits = o.granule === 65536 ? 52 : 48; // arm_lpae_restrict_pgsizes clamps ias/oas
  const ias = Math.min(o.ias, maxBits);
  const oas = Math.min(o.oas, maxBits);
  let bitmap = o.granule === 4096 ? 0x1000n | 0x200000n | 0x40000000n : o.granule === 16384 ? 0x4000n | 0x2000000n : 0x10000n | 0x20000000n;
  if (o.granule === 65536 && oas > 48) bitmap |= 1n << 42n;
  const vaBits = ias - pgShift;
  const levels = Math.ceil(vaBits / bpl);
  let startLvl = 4 - levels;
  let pgdBits = vaBits - bpl * (levels - 1);
  if (o.stage === 2 && startLvl === 0) {
    const entries = 2 ** pgdBits;
    let doConcat: boolean;
    if (concat === 'legacy') doConcat = entries <= 16;
    else {
      // arm_lpae_concat_mandatory (Arm ARM K.a R_DXBSH / R_SRKBC)
      doConcat = (o.granule === 16384 && (oas === 48 || ias === 48)) || (o.granule === 4096 && (oas === 40 || oas === 42));
      if (doConcat && entries > 16) throw new PgtableError('PGTABLE_BAD_CONFIG', `arm-lpae-s2: concatenation is mandatory but the pgd has ${entries} entries (> 16)`);
    }
    if (doConcat) {
      pgdBits += bpl;
      startLvl++;
    }
  } else if (o.stage === 2 && concat === 'mandatory' && o.granule === 16384 && startLvl === 1 && oas === 40) {
    if (2 ** pgdBits > 16) throw new PgtableError('PGTABLE_BAD_CONFIG', 'arm-lpae-s2: mandatory concatenation impossible');
    pgdBits += bpl;
    startLvl++;
  }
  return { pgShift, bpl, ias, oas, bitmap, startLvl, pgdBits };
}

/**
 * Arm LPAE / AArch64 VMSA stage-1 and stage-2 tables, drivers/iommu/io-pgtable-arm.c:
 * `arm_lpae_map_pages`/`__arm_lpae_map`/`arm_lpae_init_pte` (EEXIST on a leaf, a block over a
 * table frees the table), `arm_lpae_unmap_pages`/`__arm_lpae_unmap` (at most one table per call;
 * a partial block is split (old) or refused with a WARN (new)), `arm_lpae_split_blk_unmap`,
 * `arm_lpae_iova_to_phys`, `arm_64_lpae_alloc_pgtable_s1/_s2` (registers). Levels are the
 * architecture's: 0..3, 3 = the granule-sized page.
 */
export class ArmLpaeTable extends PageTableBase {
  readonly stage: 1 | 2;
  readonly granule: number;
  readonly startLevel: number;
  readonly registers: ArmS1Registers | ArmS2Registers;
  private readonly pgShift: number;
  private readonly bpl: number;
  private readonly pgdBits: number;
  private readonly gPages: number;
  private readonly ptes: number;
  private readonly ns: boolean;
  private readonly noWarn: boolean;
  private readonly tables = new Map<number, ArmTable>();
  private readonly top: ArmTable;
  private warnedPartial = false;
  private readonly s2 = newSplit();

  constructor(cfg: PageTableConfig, o: ArmLpaeOptions) {
    const g = geometry(o, cfg.profile.armS2Concat);
    const ps = PS_OF_OAS[g.oas];
    if (ps === undefined) throw new PgtableError('PGTABLE_BAD_CONFIG', `arm-lpae: oas ${g.oas} has no IPS/PS encoding (32, 36, 40, 42, 44, 48 or 52)`);
    if (o.stage === 2 && o.ns) throw new PgtableError('PGTABLE_BAD_CONFIG', 'arm-lpae-s2: the ARM_NS quirk does not apply at stage 2');
    const pgdBytes = 2 ** (g.pgdBits + 3);
    super(cfg, {
      format: o.stage === 1 ? 'arm-lpae-s1' : 'arm-lpae-s2',
      implementation: 'io-pgtable-arm.c',
      levels: 4 - g.startLvl,
      ias: g.ias,
      oas: g.oas,
      pgsizeBitmap: g.bitmap,
      rootPages: Math.max(1, pgdBytes / 4096),
    });
    this.stage = o.stage;
    this.granule = o.granule;
    this.pgShift = g.pgShift;
    this.bpl = g.bpl;
    this.pgdBits = g.pgdBits;
    this.startLevel = g.startLvl;
    this.gPages = o.granule / 4096;
    this.ptes = 2 ** g.bpl;
    this.ns = o.ns;
    this.noWarn = o.noWarn;
    this.top = { pfn: this.root.pfn, pages: this.rootPages, n: 2 ** g.pgdBits };
    this.tables.set(this.top.pfn, this.top);
    const sh = o.coherentWalk ? 3 : 2;
    const rgn = o.coherentWalk ? 1 : 0;
    const tg = o.granule === 4096 ? 0 : o.granule === 65536 ? 1 : 2;
    if (o.stage === 1) {
      this.registers = {
        ttbr: this.rootPa,
        tcr: { tsz: 64 - g.ias, irgn: rgn, orgn: rgn, sh, tg, ips: ps },
        mair: 0xf404ff44n, // idx0 Normal NC, idx1 WBRWA, idx2 Device nGnRE, idx3 inner NC / outer WBRWA
      };
    } else {
      const sl = g.startLvl + (o.granule === 4096 ? 1 : 0); // "SL0 format is different for 4K granule size"
      this.registers = { vttbr: this.rootPa, vtcr: { tsz: 64 - g.ias, irgn: rgn, orgn: rgn, sh, tg, sl: ~sl & 3, ps } };
    }
  }

  // ---- geometry -----------------------------------------------------------------------------

  /** ARM_LPAE_LVL_SHIFT as log2 bytes of one entry at architecture level lvl. */
  private shiftOf(lvl: number): number {
    return this.pgShift + (3 - lvl) * this.bpl;
  }
  /** ARM_LPAE_LVL_IDX (the start level may be bigger or smaller than one granule). */
  private idx(lvl: number, vpfn: number): number {
    const n = lvl === this.startLevel ? 2 ** this.pgdBits : this.ptes;
    return Math.floor(vpfn / 2 ** (this.shiftOf(lvl) - 12)) % n;
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
  /** paddr_to_iopte for a page number: [lo, hi] of the address field. */
  private fieldOf(pfn: number): [number, number] {
    const f = this.gPages < 16 ? pfn : (pfn % TWO36) + Math.floor(pfn / TWO36);
    return [(f % TWO20) * 4096, Math.floor(f / TWO20)];
  }
  private isLeaf(lvl: number, lo: number): boolean {
    return lvl === 3 ? (lo & 3) === TYPE_TABLE : (lo & 3) === TYPE_BLOCK;
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
    return { pfn, pages, n: this.ptes };
  }
  private allocTable(): ArmTable | undefined {
    const pages = this.store.allocContig(this.gPages);
    if (!pages) return undefined;
    const t = { pfn: pages[0]!.pfn, pages, n: this.ptes };
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
    if (this.stage === 1) {
      f.push(`AttrIndx=${(lo >>> 2) & 7}`);
      if (lo & PTE_NS) f.push('NS');
      if (lo & AP_UNPRIV) f.push('AP-EL0');
      f.push(lo & AP_RDONLY ? 'RO' : 'RW');
      if (lo & PTE_NG) f.push('nG');
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
    if (iova < 0n || iova >> BigInt(this.ias) !== 0n) return undefined;
    return Number(iova >> 12n);
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

  /** arm_lpae_prot_to_pte */
  private protBits(prot: number): [number, number] {
    let lo: number;
    if (this.stage === 1) {
      lo = PTE_NG;
      if (!(prot & IOMMU_WRITE) && prot & IOMMU_READ) lo |= AP_RDONLY;
      if (!(prot & IOMMU_PRIV)) lo |= AP_UNPRIV;
      if (prot & IOMMU_MMIO) lo |= 2 << 2;
      else if (prot & IOMMU_CACHE) lo |= 1 << 2;
    } else {
      lo = (prot & IOMMU_READ ? AP_UNPRIV : 0) | (prot & IOMMU_WRITE ? AP_RDONLY : 0);
      lo |= prot & IOMMU_MMIO ? 0x1 << 2 : prot & IOMMU_CACHE ? 0xf << 2 : 0x5 << 2;
    }
    lo |= prot & IOMMU_CACHE ? SH_IS : SH_OS;
    if (this.ns) lo |= PTE_NS;
    lo |= PTE_AF;
    return [lo, prot & IOMMU_NOEXEC ? XN_HI : 0];
  }

  /** arm_lpae_map_pages: maps at most to the end of the current leaf table (the caller loops). */
  mapPages(iova: bigint, paddr: bigint, pgsize: bigint, pgcount: number, prot: number): MapResult {
    if (this.freed) return { errno: 'EFAULT', mapped: 0n };
    if (pgsize <= 0n || (pgsize & this.pgsizeBitmap) !== pgsize || (pgsize & (pgsize - 1n)) !== 0n) {
      this.log.push(`WARNING: at ${ARM_FILE}:arm_lpae_map_pages`);
      return { errno: 'EINVAL', mapped: 0n };
    }
    if (iova < 0n || iova >> BigInt(this.ias) !== 0n || paddr < 0n || paddr >> BigInt(this.oas) !== 0n) {
      this.log.push(`WARNING: at ${ARM_FILE}:arm_lpae_map_pages`);
      return { errno: 'ERANGE', mapped: 0n };
    }
    if (!(prot & (IOMMU_READ | IOMMU_WRITE))) {
      return this.profile.armNoPermMap === 'noop' ? { mapped: 0n } : { errno: 'EINVAL', mapped: 0n };
    }
    if (!Number.isInteger(pgcount) || pgcount < 1) return { errno: 'EINVAL', mapped: 0n };
    const [aLo, aHi] = this.protBits(prot);
    splitAddr(iova, this.sp);
    const va = this.sp.pfn;
    splitAddr(paddr, this.s2);
    const pa = this.s2.pfn;
    const size = Number(pgsize);
    let t = this.top;
    for (let lvl = this.startLevel; ; lvl++) {
      const i = this.idx(lvl, va);
      if (2 ** this.shiftOf(lvl) === size) {
        const num = Math.min(pgcount, this.ptes - (i & (this.ptes - 1))); // arm_lpae_max_entries
        const err = this.initPte(t, i, num, lvl, va, pa, aLo, aHi);
        return err ? { errno: err, mapped: 0n } : { mapped: BigInt(num) * pgsize };
      }
      if (lvl >= 3) {
        this.log.push(`WARNING: at ${ARM_FILE}:__arm_lpae_map`);
        return { errno: 'EINVAL', mapped: 0n };
      }
      const lo = this.lo(t, i);
      const hi = this.hi(t, i);
      if (lo === 0 && hi === 0) {
        const nt = this.allocTable();
        if (!nt) return { errno: 'ENOMEM', mapped: 0n };
        const [flo, fhi] = this.fieldOf(nt.pfn);
        this.wr(t, i, flo | TYPE_TABLE, fhi | (this.ns ? NSTABLE_HI : 0)); // arm_lpae_install_table
        t = nt;
        continue;
      }
      if (this.isLeaf(lvl, lo)) {
        this.warn('__arm_lpae_map');
        return { errno: 'EEXIST', mapped: 0n };
      }
      const c = this.deref(lo, hi);
      if (!c) return { errno: 'EFAULT', mapped: 0n };
      t = c;
    }
  }

  /** arm_lpae_init_pte: EEXIST on any leaf in the run; tables in the way are unmapped and freed first. */
  private initPte(t: ArmTable, i0: number, num: number, lvl: number, va: number, pa: number, aLo: number, aHi: number): 'EEXIST' | 'EINVAL' | undefined {
    const pages = 2 ** (this.shiftOf(lvl) - 12);
    for (let j = 0; j < num; j++) {
      const lo = this.lo(t, i0 + j);
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
    const type = lvl === 3 ? TYPE_TABLE : TYPE_BLOCK;
    for (let j = 0; j < num; j++) {
      const [flo, fhi] = this.fieldOf(pa + j * pages);
      this.wr(t, i0 + j, (flo | aLo | type) >>> 0, (fhi | aHi) >>> 0);
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
    if (iova < 0n || iova >> BigInt(this.ias) !== 0n) {
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
    const c = this.deref(lo, hi);
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
    const type = lvl === 3 ? TYPE_TABLE : TYPE_BLOCK;
    for (let j = 0; j < this.ptes; j++, blkPfn += splitPages) {
      if (j >= start && j < start + num) continue;
      const [flo, fhi] = this.fieldOf(blkPfn);
      this.wr(nt, j, (flo | aLo | type) >>> 0, (fhi | aHi) >>> 0);
    }
    const [tlo, thi] = this.fieldOf(nt.pfn);
    this.wr(pt, pi, tlo | TYPE_TABLE, thi | (this.ns ? NSTABLE_HI : 0));
    if (start >= 0) {
      for (let j = 0; j < num; j++) this.addPage(gather, pfnAddr(va + j * (size / 4096)), BigInt(size));
      return num * size;
    }
    return this.unmapLevel(gather, va, size, pgcount, lvl, nt);
  }

  // ---- lookups -----------------------------------------------------------------------------

  /** arm_lpae_iova_to_phys */
  iovaToPhys(iova: bigint): bigint {
    if (this.freed || iova < 0n || iova >> BigInt(this.ias) !== 0n) return 0n;
    splitAddr(iova, this.sp);
    const { pfn, off } = this.sp;
    let t: ArmTable | undefined = this.top;
    for (let lvl = this.startLevel; lvl <= 3 && t; lvl++) {
      const i = this.idx(lvl, pfn);
      const lo = this.lo(t, i);
      const hi = this.hi(t, i);
      if (lo === 0 && hi === 0) return 0n;
      if (this.isLeaf(lvl, lo)) {
        const pages = 2 ** (this.shiftOf(lvl) - 12);
        return pfnAddr(this.paddrPfn(lo, hi) + (pfn % pages), off);
      }
      t = this.deref(lo, hi);
    }
    return 0n;
  }

  /** What the SMMU does: translation faults for invalid descriptors, then permission checks on the leaf. */
  override walk(iova: bigint, access: 'read' | 'write'): WalkResult {
    const raw: number[] = [];
    if (this.freed) return new WalkFail(raw, 'not-present', this.startLevel);
    if (this.vpfnOfIova(iova) === undefined) return new WalkFail(raw, 'beyond-address-width', this.startLevel);
    splitAddr(iova, this.sp);
    const { pfn, off } = this.sp;
    const write = access === 'write';
    let t: ArmTable = this.top;
    for (let lvl = this.startLevel; ; lvl++) {
      const i = this.idx(lvl, pfn);
      const lo = this.lo(t, i);
      const hi = this.hi(t, i);
      raw.push(lvl, i, t.pfn, lo, hi);
      const type = lo & 3;
      if ((type & 1) === 0) return new WalkFail(raw, 'not-present', lvl);
      const blockOk = lvl === 3 ? type === TYPE_TABLE : type === TYPE_BLOCK && (this.pgsizeBitmap & (1n << BigInt(this.shiftOf(lvl)))) !== 0n;
      if (lvl === 3 || type === TYPE_BLOCK) {
        if (!blockOk) return new WalkFail(raw, 'not-present', lvl);
        if (!(lo & PTE_AF)) return new WalkFail(raw, 'not-present', lvl); // access flag fault
        if (this.stage === 1) {
          if (write && lo & AP_RDONLY) return new WalkFail(raw, 'no-write', lvl);
          if (!(lo & AP_UNPRIV)) return new WalkFail(raw, 'user-priv', lvl);
        } else {
          if (write ? !(lo & AP_RDONLY) : !(lo & AP_UNPRIV)) return new WalkFail(raw, write ? 'no-write' : 'no-read', lvl);
        }
        const shift = this.shiftOf(lvl);
        return new WalkOk(raw, lvl, this.paddrPfn(lo, hi) + (pfn % 2 ** (shift - 12)), off, shift);
      }
      const c = this.deref(lo, hi);
      if (!c) return new WalkFail(raw, 'reserved-bits', lvl);
      t = c;
    }
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
    this.visitTable(this.top, this.startLevel, 0, (t, i, lvl, lo, hi, vpfn) => {
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
    this.visitTable(this.top, this.startLevel, 0, (t, i, lvl, lo, hi, vpfn) => {
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
