import { KIND_LEAF, KIND_NONE, KIND_TABLE, PageTableBase } from './base.js';
import type { GeometryInfo } from './base.js';
import { IOMMU_DIRTY_NO_CLEAR } from './dirty.js';
import type { DirtyRange, DirtyResult } from './dirty.js';
import { IotlbGather } from './gather.js';
import { POW512, TWO20, ctz, flsIndex, hiOf, ix, loOf, lowPages, mulSize, newSplit, pfnAddr, splitAddr } from './num.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import type { TablePage } from './table-store.js';
import type { Errno, MapResult, PageTableConfig } from './types.js';

/** pt_entry_type */
export const PT_EMPTY = 0;
export const PT_TABLE = 1;
export const PT_OA = 2;

const U64_MAX = (1n << 64n) - 1n;
const PT_FILE = 'drivers/iommu/generic_pt/iommu_pt.h';

export interface GenericOptions {
  /** Kernel level of the top table (pt_top_set_level). */
  topLevel: number;
  /** common->max_vasz_lg2 */
  vaszLg2: number;
  /** common->max_oasz_lg2 */
  oaszLg2: number;
  signExtend: boolean;
  /** PT_FEAT_FLUSH_RANGE (default) or PT_FEAT_FLUSH_RANGE_NO_GAPS. */
  flush: 'range' | 'no-gaps';
  /** Added to the generic level (0 = 4K entries) to get the level number this package reports. */
  levelBase: number;
  /** Address bits the hardware decodes when there is no sign extension (default vaszLg2). */
  hwVaBits?: number;
}

/**
 * The generic_pt IOMMU algorithms, drivers/iommu/generic_pt/iommu_pt.h: `map_pages`
 * (best page size, `__map_range`, `__map_range_leaf`, `clear_contig`, the single
 * page fast path), `unmap_pages` (`__unmap_range`, `gather_range_pages`) and
 * `iova_to_phys`, over a format's entry encoding (fmt/*.h). Addresses are handled as
 * 4K page numbers (exact doubles); all formats here have a 4K granule and a 9-bit stride.
 */
export abstract class GenericPtTable extends PageTableBase {
  protected topK: number;
  protected readonly vaszLg2: number;
  protected readonly oaszLg2: number;
  protected readonly signExtend: boolean;
  protected readonly flushMode: 'range' | 'no-gaps';
  protected readonly levelBase: number;
  protected readonly hwVaBits: number;
  /** Allowed leaf sizes (lg2), ascending, from the domain pgsize_bitmap. */
  protected sizesLg2: number[] = [];
  // set_prot result
  protected aLo = 0;
  protected aHi = 0;
  // map / unmap state (fields, not closures: the hot path allocates nothing)
  private mOa = 0;
  private mLeafLg2 = 12;
  private mLeafLevel = 0;
  private mGather: IotlbGather | null = null;
  private rVa = 0;
  private rLast = 0;
  private rOff = 0;
  private rLastOff = 0;
  private uPages = 0;
  private fastVa = 0;
  private readonly oaLimit: bigint;
  private readonly sp2 = newSplit();
  private uList: TablePage[] = [];
  /** The prot gSetProt last succeeded for (aLo/aHi hold its bits) and its level-0 leaf bits. */
  private setProt = -1;
  private l0Linear = false;
  private l0Lo = 0;
  private l0Hi = 0;

  constructor(cfg: PageTableConfig, geo: Omit<GeometryInfo, 'levels'>, o: GenericOptions) {
    super(cfg, { ...geo, levels: o.topLevel + 1 });
    this.topK = o.topLevel;
    this.vaszLg2 = o.vaszLg2;
    this.oaszLg2 = o.oaszLg2;
    this.signExtend = o.signExtend;
    this.flushMode = o.flush;
    this.levelBase = o.levelBase;
    this.hwVaBits = o.hwVaBits ?? o.vaszLg2;
    this.oaLimit = 1n << BigInt(Math.min(o.oaszLg2, 64));
    this.hwFastPfn = 2 ** ((o.signExtend ? o.vaszLg2 - 1 : (o.hwVaBits ?? o.vaszLg2)) - 12);
    this.setBitmap(geo.pgsizeBitmap);
    this.refreshFastLimit();
  }

