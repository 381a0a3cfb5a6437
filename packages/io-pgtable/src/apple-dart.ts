import { KIND_LEAF, KIND_NONE, KIND_TABLE, PageTableBase, noDirtyOps } from './base.js';
import type { DirtyResult } from './dirty.js';
import { PgtableError } from './errors.js';
import type { IotlbGather } from './gather.js';
import { TWO32, ctz, newSplit, pfnAddr, splitAddr, u64 } from './num.js';
import { IOMMU_CACHE, IOMMU_READ, IOMMU_WRITE } from './prot.js';
import type { TablePage } from './table-store.js';
import type { MapResult, PageTableConfig, PteDumpRow, WalkFault, WalkResult } from './types.js';
import { WalkFail, WalkOk } from './walk-result.js';

const DART_FILE = 'drivers/iommu/io-pgtable-dart.c';
const VALID = 1;
const DART1_SP_DIS = 1 << 1;
const DART1_NO_WRITE = 1 << 7;
const DART1_NO_READ = 1 << 8;
const DART2_NO_CACHE = 1 << 1;
const DART2_NO_WRITE = 1 << 2;
const DART2_NO_READ = 1 << 3;
const SUBPAGE_END_HI = 0xfff << 8; // bits 51:40 = 0xfff ("always allow access to the entire page")

export interface AppleDartOptions {
  dart2: boolean;
  granule: 4096 | 16384;
  ias: number;
  oas: number;
}

/** cfg->apple_dart_cfg: the top-level tables the driver programs into the DART's TTBRs. */
export interface AppleDartRegisters {
  ttbr: bigint[];
  nTtbrs: number;
  /** Translation levels including the TTBR selection (apple_dart_cfg.n_levels, ≥ 6.18; reported for every release). */
  nLevels: number;
}

interface DartTable {
  pfn: number;
  pages: TablePage[];
}

/** dart_alloc_pgtable: table levels below the TTBR choice and the TTBR index bits. */
function dartGeometry(o: AppleDartOptions, mode: 'two' | 'multi'): { bpl: number; levels: number; tblBits: number } {
  const pgShift = ctz(o.granule);
  const bpl = pgShift - 3;
  const vaBits = o.ias - pgShift;
  if (mode === 'two') {
    const tblBits = Math.max(0, vaBits - 2 * bpl);
    if (2 ** tblBits > 4) throw new PgtableError('PGTABLE_BAD_CONFIG', `apple-dart: ias ${o.ias} needs ${2 ** tblBits} top-level tables (at most 4 with two levels)`);
    return { bpl, levels: 2, tblBits };
  }
  // "Old 4K page DARTs can use up to 4 top-level tables. Newer ones only ever use a maximum of 1."
  const maxTblBits = o.granule === 4096 ? 2 : 0;
  const levels = Math.max(2, Math.ceil((vaBits - maxTblBits) / bpl));
  if (levels > 3) throw new PgtableError('PGTABLE_BAD_CONFIG', `apple-dart: ias ${o.ias} needs ${levels} table levels (at most 3)`);
  const tblBits = Math.max(0, vaBits - bpl * levels);
  if (tblBits > maxTblBits) throw new PgtableError('PGTABLE_BAD_CONFIG', `apple-dart: ias ${o.ias} needs ${2 ** tblBits} top-level tables`);
  return { bpl, levels, tblBits };
}

/**
 * Apple DART / DART2 tables, drivers/iommu/io-pgtable-dart.c: `apple_dart_alloc_pgtable`,
 * `dart_alloc_pgtable` (TTBR count and levels, per profile), `dart_map_pages` (one leaf table per
 * call, EEXIST on a valid entry), `dart_unmap_pages` (stops at a hole, never frees tables),
 * `dart_iova_to_phys`, `dart_prot_to_pte`, `dart_init_pte`, `apple_dart_free_pgtable`. Only
 * granule-sized leaves. Levels: 1 = leaf table … `levels` = the tables the TTBRs point at.
 */
export class AppleDartTable extends PageTableBase {
  protected override readonly countsFromDump = true;
  readonly registers: AppleDartRegisters;
  readonly granule: number;
  private readonly dart2: boolean;
  private readonly bpl: number;
  private readonly pgShift: number;
  private readonly tblBits: number;
  private readonly multi: boolean;
  private readonly ttbrTables: DartTable[] = [];
  private readonly tables = new Map<number, DartTable>();
  private readonly gPages: number;
  private readonly ds = newSplit();

