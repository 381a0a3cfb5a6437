import type { DirtyResult } from './dirty.js';
import { PgtableError } from './errors.js';
import type { IotlbGather, TlbEvent } from './gather.js';
import { hex, newSplit, pfnAddr, splitAddr, u64 } from './num.js';
import type { PgtableProfile } from './profile.js';
import { TableStore } from './table-store.js';
import type { TablePage } from './table-store.js';
import type {
  Errno,
  IoPageTable,
  MapResult,
  PageTableConfig,
  PageTableStats,
  PteDumpRow,
  WalkFault,
  WalkResult,
} from './types.js';
import { WalkFail, WalkOk } from './walk-result.js';

/** What `read_and_clear_dirty` gives where the io_pgtable_ops / format has none. */
export function noDirtyOps(): DirtyResult {
  return { errno: 'EOPNOTSUPP', dirty: [] };
}

/** Entry kinds as the software (kernel) sees them. */
export const KIND_NONE = 0;
export const KIND_TABLE = 1;
export const KIND_LEAF = 2;

export interface GeometryInfo {
  format: string;
  implementation: string;
  /** Number of levels; internally level k = 0 holds the smallest pages, k = levels-1 is the top. */
  levels: number;
  ias: number;
  oas: number;
  pgsizeBitmap: bigint;
  /** Contiguous pages of the top table (Arm concatenated or large-granule pgds). Default 1. */
  rootPages?: number;
}

/**
 * Shared machinery of every format: table pages in PhysMem, the log, TLB events in
 * order, gather freelists, stats, dumps and the hardware walk skeleton. Formats
 * supply entry decoding through the abstract hooks (internal level k: 0 = leaf).
 */
export abstract class PageTableBase implements IoPageTable {
  readonly format: string;
  readonly implementation: string;
  levels: number;
  readonly ias: number;
  readonly oas: number;
  pgsizeBitmap: bigint;
  readonly log: string[] = [];
  readonly events: TlbEvent[] = [];
  protected readonly store: TableStore;
  protected readonly profile: PgtableProfile;
  protected root: TablePage;
  /** All pages of the top table (more than one for Arm concatenated / 16K / 64K pgds). */
  protected rootPages: TablePage[];
  protected freed = false;
  /** Tables unlinked by an unmap and parked on a gather until its sync. */
  protected readonly pending = new Set<number>();
  protected readonly sp = newSplit();
  /** Page numbers below this are valid, linear IOVAs for the hardware walk (skips BigInt checks). */
  protected hwFastPfn = 0;
  /** Hex digits of one entry in `formatDump` (8 for the 32-bit Arm v7s descriptors). */
  protected entryHexDigits = 16;
  /**
   * Low-half bits the IOMMU sets on a walk while dirty tracking is on: `hwAccessBit` in every entry
   * the translation uses, `hwDirtyBit` in the leaf of a write (VT-d SSADE A/D, AMD DTE.HAD A/D). 0 = off.
   */
  protected hwAccessBit = 0;
  protected hwDirtyBit = 0;

  constructor(
    protected readonly cfg: PageTableConfig,
    geo: GeometryInfo,
  ) {
    this.format = geo.format;
    this.implementation = geo.implementation;
    this.levels = geo.levels;
    this.ias = geo.ias;
    this.oas = geo.oas;
    this.pgsizeBitmap = geo.pgsizeBitmap;
    this.profile = cfg.profile;
    this.store = new TableStore(cfg.mem, cfg.pages, cfg.tableAlloc);
    const roots = this.store.allocContig(geo.rootPages ?? 1);
    if (roots === undefined) throw new PgtableError('PGTABLE_NO_MEMORY', `${geo.format}: no free memory for the top-level table`);
    this.rootPages = roots;
    this.root = roots[0]!;
  }

  get rootPa(): bigint {
    return pfnAddr(this.root.pfn);
  }
  get topLevel(): number {
    return this.publicLevel(this.levels - 1);
  }
  get leafLevel(): number {
    return this.publicLevel(0);
  }

  // ---- format hooks -------------------------------------------------------------------------

  /** Kernel level number for internal level k. */
  abstract publicLevel(k: number): number;
  /** log2 of the bytes one entry at internal level k covers. */
  abstract itemShift(k: number): number;
  /** Index of the entry for a linear page number at level k. */
  abstract indexOf(k: number, vpfn: number): number;
  /** How the page-table code reads an entry. */
  abstract kindOf(k: number, lo: number, hi: number): number;
  /** Next-table pfn or output pfn (start of the whole leaf for replicated entries). */
  abstract oaPfnOf(k: number, lo: number, hi: number): number;
  /** log2 size of the leaf an entry belongs to (bigger than itemShift for replicated/contiguous leaves). */
  abstract leafShiftOf(k: number, lo: number, hi: number): number;
  abstract flagsOf(k: number, lo: number, hi: number): string[];
  /** Linear page number → IOVA (formats with sign extension override). */
  iovaOfVpfn(vpfn: number): bigint {
    return pfnAddr(vpfn);
  }
  /** IOVA → linear page number for software lookups, or undefined when outside the table. */
  abstract vpfnOfIova(iova: bigint): number | undefined;
  /** Hardware translation checks. */
  protected abstract hwStart(iova: bigint): WalkFault | null;
  protected abstract hwCheck(k: number, lo: number, hi: number, write: boolean): WalkFault | null;
  protected abstract hwIsLeaf(k: number, lo: number, hi: number): boolean;