  protected setBitmap(bitmap: bigint): void {
    // NS(get_info): sizes at or above the max OA are hidden
    let b = bitmap;
    if (this.oaszLg2 < 64) b &= (1n << BigInt(this.oaszLg2)) - 1n;
    this.pgsizeBitmap = b;
    this.sizesLg2 = [];
    for (let s = 0; s < 64; s++) if ((b >> BigInt(s)) & 1n) this.sizesLg2.push(s);
  }

  // ---- format hooks (fmt/*.h) -----------------------------------------------------------------
  /** pt_load_entry_raw */
  protected abstract gType(level: number, lo: number, hi: number): number;
  protected abstract gTablePfn(lo: number, hi: number): number;
  /** pt_entry_oa: OA of the whole (contiguous) entry, in pages. */
  protected abstract gOaPfn(level: number, lo: number, hi: number): number;
  /** pt_entry_num_contig_lg2 */
  protected gContigLg2: (level: number, lo: number, hi: number) => number = () => 0;
  /** pt_install_leaf_entry (writes every item of a contiguous entry). */
  protected abstract gWriteLeaf(t: TablePage, i: number, level: number, oaPfn: number, pgLg2: number): void;
  /**
   * For formats whose leaf is "OA | fixed bits" (vtdss, x86_64): the fixed low/high bits of a leaf at
   * `level` (into laLo/laHi), letting the leaf loop add the OA incrementally. Returns false otherwise.
   */
  protected abstract gLeafBits(level: number): boolean;
  protected laLo = 0;
  protected laHi = 0;
  /**
   * Formats whose entries are "leaf at level 0, or at levels ≤ 2 with bit 7 (PS)" and whose
   * empty test is a bit mask (x86_64: P) or "all zero" (vtdss, presentMask -1) let the lookup
   * loops test entries inline instead of calling gType. 0 = use gType.
   */
  protected presentMask = 0;
  /** AMD v1: an entry is present with PR (bit 0) and a leaf at level 0 or with NextLevel 0 or 7. */
  protected nlLeaf = false;

  /**
   * pt_load_entry_raw for the hot loops: the presentMask / nlLeaf rules inline, the format hook only
   * for formats that have neither (one shared call site of a virtual method costs more than the decode).
   */
  private ty(k: number, lo: number, hi: number): number {
    const pm = this.presentMask;
    if (pm !== 0) {
      if ((lo & pm) === 0 && (pm !== -1 || hi === 0)) return PT_EMPTY;
      return k === 0 || (k <= 2 && (lo & 0x80) !== 0) ? PT_OA : PT_TABLE;
    }
    if (this.nlLeaf) {
      if (!(lo & 1)) return PT_EMPTY;
      const nl = (lo >>> 9) & 7;
      return k === 0 || nl === 0 || nl === 7 ? PT_OA : PT_TABLE;
    }
    return this.gType(k, lo, hi);
  }
  /** pt_install_table */
  protected abstract gWriteTable(t: TablePage, i: number, level: number, tablePfn: number): void;
  /** pt_iommu_set_prot: sets aLo/aHi or returns an errno. */
  protected abstract gSetProt(prot: number): Errno | undefined;
  /** Symbol prefix for log lines, e.g. pt_iommu_vtdss_. */
  protected abstract get ns(): string;

  // ---- base hooks ---------------------------------------------------------------------------
  publicLevel(k: number): number {
    return k + this.levelBase;
  }
  itemShift(k: number): number {
    return 12 + 9 * k;
  }
  indexOf(k: number, vpfn: number): number {
    return ((vpfn / POW512[k]!) >>> 0) & 511;
  }
  kindOf(k: number, lo: number, hi: number): number {
    const t = this.ty(k, lo, hi);
    return t === PT_EMPTY ? KIND_NONE : t === PT_TABLE ? KIND_TABLE : KIND_LEAF;
  }
  oaPfnOf(k: number, lo: number, hi: number): number {
    return this.ty(k, lo, hi) === PT_TABLE ? this.gTablePfn(lo, hi) : this.gOaPfn(k, lo, hi);
  }
  override leafShiftOf(k: number, lo: number, hi: number): number {
    return this.itemShift(k) + this.gContigLg2(k, lo, hi);
  }
  override iovaOfVpfn(vpfn: number): bigint {
    const a = pfnAddr(vpfn);
    if (this.signExtend && vpfn >= 2 ** (this.vaszLg2 - 13)) return a | (U64_MAX ^ ((1n << BigInt(this.vaszLg2)) - 1n));
    return a;
  }