  constructor(cfg: PageTableConfig, o: AppleDartOptions) {
    const g = dartGeometry(o, cfg.profile.dartLevels);
    super(cfg, {
      format: o.dart2 ? 'apple-dart2' : 'apple-dart',
      implementation: 'io-pgtable-dart.c',
      levels: g.levels,
      ias: o.ias,
      oas: o.oas,
      pgsizeBitmap: BigInt(o.granule),
      rootPages: o.granule / 4096,
    });
    this.dart2 = o.dart2;
    this.granule = o.granule;
    this.bpl = g.bpl;
    this.pgShift = g.bpl + 3;
    this.tblBits = g.tblBits;
    this.multi = cfg.profile.dartLevels === 'multi';
    this.gPages = o.granule / 4096;
    const first = { pfn: this.root.pfn, pages: this.rootPages };
    this.ttbrTables.push(first);
    this.tables.set(first.pfn, first);
    for (let i = 1; i < 2 ** g.tblBits; i++) {
      const t = this.allocTable();
      if (!t) {
        for (const p of [...this.store.byPfn.values()]) this.store.free(p);
        throw new PgtableError('PGTABLE_NO_MEMORY', 'apple-dart: no free memory for the top-level tables');
      }
      this.ttbrTables.push(t);
    }
    this.registers = { ttbr: this.ttbrTables.map((t) => pfnAddr(t.pfn)), nTtbrs: 2 ** g.tblBits, nLevels: g.levels + 1 };
  }

  // ---- entries -------------------------------------------------------------------------------

  private lo(t: DartTable, i: number): number {
    return t.pages[i >> 9]!.v[2 * (i & 511)]!;
  }
  private hi(t: DartTable, i: number): number {
    return t.pages[i >> 9]!.v[2 * (i & 511) + 1]!;
  }
  private wr(t: DartTable, i: number, lo: number, hi: number): void {
    const v = t.pages[i >> 9]!.v;
    v[2 * (i & 511)] = lo;
    v[2 * (i & 511) + 1] = hi;
  }
  /** paddr_to_iopte as [lo, hi]: DART1 PA[35:12] in place, DART2 PA >> 4 in bits 37:10. */
  private field(pa: number): [number, number] {
    if (!this.dart2) return [(pa & 0xfffff000) >>> 0, Math.floor(pa / TWO32) & 0xf];
    const v = Math.floor(pa / 16);
    return [(v & 0xfffffc00) >>> 0, Math.floor(v / TWO32) & 0x3f];
  }
  /** iopte_to_paddr */
  private paOf(lo: number, hi: number): number {
    if (!this.dart2) return (hi & 0xf) * TWO32 + ((lo & 0xfffff000) >>> 0);
    return ((hi & 0x3f) * TWO32 + ((lo & 0xfffffc00) >>> 0)) * 16;
  }
  private allocTable(): DartTable | undefined {
    const pages = this.store.allocContig(this.gPages);
    if (!pages) return undefined;
    const t = { pfn: pages[0]!.pfn, pages };
    this.tables.set(t.pfn, t);
    return t;
  }
  /** iopte_deref: a known table, or a raw view of the memory the entry names. */
  private deref(lo: number, hi: number): DartTable | undefined {
    const pfn = Math.floor(this.paOf(lo, hi) / 4096);
    const t = this.tables.get(pfn);
    if (t) return t;
    const pages: TablePage[] = [];
    for (let p = pfn; p < pfn + this.gPages; p++) {
      if (!this.store.isRam(p)) return undefined;
      pages.push(this.store.rawView(p));
    }
    return { pfn, pages };
  }
  /** dart_get_index as a function of the 4K page number (exact for 64-bit IOVAs). */
  private index(vpfn: number, level: number): number {
    return Math.floor(vpfn / 2 ** (level * this.bpl + 3 - 12)) % 2 ** this.bpl;
  }
  /**
   * The TTBR an IOVA selects: two-level code masks with the TTBR bits (an IOVA beyond ias aliases);
   * the multi-level code takes bpl bits and refuses an index past the last TTBR (FLAG: the `>=` of
   * the fixed check, the first version compared with `>`).
   */
  private ttbrOf(vpfn: number): DartTable | undefined {
    const raw = this.index(vpfn, this.levels + 1);
    const tbl = this.multi ? raw : raw % 2 ** this.tblBits;
    return tbl < this.ttbrTables.length ? this.ttbrTables[tbl] : undefined;
  }
  /** dart_get_last / dart_get_l2: the leaf table of an IOVA, if every table on the way exists. */
  private leafTable(vpfn: number): DartTable | undefined {
    let t = this.ttbrOf(vpfn);
    for (let level = this.levels; t && level > 1; level--) {
      const i = this.index(vpfn, level);
      const lo = this.lo(t, i);
      const hi = this.hi(t, i);
      if (lo === 0 && hi === 0) return undefined;
      t = this.deref(lo, hi);
    }
    return t;
  }
  private warn(fn: string): void {
    this.log.push(`WARNING: at ${DART_FILE}:${fn}`);
  }