  abstract mapPages(iova: bigint, paddr: bigint, pgsize: bigint, pgcount: number, prot: number): MapResult;
  abstract unmapPages(iova: bigint, pgsize: bigint, pgcount: number, gather?: IotlbGather): bigint;
  abstract iovaToPhys(iova: bigint): bigint;

  // ---- dirty tracking ----------------------------------------------------------------------

  /** The format's hardware access and dirty bits (low half), or undefined when it has no dirty tracking. */
  protected adBits(): { a: number; d: number } | undefined {
    return undefined;
  }

  get dirtyTracking(): boolean {
    return this.hwDirtyBit !== 0;
  }

  setDirtyTracking(enable: boolean): Errno | undefined {
    const bits = this.adBits();
    if (!bits) return 'EOPNOTSUPP';
    this.hwAccessBit = enable ? bits.a : 0;
    this.hwDirtyBit = enable ? bits.d : 0;
    return undefined;
  }

  /**
   * What the legacy drivers' read_and_clear_dirty refuses before walking (intel/iommu.c
   * intel_iommu_read_and_clear_dirty, amd/iommu.c amd_iommu_read_and_clear_dirty): no dirty
   * ops, a freed table, tracking off, or an empty/negative range (iommufd checks length 0).
   */
  protected legacyDirtyRefusal(iova: bigint, size: bigint): Errno | undefined {
    if (!this.adBits()) return 'EOPNOTSUPP';
    if (this.freed) return 'EFAULT';
    if (!this.dirtyTracking || size <= 0n || iova < 0n) return 'EINVAL';
    return undefined;
  }

  /** `read_and_clear_dirty`; formats without one return {@link NO_DIRTY_OPS}. */
  abstract readAndClearDirty(iova: bigint, size: bigint, flags?: number, gather?: IotlbGather): DirtyResult;

  // ---- events ------------------------------------------------------------------------------

  protected evFlushAll(): void {
    this.events.push({ kind: 'flush-all' });
    this.cfg.flush?.tlbFlushAll();
  }
  protected evFlushWalk(iova: bigint, size: bigint, granule: bigint): void {
    this.events.push({ kind: 'flush-walk', iova, size, granule });
    this.cfg.flush?.tlbFlushWalk(iova, size, granule);
  }
  /** tlb_add_page / iommu_iotlb_gather_add_page. Without FlushOps the gather just accumulates. */
  protected evAddPage(gather: IotlbGather, iova: bigint, granule: bigint): void {
    this.events.push({ kind: 'add-page', iova, granule });
    if (this.cfg.flush) this.cfg.flush.tlbAddPage(gather, iova, granule);
    else {
      gather.pgsize = granule;
      gather.addRange(iova, granule);
    }
  }
  protected evAddRange(gather: IotlbGather, iova: bigint, size: bigint): void {
    this.events.push({ kind: 'add-range', iova, size });
    gather.addRange(iova, size);
  }
  /** iommu_iotlb_sync issued by the page-table code: flush, free the gather's pages, re-init. */
  protected evSync(gather: IotlbGather): void {
    this.events.push({ kind: 'sync' });
    this.cfg.flush?.iotlbSync?.(gather);
    this.releaseGathered(gather);
    gather.reset();
  }

  /** Unlinked table → gather freelist (freed at the sync). */
  protected parkTable(gather: IotlbGather, t: TablePage): void {
    if (!t.isTable || !t.live || this.pending.has(t.pfn)) return;
    gather.freelist.push(t.pfn);
    this.pending.add(t.pfn);
  }

  releaseGathered(gather: IotlbGather): number {
    let n = 0;
    const keep: number[] = [];
    for (const pfn of gather.freelist) {
      if (!this.pending.has(pfn)) {
        keep.push(pfn);
        continue;
      }
      this.pending.delete(pfn);
      const t = this.store.table(pfn);
      if (t) {
        this.store.free(t);
        n++;
      }
    }
    gather.freelist = keep;
    return n;
  }

  /** free_io_pgtable_ops: tlb_flush_all first, then every table page (including parked ones). */
  free(): void {
    if (this.freed) return;
    this.evFlushAll();
    for (const t of [...this.store.byPfn.values()]) this.store.free(t);
    this.pending.clear();
    this.freed = true;
  }