  // ---- ranges ---------------------------------------------------------------------------------

  /** make_range + pt_check_range on [iova, iova+len-1]; fills rVa/rLast (pages) and the byte offsets. */
  protected makeRange(iova: bigint, len: bigint): Errno | undefined {
    if (len === 0n) return 'EINVAL';
    if (iova >= 0n && iova < 0x10000000000000n && len > 0n && len < 0x10000000000000n) {
      // both below 2^52: exact in doubles
      const a = this.sp2;
      splitAddr(iova, a);
      const va = a.pfn;
      const off = a.off;
      splitAddr(len, a);
      const lastB = va * 4096 + off + a.pfn * 4096 + a.off - 1;
      const lastOff = lastB % 4096;
      const last = (lastB - lastOff) / 4096;
      if (last >= this.fastVa) return this.linearize(iova, iova + len - 1n) ? undefined : 'ERANGE';
      this.rVa = va;
      this.rOff = off;
      this.rLast = last;
      this.rLastOff = lastOff;
      return undefined;
    }
    const last = iova + len - 1n;
    if (last > U64_MAX) return 'EOVERFLOW';
    return this.linearize(iova, last) ? undefined : 'ERANGE';
  }

  /** Maps [va, last] into the table's linear page numbers, enforcing the sign-extension/prefix rule. */
  protected linearize(va: bigint, last: bigint): boolean {
    const w = BigInt(this.curVaszLg2());
    let base = 0n;
    if (this.signExtend) {
      const upper = (va >> (w - 1n)) & 1n;
      const prefix = upper ? (1n << (64n - w)) - 1n : 0n;
      if (va >> w !== prefix || last >> w !== prefix) return false;
      if (upper) base = U64_MAX ^ ((1n << w) - 1n);
    } else if (va >> w !== 0n || last >> w !== 0n) return false;
    const lv = va - base;
    const ll = last - base;
    this.rVa = Number(lv >> 12n);
    this.rOff = Number(lv & 0xfffn);
    this.rLast = Number(ll >> 12n);
    this.rLastOff = Number(ll & 0xfffn);
    return true;
  }

  /** VA bits the current top covers (DYNAMIC_TOP formats grow it). */
  protected curVaszLg2(): number {
    return this.vaszLg2;
  }

  /** Hardware view of an IOVA: sign-extended formats fold the upper half; others decode hwVaBits. */
  vpfnOfIova(iova: bigint): number | undefined {
    if (this.signExtend) {
      const w = BigInt(this.vaszLg2);
      const upper = (iova >> (w - 1n)) & 1n;
      if (iova >> w !== (upper ? (1n << (64n - w)) - 1n : 0n)) return undefined;
      return Number((iova & ((1n << w) - 1n)) >> 12n);
    }
    if (iova < 0n || iova >> BigInt(this.hwVaBits) !== 0n) return undefined;
    return Number(iova >> 12n);
  }

  /** pt_range_to_end_index for a table at `level` holding va…last (pages). */
  private endIndex(level: number, va: number, last: number): number {
    const per = POW512[level]!;
    if (level === this.topK) return (((last / per) >>> 0) & 511) + 1;
    const span = per * 512;
    if (Math.floor(va / span) === Math.floor(last / span)) return (((last / per) >>> 0) & 511) + 1;
    return 512;
  }

  // ---- map ----------------------------------------------------------------------------------