  // ---- map / unmap ---------------------------------------------------------------------------

  /** dart_prot_to_pte (+ the SP_DIS bit dart_init_pte set on every leaf before the 2025 fix). */
  private protLo(prot: number): number {
    let lo = VALID;
    if (!this.dart2) {
      lo |= DART1_SP_DIS;
      if (!(prot & IOMMU_WRITE)) lo |= DART1_NO_WRITE;
      if (!(prot & IOMMU_READ)) lo |= DART1_NO_READ;
    } else {
      if (!(prot & IOMMU_WRITE)) lo |= DART2_NO_WRITE;
      if (!(prot & IOMMU_READ)) lo |= DART2_NO_READ;
      if (!(prot & IOMMU_CACHE)) lo |= DART2_NO_CACHE;
      if (this.profile.dartSpDisOnDart2) lo |= DART1_SP_DIS;
    }
    return lo;
  }

  /** dart_map_pages: at most to the end of one leaf table (the caller loops on `mapped`). */
  mapPages(iova: bigint, paddr: bigint, pgsize: bigint, pgcount: number, prot: number): MapResult {
    if (this.freed) return { errno: 'EFAULT', mapped: 0n };
    if (pgsize !== BigInt(this.granule)) {
      this.warn('dart_map_pages');
      return { errno: 'EINVAL', mapped: 0n };
    }
    if (paddr < 0n || paddr >> BigInt(this.oas) !== 0n) {
      this.warn('dart_map_pages');
      return { errno: 'ERANGE', mapped: 0n };
    }
    if (!(prot & (IOMMU_READ | IOMMU_WRITE))) {
      return this.profile.armNoPermMap === 'noop' ? { mapped: 0n } : { errno: 'EINVAL', mapped: 0n };
    }
    if (!Number.isInteger(pgcount) || pgcount < 0) return { errno: 'EINVAL', mapped: 0n };
    splitAddr(iova, this.ds);
    const vpfn = this.ds.pfn;
    let t = this.ttbrOf(vpfn);
    if (!t) return { errno: 'ENOMEM', mapped: 0n };
    for (let level = this.levels; level > 1; level--) {
      const i = this.index(vpfn, level);
      if (this.lo(t, i) === 0 && this.hi(t, i) === 0) {
        const nt = this.allocTable();
        if (!nt) return { errno: 'ENOMEM', mapped: 0n };
        const [flo, fhi] = this.field(nt.pfn * 4096);
        this.wr(t, i, flo | VALID, fhi); // dart_install_table
      }
      const next: DartTable | undefined = this.deref(this.lo(t, i), this.hi(t, i));
      if (!next) return { errno: 'EFAULT', mapped: 0n };
      t = next;
    }
    const n = 2 ** this.bpl;
    const i0 = this.index(vpfn, 1);
    const num = Math.min(pgcount, n - i0);
    // dart_init_pte
    for (let j = 0; j < num; j++) {
      if (this.lo(t, i0 + j) & VALID) {
        this.warn('dart_init_pte');
        return { errno: 'EEXIST', mapped: 0n };
      }
    }
    const aLo = this.protLo(prot);
    const pa = Number(paddr);
    for (let j = 0; j < num; j++) {
      const [flo, fhi] = this.field(pa + j * this.granule);
      this.wr(t, i0 + j, (flo | aLo) >>> 0, (fhi | SUBPAGE_END_HI) >>> 0);
    }
    return { mapped: BigInt(num * this.granule) };
  }