  // ---- stats, dumps, raw entries ----------------------------------------------------------

  /**
   * True for the formats whose dump() walks tables the base walk does not know (DART, v7s):
   * stats and leafCount then count dump rows.
   */
  protected readonly countsFromDump: boolean = false;

  get stats(): PageTableStats {
    let leaves = 0;
    if (this.countsFromDump) {
      for (const r of this.dump()) if (r.kind === 'leaf') leaves++;
    } else if (!this.freed) {
      this.forEachEntry((_t, _i, k, lo, hi) => {
        if (this.kindOf(k, lo, hi) === KIND_LEAF) leaves++;
      });
    }
    return {
      tablePages: this.store.byPfn.size,
      tableAllocs: this.store.allocs,
      tableFrees: this.store.frees,
      leaves,
    };
  }

  /**
   * Distinct leaves, of every size (0n) or of `size` bytes only; a contiguous or replicated
   * leaf counts once (the rows of dump() with distinct iova), without building the rows.
   */
  leafCount(size = 0n): number {
    if (this.countsFromDump) return countLeafRows(this.dump(), size);
    if (this.freed) return 0;
    const want = size === 0n ? 0 : exactLog2(size);
    if (want < 0) return 0;
    let n = 0;
    let last = -1;
    this.forEachEntry((_t, _i, k, lo, hi, vpfn) => {
      if (this.kindOf(k, lo, hi) === KIND_TABLE) return;
      const shift = this.leafShiftOf(k, lo, hi);
      if (want !== 0 && shift !== want) return;
      // Entries come in iova order, so the slots of one replicated leaf are adjacent.
      const start = vpfn - (vpfn % 2 ** (shift - 12));
      if (start === last) return;
      last = start;
      n++;
    });
    return n;
  }

  /** Top-level table page for an index at the top level (ARM concatenated pgds override). */
  protected topPage: (idx: number) => TablePage = () => this.root;
  protected topIndexSpan(): number {
    return 512;
  }

  /** Visits present entries depth-first in index order, descending only into known tables. */
  protected forEachEntry(fn: (t: TablePage, idx: number, k: number, lo: number, hi: number, vpfn: number) => void): void {
    const top = this.levels - 1;
    const span = this.topIndexSpan();
    for (let gi = 0; gi < span; gi++) {
      const t = this.topPage(gi);
      this.visit(t, gi & 511, top, gi * this.pagesPerItem(top), fn);
    }
  }

  private visit(
    t: TablePage,
    i: number,
    k: number,
    vpfn: number,
    fn: (t: TablePage, idx: number, k: number, lo: number, hi: number, vpfn: number) => void,
  ): void {
    const lo = t.v[2 * i]!;
    const hi = t.v[2 * i + 1]!;
    const kind = this.kindOf(k, lo, hi);
    if (kind === KIND_NONE) return;
    fn(t, i, k, lo, hi, vpfn);
    if (kind !== KIND_TABLE || k === 0) return;
    const child = this.store.table(this.oaPfnOf(k, lo, hi));
    if (!child) return;
    const per = this.pagesPerItem(k - 1);
    const n = this.entriesAt(k - 1);
    for (let j = 0; j < n; j++) this.visit(child, j, k - 1, vpfn + j * per, fn);
  }

  protected pagesPerItem(k: number): number {
    return 2 ** (this.itemShift(k) - 12);
  }
  /** Entries in a (non-top) table at level k. */
  protected entriesAt: (k: number) => number = () => 512;

  dump(): PteDumpRow[] {
    const rows: PteDumpRow[] = [];
    if (this.freed) return rows;
    this.forEachEntry((t, i, k, lo, hi, vpfn) => {
      const kind = this.kindOf(k, lo, hi) === KIND_TABLE ? 'table' : 'leaf';
      const tablePa = pfnAddr(t.pfn);
      const shift = kind === 'leaf' ? this.leafShiftOf(k, lo, hi) : this.itemShift(k);
      const startVpfn = kind === 'leaf' ? vpfn - (vpfn % 2 ** (shift - 12)) : vpfn;
      rows.push({
        level: this.publicLevel(k),
        index: i,
        tablePa,
        entryPa: tablePa + BigInt(i * 8),
        value: u64(lo, hi),
        kind,
        iova: this.iovaOfVpfn(startVpfn),
        size: 1n << BigInt(shift),
        oa: pfnAddr(this.oaPfnOf(k, lo, hi)),
        flags: this.flagsOf(k, lo, hi),
      });
    });
    return rows;
  }