  mapPages(iova: bigint, paddr: bigint, pgsize: bigint, pgcount: number, prot: number): MapResult {
    if (this.freed) return { errno: 'EFAULT', mapped: 0n };
    if (!(prot & (IOMMU_READ | IOMMU_WRITE))) {
      this.log.push(`WARNING: at ${PT_FILE}:${this.ns}map_pages`);
      return { errno: 'EINVAL', mapped: 0n };
    }
    if (paddr < 0n || paddr >= this.oaLimit) return { errno: 'ERANGE', mapped: 0n };
    if (prot !== this.setProt) {
      // set_prot depends on prot and the table's features only: keep the last result
      const perr = this.gSetProt(prot);
      if (perr) return { errno: perr, mapped: 0n };
      this.setProt = prot;
      this.l0Linear = this.gLeafBits(0);
      this.l0Lo = this.laLo;
      this.l0Hi = this.laHi;
    }
    if (!(pgcount >= 0) || pgcount % 1 !== 0 || pgsize < 0n) return { errno: 'EINVAL', mapped: 0n };
    const sp = this.sp;
    splitAddr(paddr, sp);
    const ppfn = sp.pfn;
    const poff = sp.off;
    let single = false;
    if (pgsize === 0x1000n && pgcount === 1 && iova >= 0n && iova < 0x1fffffffffffffn) {
      // single PAGE_SIZE page: no best-size search, and no BigInt range maths below the fast limit
      splitAddr(iova, sp);
      if (sp.off !== 0 || poff !== 0) return { errno: 'ENXIO', mapped: 0n };
      this.mLeafLg2 = 12;
      this.mLeafLevel = 0;
      if (sp.pfn < this.fastVa) {
        this.rVa = this.rLast = sp.pfn;
        this.rOff = 0;
        this.rLastOff = 4095;
      } else {
        const cerr = this.checkMapRange(iova, 0x1000n);
        if (cerr) return { errno: cerr, mapped: 0n };
      }
      single = true;
    } else {
      const len = mulSize(pgsize, pgcount, this.sp2);
      if (len === 0n) return { errno: 'EINVAL', mapped: 0n };
      if (iova < 0n || iova + len - 1n > U64_MAX) return { errno: 'EOVERFLOW', mapped: 0n };
      const lg2 = this.bestPgsize(iova, len, ppfn, poff);
      if (lg2 === 0) return { errno: 'ENXIO', mapped: 0n };
      this.mLeafLg2 = lg2;
      this.mLeafLevel = Math.floor((lg2 - 12) / 9); // pt_pgsz_lg2_to_level
      const cerr = this.checkMapRange(iova, len);
      if (cerr) return { errno: cerr, mapped: 0n };
    }
    this.mOa = ppfn;
    let gather = this.mGather;
    if (gather === null) gather = this.mGather = new IotlbGather();
    let err: Errno | undefined;
    if (single) {
      const r = this.mapSingle();
      err = r === 'EAGAIN' ? this.doMap() : r;
    } else err = this.doMap();
    // "Table levels were freed and replaced with large items, flush any walk cache"
    if (gather.freelist.length > 0) this.evSync(gather);
    if (gather.end !== 0n) gather.reset(); // only clear_contig adds ranges to the map's gather
    const mapped = single && err === undefined ? 0x1000n : pfnAddr(this.mOa - ppfn);
    return err === undefined ? { mapped } : { errno: err, mapped };
  }

  /** Pages below which a page number is in range without BigInt checks (refresh when the top grows). */
  protected fastLimit(): number {
    return this.fastVa;
  }
  protected refreshFastLimit(): void {
    this.fastVa = 2 ** (this.curVaszLg2() - 12 - (this.signExtend ? 1 : 0));
  }

  /** Leaf level of the map in progress (for DYNAMIC_TOP growth). */
  protected leafLevelOfMap(): number {
    return this.mLeafLevel;
  }

  /** check_map_range (DYNAMIC_TOP formats override it to grow the top). */
  protected checkMapRange(iova: bigint, len: bigint): Errno | undefined {
    return this.makeRange(iova, len);
  }

  /** pt_compute_best_pgsize over the domain bitmap (on the raw IOVA, before the range check). */
  private bestPgsize(iova: bigint, len: bigint, ppfn: number, poff: number): number {
    if (len < 2n) return 0;
    let best: number;
    if (iova >= 0n && iova < 0x10000000000000n) {
      splitAddr(iova, this.sp2);
      best = this.sp2.off !== 0 ? ctz(this.sp2.off) : this.sp2.pfn !== 0 ? 12 + ctz(this.sp2.pfn) : 64;
    } else best = ctzBigSlow(iova);
    best = Math.min(best, poff !== 0 ? ctz(poff) : ppfn !== 0 ? 12 + ctz(ppfn) : 64);
    if (len < 0x10000000000000n) {
      splitAddr(len, this.sp2);
      best = Math.min(best, flsIndex(this.sp2.pfn * 4096 + this.sp2.off));
    } else best = Math.min(best, len.toString(2).length - 1);
    const sizes = this.sizesLg2;
    for (let j = sizes.length - 1; j >= 0; j--) if (sizes[j]! <= best) return sizes[j]!;
    return 0;
  }