  /** dart_unmap_pages: clears up to the end of the leaf table, stopping (WARN) at an empty entry. */
  unmapPages(iova: bigint, pgsize: bigint, pgcount: number, gather?: IotlbGather): bigint {
    if (this.freed) return 0n;
    if (pgsize !== BigInt(this.granule) || !Number.isInteger(pgcount) || pgcount < 1) {
      this.warn('dart_unmap_pages');
      return 0n;
    }
    splitAddr(iova, this.ds);
    const vpfn = this.ds.pfn;
    const t = this.leafTable(vpfn);
    if (!t) {
      this.warn('dart_unmap_pages');
      return 0n;
    }
    const i0 = this.index(vpfn, 1);
    const num = Math.min(pgcount, 2 ** this.bpl - i0);
    let i = 0;
    for (; i < num; i++) {
      if (this.lo(t, i0 + i) === 0 && this.hi(t, i0 + i) === 0) {
        this.warn('dart_unmap_pages');
        break;
      }
      this.wr(t, i0 + i, 0, 0);
      if (gather?.queued) continue;
      const at = iova + BigInt(i * this.granule);
      if (gather) this.evAddPage(gather, at, BigInt(this.granule));
      else this.events.push({ kind: 'add-page', iova: at, granule: BigInt(this.granule) });
    }
    return BigInt(i * this.granule);
  }

  /** io-pgtable-dart.c has no read_and_clear_dirty: DART has no dirty bit. */
  readAndClearDirty(): DirtyResult {
    return noDirtyOps();
  }

  /** dart_iova_to_phys: any non-zero leaf translates. */
  iovaToPhys(iova: bigint): bigint {
    if (this.freed) return 0n;
    splitAddr(iova, this.ds);
    const { pfn, off } = this.ds;
    const t = this.leafTable(pfn);
    if (!t) return 0n;
    const i = this.index(pfn, 1);
    const lo = this.lo(t, i);
    const hi = this.hi(t, i);
    if (lo === 0 && hi === 0) return 0n;
    const pa = this.paOf(lo, hi) + (pfn % this.gPages) * 4096 + off;
    return pfnAddr(Math.floor(pa / 4096), pa % 4096);
  }

  // ---- hardware walk, dumps ------------------------------------------------------------------

  /**
   * What the DART does: VALID at every level, then NO_READ / NO_WRITE, then sub-page protection
   * (the [start, end] fields in 1/4096ths of a page; DART1 skips it when SP_DIS is set — FLAG:
   * from the Asahi documentation of the PTE, not from kernel code).
   */
  override walk(iova: bigint, access: 'read' | 'write'): WalkResult {
    const raw: number[] = [];
    if (this.freed) return new WalkFail(raw, 'not-present', this.levels);
    if (BigInt.asUintN(64, iova) >> BigInt(this.ias) !== 0n) return new WalkFail(raw, 'beyond-address-width', this.levels);
    splitAddr(iova, this.ds);
    const { pfn, off } = this.ds;
    let t = this.ttbrOf(pfn);
    if (!t) return new WalkFail(raw, 'beyond-address-width', this.levels);
    for (let level = this.levels; ; level--) {
      const i = this.index(pfn, level);
      const lo = this.lo(t, i);
      const hi = this.hi(t, i);
      raw.push(level, i, t.pfn, lo, hi);
      if (!(lo & VALID)) return new WalkFail(raw, 'not-present', level);
      if (level > 1) {
        const next = this.deref(lo, hi);
        if (!next) return new WalkFail(raw, 'reserved-bits', level);
        t = next;
        continue;
      }
      const write = access === 'write';
      const noR = this.dart2 ? DART2_NO_READ : DART1_NO_READ;
      const noW = this.dart2 ? DART2_NO_WRITE : DART1_NO_WRITE;
      if (write ? lo & noW : lo & noR) return new WalkFail(raw, write ? 'no-write' : 'no-read', 1);
      if (this.dart2 || !(lo & DART1_SP_DIS)) {
        const sub = Math.floor((((pfn % this.gPages) * 4096 + off) * 4096) / this.granule);
        if (sub < hi >>> 20 || sub > ((hi >>> 8) & 0xfff)) return new WalkFail(raw, write ? 'no-write' : 'no-read', 1);
      }
      const pa = this.paOf(lo, hi) + (pfn % this.gPages) * 4096;
      return new WalkOk(raw, 1, Math.floor(pa / 4096), off, this.pgShift);
    }
  }