  formatDump(): string {
    const lines = [
      `${this.format} (${this.implementation}, ${this.profile.release}) levels=${this.levels} ias=${this.ias} oas=${this.oas} root=${hex(this.rootPa)}`,
    ];
    const top = this.topLevel;
    for (const r of this.dump()) {
      const depth = Math.abs(top - r.level);
      const pad = '  '.repeat(depth);
      const what = r.kind === 'table' ? `table -> ${hex(r.oa)}` : `leaf  -> ${hex(r.oa)}`;
      lines.push(
        `${pad}L${r.level}[${r.index.toString().padStart(3, '0')}] ${r.value.toString(16).padStart(this.entryHexDigits, '0')}  ${what}  iova ${hex(r.iova)}+${hex(r.size)}  ${r.flags.join(' ')}`,
      );
    }
    return lines.join('\n');
  }

  /** Internal level for a kernel level number, or -1. */
  protected internalLevel(level: number): number {
    for (let k = 0; k < this.levels; k++) if (this.publicLevel(k) === level) return k;
    return -1;
  }

  readEntry(level: number, iova: bigint): { pa: bigint; value: bigint } | undefined {
    if (this.freed) return undefined;
    const want = this.internalLevel(level);
    const vpfn = this.vpfnOfIova(iova);
    if (want < 0 || vpfn === undefined) return undefined;
    let k = this.levels - 1;
    const gi = this.indexOf(k, vpfn);
    let t = this.topPage(gi);
    let i = gi & 511;
    for (;;) {
      const lo = t.v[2 * i]!;
      const hi = t.v[2 * i + 1]!;
      if (k === want) return { pa: pfnAddr(t.pfn) + BigInt(i * 8), value: u64(lo, hi) };
      if (this.kindOf(k, lo, hi) !== KIND_TABLE) return undefined;
      const child = this.store.table(this.oaPfnOf(k, lo, hi));
      if (!child) return undefined;
      t = child;
      k--;
      i = this.indexOf(k, vpfn);
    }
  }

  // ---- hardware walk ---------------------------------------------------------------------

  walk(iova: bigint, access: 'read' | 'write'): WalkResult {
    const raw: number[] = [];
    const top = this.levels - 1;
    if (this.freed) return new WalkFail(raw, 'not-present', this.publicLevel(top));
    const sp = this.sp;
    splitAddr(iova, sp);
    let vpfn = sp.pfn;
    const off = sp.off;
    if (!(vpfn < this.hwFastPfn) || iova < 0n) {
      const bad = this.hwStart(iova);
      if (bad !== null) return new WalkFail(raw, bad, this.publicLevel(top));
      vpfn = this.vpfnOfIova(iova)!;
    }
    const write = access === 'write';
    let k = top;
    const gi = this.indexOf(k, vpfn);
    let t = this.topPage(gi);
    let i = gi & 511;
    for (;;) {
      const lo = t.v[2 * i]!;
      const hi = t.v[2 * i + 1]!;
      raw.push(this.publicLevel(k), i, t.pfn, lo, hi);
      const fault = this.hwCheck(k, lo, hi, write);
      if (fault !== null) return new WalkFail(raw, fault, this.publicLevel(k));
      const leaf = this.hwIsLeaf(k, lo, hi);
      if (this.hwAccessBit !== 0) {
        // VT-d spec §3.7 / AMD IOMMU spec §2.2.3: with A/D enabled the IOMMU sets A in each entry
        // the translation used and D in the leaf of a write (atomically, in memory). An entry counts
        // as used once it passed its checks: a walk that faults lower keeps the A bits above (FLAG)
        const set = (lo | this.hwAccessBit | (leaf && write ? this.hwDirtyBit : 0)) >>> 0;
        if (set !== lo) {
          t.v[2 * i] = set;
          raw[raw.length - 2] = set;
        }
      }
      if (leaf) {
        const shift = this.leafShiftOf(k, lo, hi);
        const pages = 2 ** (shift - 12);
        return new WalkOk(raw, this.publicLevel(k), this.oaPfnOf(k, lo, hi) + (vpfn % pages), off, shift);
      }
      const next = this.oaPfnOf(k, lo, hi);
      if (!this.store.isRam(next)) return new WalkFail(raw, 'reserved-bits', this.publicLevel(k));
      t = this.store.child(t, i, next);
      k--;
      i = this.indexOf(k, vpfn);
    }
  }

  protected checkLive(): boolean {
    return !this.freed;
  }
}

/** log2 of a power of two (bigint), or -1. */
function exactLog2(x: bigint): number {
  if (x <= 0n || (x & (x - 1n)) !== 0n) return -1;
  return x.toString(2).length - 1;
}

/** leafCount from dump rows: distinct iova among the leaf rows of `size` (0n: any). */
function countLeafRows(rows: readonly PteDumpRow[], size: bigint): number {
  const seen = new Set<bigint>();
  for (const r of rows) if (r.kind === 'leaf' && (size === 0n || r.size === size)) seen.add(r.iova);
  return seen.size;
}