  /** __map_single_page: only when every table on the way exists and the PTE is empty. */
  private mapSingle(): Errno | 'EAGAIN' | undefined {
    const va = this.rVa;
    const alo = (va % TWO20) * 4096;
    const ahi = Math.floor(va / TWO20);
    let t = this.root;
    for (let k = this.topK; ; k--) {
      const i = ix(k, alo, ahi);
      const v = t.v;
      const lo = v[2 * i]!;
      const hi = v[2 * i + 1]!;
      const pm = this.presentMask;
      const type =
        pm === 0
          ? this.ty(k, lo, hi)
          : (lo & pm) === 0 && (pm !== -1 || hi === 0)
            ? PT_EMPTY
            : k === 0 || (k <= 2 && (lo & 0x80) !== 0)
              ? PT_OA
              : PT_TABLE;
      if (k === 0) {
        if (type !== PT_EMPTY) return 'EADDRINUSE';
        if (this.l0Linear) {
          v[2 * i] = loOf(this.mOa, this.l0Lo);
          v[2 * i + 1] = hiOf(this.mOa, this.l0Hi);
        } else this.gWriteLeaf(t, i, 0, this.mOa, 12);
        this.mOa += 1;
        return undefined;
      }
      if (type !== PT_TABLE) return 'EAGAIN';
      const kids = t.kids;
      const kid = kids === null ? undefined : kids[i];
      if (kid !== undefined && kid.plo === lo >>> 12 && kid.phi === (hi & 0xfffff) && kid.live) t = kid;
      else {
        const next = this.gTablePfn(lo, hi);
        if (!this.store.isRam(next)) return 'EFAULT';
        t = this.store.child(t, i, next);
      }
    }
  }

  /** do_map */
  private doMap(): Errno | undefined {
    if (this.mLeafLevel === this.topK) return this.mapLeaf(this.root, this.topK, this.rVa, this.rLast);
    return this.mapRange(this.root, this.topK, this.rVa, this.rLast);
  }

  /** __map_range: descend, creating tables; a leaf in the way is EADDRINUSE. */
  private mapRange(t: TablePage, level: number, va: number, last: number): Errno | undefined {
    const per = POW512[level]!;
    let i = ((va / per) >>> 0) & 511;
    const end = this.endIndex(level, va, last);
    for (;;) {
      const lo = t.v[2 * i]!;
      const hi = t.v[2 * i + 1]!;
      const type = this.ty(level, lo, hi);
      let child: TablePage;
      if (type !== PT_TABLE) {
        if (type !== PT_EMPTY) return 'EADDRINUSE';
        const nt = this.store.alloc();
        if (nt === undefined) return 'ENOMEM';
        this.gWriteTable(t, i, level, nt.pfn);
        if (t.kids !== null) t.kids[i] = nt;
        child = nt;
      } else {
        const next = this.gTablePfn(lo, hi);
        if (!this.store.isRam(next)) return 'EFAULT';
        child = this.store.child(t, i, next);
      }
      const r = this.mLeafLevel === level - 1 ? this.mapLeaf(child, level - 1, va, last) : this.mapRange(child, level - 1, va, last);
      if (r) return r;
      i++;
      va = (Math.floor(va / per) + 1) * per;
      if (i >= end) break;
    }
    return undefined;
  }