  override readEntry(level: number, iova: bigint): { pa: bigint; value: bigint } | undefined {
    if (this.freed || level < 1 || level > this.levels) return undefined;
    splitAddr(iova, this.ds);
    const vpfn = this.ds.pfn;
    let t = this.ttbrOf(vpfn);
    for (let l = this.levels; t; l--) {
      const i = this.index(vpfn, l);
      const lo = this.lo(t, i);
      const hi = this.hi(t, i);
      if (l === level) return { pa: pfnAddr(t.pfn) + BigInt(i * 8), value: u64(lo, hi) };
      if (lo === 0 && hi === 0) return undefined;
      t = this.tables.get(Math.floor(this.paOf(lo, hi) / 4096));
    }
    return undefined;
  }

  override dump(): PteDumpRow[] {
    const rows: PteDumpRow[] = [];
    if (this.freed) return rows;
    const n = 2 ** this.bpl;
    const visit = (t: DartTable, level: number, base: number): void => {
      const per = 2 ** (this.pgShift + (level - 1) * this.bpl - 12);
      for (let i = 0; i < n; i++) {
        const lo = this.lo(t, i);
        const hi = this.hi(t, i);
        if (lo === 0 && hi === 0) continue;
        const vpfn = base + i * per;
        rows.push({
          level,
          index: i,
          tablePa: pfnAddr(t.pfn),
          entryPa: pfnAddr(t.pfn) + BigInt(i * 8),
          value: u64(lo, hi),
          kind: level > 1 ? 'table' : 'leaf',
          iova: pfnAddr(vpfn),
          size: 1n << BigInt(this.pgShift + (level - 1) * this.bpl),
          oa: pfnAddr(Math.floor(this.paOf(lo, hi) / 4096)),
          flags: this.flagsOf(level - 1, lo, hi),
        });
        if (level > 1) {
          const c = this.tables.get(Math.floor(this.paOf(lo, hi) / 4096));
          if (c) visit(c, level - 1, vpfn);
        }
      }
    };
    const span = 2 ** (this.pgShift + this.levels * this.bpl - 12);
    this.ttbrTables.forEach((t, tbl) => {
      visit(t, this.levels, tbl * span);
    });
    return rows;
  }


  // ---- base hooks (internal level k = level - 1) ---------------------------------------------

  publicLevel(k: number): number {
    return k + 1;
  }
  itemShift(k: number): number {
    return this.pgShift + k * this.bpl;
  }
  leafShiftOf(): number {
    return this.pgShift;
  }
  indexOf(k: number, vpfn: number): number {
    return this.index(vpfn, k + 1);
  }
  kindOf(k: number, lo: number, hi: number): number {
    if (lo === 0 && hi === 0) return KIND_NONE;
    return k === 0 ? KIND_LEAF : KIND_TABLE;
  }
  oaPfnOf(_k: number, lo: number, hi: number): number {
    return Math.floor(this.paOf(lo, hi) / 4096);
  }
  flagsOf(k: number, lo: number, hi: number): string[] {
    const f: string[] = [lo & VALID ? 'VALID' : 'INVALID'];
    if (k > 0) return ['TABLE', ...f];
    if (this.dart2) {
      if (lo & DART2_NO_CACHE) f.push('NO_CACHE');
      if (lo & DART2_NO_READ) f.push('NO_READ');
      if (lo & DART2_NO_WRITE) f.push('NO_WRITE');
    } else {
      if (lo & DART1_SP_DIS) f.push('SP_DIS');
      if (lo & DART1_NO_READ) f.push('NO_READ');
      if (lo & DART1_NO_WRITE) f.push('NO_WRITE');
    }
    f.push(`SP=${(hi >>> 20).toString(16)}-${((hi >>> 8) & 0xfff).toString(16)}`);
    return f;
  }
  vpfnOfIova(iova: bigint): number | undefined {
    return iova < 0n || iova >> BigInt(this.ias) !== 0n ? undefined : Number(iova >> 12n);
  }
  protected hwStart(iova: bigint): WalkFault | null {
    return this.vpfnOfIova(iova) === undefined ? 'beyond-address-width' : null;
  }
  protected hwCheck(): WalkFault | null {
    return null;
  }
  protected hwIsLeaf(k: number): boolean {
    return k === 0;
  }
}