  /** __map_range_leaf */
  private mapLeaf(t: TablePage, level: number, va: number, last: number): Errno | undefined {
    const per = POW512[level]!;
    const leafLg2 = this.mLeafLg2;
    const step = 1 << (leafLg2 - 12 - 9 * level); // an int32 index step: table indices stay small ints
    const needContig = step !== 1;
    const leafPages = 2 ** (leafLg2 - 12);
    let i = ((va / per) >>> 0) & 511;
    const start = i;
    const end = this.endIndex(level, va, last);
    const base = va - (va % (per * 512));
    if (!needContig && this.gLeafBits(level)) {
      // linear leaf encoding: add the OA step to the PTE halves instead of re-encoding each entry
      // PTE halves as int32 (fast stores); the OA advances with a manual carry
      const step = (leafPages * 4096) | 0;
      let nLo = ((this.mOa % TWO20) * 4096 + this.laLo) | 0;
      let nHi = hiOf(this.mOa, this.laHi) | 0;
      const v = t.v;
      const i0 = i;
      do {
        if ((v[2 * i]! | v[2 * i + 1]!) !== 0 && this.ty(level, v[2 * i]!, v[2 * i + 1]!) !== PT_EMPTY) {
          const r = this.clearContig(t, level, i, 1, i === start ? va : base + i * per);
          if (r) {
            this.mOa += (i - i0) * leafPages;
            return r;
          }
        }
        v[2 * i] = nLo;
        v[2 * i + 1] = nHi;
        const next = (nLo + step) | 0;
        if (nLo < 0 && next >= 0) nHi = (nHi + 1) | 0;
        nLo = next;
        i++;
      } while (i < end);
      this.mOa += (i - i0) * leafPages;
      return undefined;
    }
    do {
      const v = t.v;
      if (needContig || v[2 * i] !== 0 || v[2 * i + 1] !== 0) {
        if (needContig || this.ty(level, v[2 * i]!, v[2 * i + 1]!) !== PT_EMPTY) {
          const entryVa = i === start ? va : base + i * per;
          const r = this.clearContig(t, level, i, step, entryVa);
          if (r) return r;
        }
      }
      this.gWriteLeaf(t, i, level, this.mOa, leafLg2);
      this.mOa += leafPages;
      i += step;
    } while (i < end);
    return undefined;
  }

  /** clear_contig: empty tables in the way are freed through the gather; anything mapped is EADDRINUSE. */
  private clearContig(t: TablePage, level: number, i0: number, step: number, va: number): Errno | undefined {
    const gather = this.mGather!;
    const v = t.v;
    const nl = this.nlLeaf;
    for (let i = i0; i < i0 + step; i++) {
      const lo = v[2 * i]!;
      if (nl && (lo & 1) === 0) continue; // amdv1: no PR, empty whatever the high half holds
      const hi = v[2 * i + 1]!;
      if ((lo | hi) === 0) continue; // all zero is empty in every format here
      const type = this.ty(level, lo, hi);
      if (type === PT_TABLE) {
        const next = this.gTablePfn(lo, hi);
        const child = this.store.table(next);
        const list: TablePage[] = [];
        if (child && this.collect(child, level - 1, list, true)) return 'EADDRINUSE';
        t.v[2 * i] = 0;
        t.v[2 * i + 1] = 0;
        if (child) list.push(child);
        this.gatherRangePages(gather, this.iovaOfVpfn(va), 1n << BigInt(this.itemShift(level)), list);
      } else if (type !== PT_EMPTY) return 'EADDRINUSE';
    }
    return undefined;
  }

  /** __collect_tables: gathers every table below; with checkMapped, any leaf → true (EADDRINUSE). */
  protected collect(t: TablePage, level: number, list: TablePage[], checkMapped: boolean): boolean {
    for (let i = 0; i < 512; i++) {
      const lo = t.v[2 * i]!;
      const hi = t.v[2 * i + 1]!;
      const type = this.ty(level, lo, hi);
      if (type === PT_TABLE) {
        const child = this.store.table(this.gTablePfn(lo, hi));
        if (!child) continue;
        list.push(child);
        if (this.collect(child, level - 1, list, checkMapped)) return true;
      } else if (type === PT_OA && checkMapped) return true;
    }
    return false;
  }

  /** gather_range_pages */
  private gatherRangePages(gather: IotlbGather, iova: bigint, len: bigint, list: TablePage[]): void {
    if (this.flushMode === 'no-gaps' && gather.isDisjoint(iova, len)) this.evSync(gather);
    this.evAddRange(gather, iova, len);
    for (const t of list) this.parkTable(gather, t);
  }

  // ---- unmap --------------------------------------------------------------------------------

  unmapPages(iova: bigint, pgsize: bigint, pgcount: number, gather?: IotlbGather): bigint {
    if (this.freed || !Number.isInteger(pgcount) || pgcount < 0 || pgsize < 0n) return 0n;
    const len = mulSize(pgsize, pgcount, this.sp2);
    if (this.makeRange(iova, len)) return 0n;
    this.uPages = 0;
    this.uList = [];
    this.unmapRange(this.root, this.topK, this.rVa, this.rLast, this.rVa);
    const g = gather ?? new IotlbGather();
    this.gatherRangePages(g, iova, len, this.uList);
    this.uList = [];
    if (!gather) this.releaseGathered(g);
    return pfnAddr(this.uPages);
  }

  /** __unmap_range */
  private unmapRange(t: TablePage, level: number, va: number, last: number, origVa: number): Errno | undefined {
    const per = POW512[level]!;
    let i = ((va / per) >>> 0) & 511;
    const start = i;
    const end = this.endIndex(level, va, last);
    const base = va - (va % (per * 512));
    let numOas = 0;
    let ret: Errno | undefined;
    let lo = t.v[2 * i]!;
    let hi = t.v[2 * i + 1]!;
    let type = this.ty(level, lo, hi);
    if (type === PT_OA) {
      // a start in the middle of a (contiguous) leaf: refuse
      const entryPages = 2 ** (9 * level + this.gContigLg2(level, lo, hi));
      if (va % entryPages !== 0 || (va === origVa && this.rOff !== 0)) return 'EINVAL';
    }
    for (;;) {
      if (type !== PT_OA) {
        if (type !== PT_TABLE) {
          ret = 'EINVAL';
          break;
        }
        if (i !== start) va = base + i * per;
        const next = this.gTablePfn(lo, hi);
        if (!this.store.isRam(next)) {
          ret = 'EINVAL';
          break;
        }
        const child = this.store.child(t, i, next);
        const aligned = va % per === 0 && !(va === origVa && this.rOff !== 0);
        const fully =
          aligned && (Math.floor(va / per) !== Math.floor(last / per) || (last % per === per - 1 && this.rLastOff === 4095));
        ret = this.unmapRange(child, level - 1, va, last, origVa);
        if (ret) break;
        if (fully) {
          this.uList.push(child);
          t.v[2 * i] = 0;
          t.v[2 * i + 1] = 0;
        }
        i++;
      } else {
        const n = 1 << this.gContigLg2(level, lo, hi);
        for (let j = 0; j < n; j++) {
          t.v[2 * (i + j)] = 0;
          t.v[2 * (i + j) + 1] = 0;
        }
        numOas += n;
        i += n;
      }
      if (i >= end) break;
      lo = t.v[2 * i]!;
      hi = t.v[2 * i + 1]!;
      type = this.ty(level, lo, hi);
    }
    this.uPages += numOas * per;
    return ret;
  }

  // ---- dirty tracking -------------------------------------------------------------------------

  /** pt_entry_is_write_dirty for the (contiguous) entry holding item i. */
  protected abstract gIsDirty(t: TablePage, i: number, level: number, contigLg2: number): boolean;
  /** pt_entry_make_write_clean: the whole contiguous entry. */
  protected abstract gMakeClean(t: TablePage, i: number, level: number, contigLg2: number): void;

  /**
   * iommu_pt.h `read_and_clear_dirty` → `pt_walk_range(__read_and_clear_dirty)` → `record_dirty`:
   * -EOPNOTSUPP without a format dirty bit (x86_64), make_range's EINVAL/EOVERFLOW/ERANGE, else a
   * walk of every entry in the range (empty ones skipped). A dirty leaf is recorded from the walk's
   * VA (the requested IOVA for the first entry, the entry start after that) for one item, or for a
   * contiguous entry `(min(index | (2^n - 1), end_index) - index)` items, which is what the kernel
   * computes (one item short of the group when the walk covers it all; FLAG). Unless
   * IOMMU_DIRTY_NO_CLEAR the entry is cleaned and the range added to the gather. No tracking check.
   */
  override readAndClearDirty(iova: bigint, size: bigint, flags = 0, gather?: IotlbGather): DirtyResult {
    const dirty: DirtyRange[] = [];
    if (!this.adBits()) return { errno: 'EOPNOTSUPP', dirty };
    if (this.freed) return { errno: 'EFAULT', dirty };
    if (size < 0n) return { errno: 'EINVAL', dirty };
    const err = this.makeRange(iova, size);
    if (err) return { errno: err, dirty };
    const st: DirtyWalk = {
      va: this.rVa,
      off: this.rOff,
      last: this.rLast,
      clear: (flags & IOMMU_DIRTY_NO_CLEAR) === 0,
      gather: gather ?? new IotlbGather(),
      dirty,
    };
    this.dirtyLevel(this.root, this.topK, st);
    return { dirty };
  }

  /** __read_and_clear_dirty at one level (for_each_pt_level_entry; pt_next_entry skips a contiguous group). */
  private dirtyLevel(t: TablePage, level: number, st: DirtyWalk): void {
    const per = POW512[level]!;
    const span = per * 512;
    let i = ((st.va / per) >>> 0) & 511;
    const end = this.endIndex(level, st.va, st.last);
    while (i < end) {
      const lo = t.v[2 * i]!;
      const hi = t.v[2 * i + 1]!;
      const type = this.ty(level, lo, hi);
      if (type === PT_TABLE) {
        const next = this.gTablePfn(lo, hi);
        if (this.store.isRam(next)) this.dirtyLevel(this.store.child(t, i, next), level - 1, st);
        i++;
      } else if (type === PT_OA) {
        const n = this.gContigLg2(level, lo, hi);
        if (this.gIsDirty(t, i, level, n)) {
          // record_dirty
          const items = n === 0 ? 1 : Math.min(i | ((1 << n) - 1), end) - i;
          const va = pfnAddr(st.va, st.off);
          const len = pfnAddr(items * per);
          st.dirty.push({ iova: va, size: len });
          if (st.clear) {
            this.gMakeClean(t, i, level, n);
            this.evAddRange(st.gather, va, len);
          }
        }
        i = (i + (1 << n)) & ~((1 << n) - 1); // _pt_advance
      } else i++;
      // pt_index_to_va
      st.va = st.va - (st.va % span) + i * per;
      st.off = 0;
    }
  }

  // ---- lookup -------------------------------------------------------------------------------

  iovaToPhys(iova: bigint): bigint {
    if (this.freed) return 0n;
    const sp = this.sp;
    splitAddr(iova, sp);
    let va = sp.pfn;
    let alo = sp.lo;
    let ahi = sp.hi;
    const off = sp.off;
    if (va >= this.fastVa) {
      // (a negative IOVA wraps to a huge page number and lands here too)
      // FLAG: out of range the kernel returns (phys_addr_t)-ERANGE; we return 0
      if (!this.linearize(iova, iova)) return 0n;
      va = this.rVa;
      alo = (va % TWO20) * 4096 + off;
      ahi = Math.floor(va / TWO20);
    }
    let t = this.root;
    const pm = this.presentMask;
    for (let k = this.topK; ; k--) {
      const i = ix(k, alo, ahi);
      const v = t.v;
      const lo = v[2 * i]!;
      const hi = v[2 * i + 1]!;
      const type =
        pm === 0
          ? this.ty(k, lo, hi)
          : (lo & pm) === 0 && (pm !== -1 || hi === 0)
            ? PT_EMPTY
            : k === 0 || (k <= 2 && (lo & 0x80) !== 0)
              ? PT_OA
              : PT_TABLE;
      if (type === PT_EMPTY) return 0n;
      if (type === PT_OA) {
        if (pm !== 0) return pfnAddr((hi & 0xfffff) * TWO20 + (lo >>> 12) + (k === 0 ? 0 : lowPages(alo, ahi, 9 * k)), off);
        const bits = 9 * k + this.gContigLg2(k, lo, hi);
        return pfnAddr(this.gOaPfn(k, lo, hi) + (bits === 0 ? 0 : lowPages(alo, ahi, bits)), off);
      }
      if (k === 0) return 0n;
      const kids = t.kids;
      const kid = kids === null ? undefined : kids[i];
      if (kid !== undefined && kid.plo === lo >>> 12 && kid.phi === (hi & 0xfffff) && kid.live) t = kid;
      else {
        const next = this.gTablePfn(lo, hi);
        if (!this.store.isRam(next)) return 0n;
        t = this.store.child(t, i, next);
      }
    }
  }
}

/** The state `read_and_clear_dirty` threads through the levels (range->va as page + byte offset). */
interface DirtyWalk {
  va: number;
  off: number;
  last: number;
  clear: boolean;
  gather: IotlbGather;
  dirty: DirtyRange[];
}

/** Trailing zeros of a 64-bit value (slow path). */
function ctzBigSlow(x: bigint): number {
  if (x === 0n) return 64;
  let n = 0;
  while ((x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}
