import { AMD_A, AMD_D, AMD_FC_HI, AMD_IR_HI, AMD_IW_HI, AMD_PR, amdAddrPfn, amdFlags, amdHwCheck, amdLeafPfn, nlOf } from './amd-v1-bits.js';
import type { GeometryInfo } from './base.js';
import { GenericPtTable, PT_EMPTY, PT_OA, PT_TABLE } from './generic-pt.js';
import type { GenericOptions } from './generic-pt.js';
import { hiOf, ix, loOf, lowPages, pfnAddr, splitAddr } from './num.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import type { TablePage } from './table-store.js';
import type { Errno, PageTableConfig, WalkFault } from './types.js';

const PT_MAX_TOP_LEVEL = 5;

/**
 * drivers/iommu/generic_pt/fmt/amdv1.h — AMD IOMMU v1 with PT_FEAT_DYNAMIC_TOP (the top
 * grows one level at a time, index 0 of each new top pointing at the old one) and
 * contiguous (NextLevel 7) entries for the page sizes between the natural ones.
 */
export class AmdV1Table extends GenericPtTable {
  private readonly fc: boolean;

  constructor(cfg: PageTableConfig, geo: Omit<GeometryInfo, 'levels'>, o: GenericOptions & { forceCoherence: boolean }) {
    super(cfg, geo, o);
    this.fc = o.forceCoherence;
    this.gContigLg2 = (level, lo, hi) => contigLg2(level, lo, hi);
    this.nlLeaf = true; // the same rule as gType below, decoded inline by the shared loops
  }
  protected get ns(): string {
    return 'pt_iommu_amdv1_';
  }
  /** fmt/amdv1.h: D bit 6 (AMDV1PT_FMT_D); the IOMMU also sets A (bit 5) with DTE.HAD. */
  protected override adBits(): { a: number; d: number } | undefined {
    return this.profile.iommuDirty ? { a: AMD_A, d: AMD_D } : undefined;
  }
  /** amdv1pt_entry_is_write_dirty: D in any item of a contiguous (NextLevel 7) entry. */
  protected gIsDirty(t: TablePage, i: number, _level: number, contigLg2: number): boolean {
    const n = 1 << contigLg2;
    const first = i - (i % n);
    for (let j = first; j < first + n; j++) if (t.v[2 * j]! & AMD_D) return true;
    return false;
  }
  /** amdv1pt_entry_make_write_clean: every item of the entry. */
  protected gMakeClean(t: TablePage, i: number, _level: number, contigLg2: number): void {
    const n = 1 << contigLg2;
    const first = i - (i % n);
    for (let j = first; j < first + n; j++) t.v[2 * j] = (t.v[2 * j]! & ~AMD_D) >>> 0;
  }

  /**
   * iova_to_phys (iommu_pt.h __iova_to_phys) decoding amdv1 entries inline: the shared loop calls
   * the format hooks per level, which costs more than the lookup itself.
   */
  override iovaToPhys(iova: bigint): bigint {
    if (this.freed) return 0n;
    const sp = this.sp;
    splitAddr(iova, sp);
    if (!(sp.pfn < this.fastLimit())) return super.iovaToPhys(iova); // beyond the current top, or negative
    const alo = sp.lo;
    const ahi = sp.hi;
    const off = sp.off;
    let t = this.root;
    for (let k = this.topK; ; k--) {
      const i = ix(k, alo, ahi);
      const v = t.v;
      const lo = v[2 * i]!;
      const hi = v[2 * i + 1]!;
      if (!(lo & AMD_PR)) return 0n;
      const nl = (lo >>> 9) & 7;
      if (k === 0 || nl === 0 || nl === 7) {
        const bits = 9 * k + (nl === 7 ? contigLg2(k, lo, hi) : 0);
        return pfnAddr(amdLeafPfn(lo, hi) + (bits === 0 ? 0 : lowPages(alo, ahi, bits)), off);
      }
      const kids = t.kids;
      const kid = kids === null ? undefined : kids[i];
      if (kid !== undefined && kid.plo === lo >>> 12 && kid.phi === (hi & 0xfffff) && kid.live) t = kid;
      else {
        const next = amdAddrPfn(lo, hi);
        if (!this.store.isRam(next)) return 0n;
        t = this.store.child(t, i, next);
      }
    }
  }

  /** DTE Mode (top level + 1). */
  get mode(): number {
    return this.topK + 1;
  }

  /** amdv1pt_load_entry_raw */
  protected gType(level: number, lo: number): number {
    if (!(lo & AMD_PR)) return PT_EMPTY;
    const nl = nlOf(lo);
    return level === 0 || nl === 0 || nl === 7 ? PT_OA : PT_TABLE;
  }
  protected gTablePfn(lo: number, hi: number): number {
    return amdAddrPfn(lo, hi);
  }
  /** amdv1pt_entry_oa: NL 7 clears the size-marker ones */
  protected gOaPfn(_level: number, lo: number, hi: number): number {
    return amdLeafPfn(lo, hi);
  }
  protected gLeafBits(): boolean {
    this.laLo = AMD_PR; // NextLevel 0 leaf: PR | OA | FC/IR/IW
    this.laHi = this.aHi;
    return true;
  }
  /** amdv1pt_install_leaf_entry */
  protected gWriteLeaf(t: TablePage, i: number, level: number, oaPfn: number, pgLg2: number): void {
    const isz = 12 + 9 * level;
    if (pgLg2 === isz) {
      t.v[2 * i] = loOf(oaPfn, AMD_PR);
      t.v[2 * i + 1] = hiOf(oaPfn, this.aHi);
      return;
    }
    const field = oaPfn + 2 ** (pgLg2 - 13) - 1; // OA | (2^(oasz-12-1) - 1)
    const lo = loOf(field, AMD_PR | 0xe00);
    const hi = hiOf(field, this.aHi);
    const v = t.v;
    for (let k = 2 * i, end = k + (2 << (pgLg2 - isz)); k < end; k += 2) {
      v[k] = lo;
      v[k + 1] = hi;
    }
  }
  /** amdv1pt_install_table: PR | NextLevel = level | OA | IR | IW */
  protected gWriteTable(t: TablePage, i: number, level: number, tablePfn: number): void {
    t.v[2 * i] = loOf(tablePfn, AMD_PR | ((level & 7) << 9));
    t.v[2 * i + 1] = hiOf(tablePfn, AMD_IR_HI | AMD_IW_HI);
  }
  /** amdv1pt_iommu_set_prot */
  protected gSetProt(prot: number): Errno | undefined {
    this.aLo = 0;
    this.aHi = (this.fc ? AMD_FC_HI : 0) | (prot & IOMMU_READ ? AMD_IR_HI : 0) | (prot & IOMMU_WRITE ? AMD_IW_HI : 0);
    return undefined;
  }
  flagsOf(_k: number, lo: number, hi: number): string[] {
    return amdFlags(lo, hi);
  }

  /** With DYNAMIC_TOP the current top covers 12 + 9·(top+1) bits (capped by max_vasz). */
  protected override curVaszLg2(): number {
    return this.topK >= PT_MAX_TOP_LEVEL ? this.vaszLg2 : Math.min(this.vaszLg2, 12 + 9 * (this.topK + 1));
  }
  protected override refreshFastLimit(): void {
    super.refreshFastLimit();
    const w = this.curVaszLg2();
    this.hwFastPfn = w >= 64 ? 0 : 2 ** (w - 12);
  }
  override vpfnOfIova(iova: bigint): number | undefined {
    const w = this.curVaszLg2();
    if (iova < 0n || (w < 64 && iova >> BigInt(w) !== 0n)) return undefined;
    return Number(iova >> 12n);
  }

  /** check_map_range + increase_top: grow until the range fits and the top can hold the leaf. */
  protected override checkMapRange(iova: bigint, len: bigint): Errno | undefined {
    const err = this.makeRange(iova, len);
    if (!err && this.leafLevelOfMap() <= this.topK) return undefined;
    if (err && err !== 'ERANGE') return err;
    const last = iova + len - 1n;
    let level = this.topK;
    for (;;) {
      const cover = level >= PT_MAX_TOP_LEVEL ? this.vaszLg2 : Math.min(this.vaszLg2, 12 + 9 * (level + 1));
      if ((cover >= 64 || last >> BigInt(cover) === 0n) && this.leafLevelOfMap() <= level) break;
      level++;
      if (level > PT_MAX_TOP_LEVEL || 12 + 9 * level >= this.vaszLg2) return 'ERANGE';
    }
    const fresh: TablePage[] = [];
    for (let l = this.topK + 1; l <= level; l++) {
      const nt = this.store.alloc();
      if (nt === undefined) {
        for (const t of fresh) this.store.free(t);
        return 'ENOMEM';
      }
      fresh.push(nt);
    }
    // each new top's entry 0 points at the previous top (no flush: change_top only rewrites the DTE)
    for (const nt of fresh) {
      this.topK++;
      this.gWriteTable(nt, 0, this.topK, this.root.pfn);
      if (nt.kids !== null) nt.kids[0] = this.root;
      this.root = nt;
      this.levels = this.topK + 1;
    }
    this.refreshFastLimit();
    return this.makeRange(iova, len);
  }

  protected hwStart(iova: bigint): WalkFault | null {
    return this.vpfnOfIova(iova) === undefined ? 'beyond-address-width' : null;
  }
  protected hwCheck(k: number, lo: number, hi: number, write: boolean): WalkFault | null {
    return amdHwCheck(k, lo, hi, write);
  }
  protected hwIsLeaf(k: number, lo: number): boolean {
    const nl = nlOf(lo);
    return k === 0 || nl === 0 || nl === 7;
  }

  /** The root's physical address as the DTE Host Page Table Root. */
  get hostPtRoot(): bigint {
    return pfnAddr(this.root.pfn);
  }
}

/** amdv1pt_entry_num_contig_lg2: ffz of the entry shifted so the size-marker run starts at bit 1. */
function contigLg2(level: number, lo: number, hi: number): number {
  if (nlOf(lo) !== 7) return 0;
  const s = 11 + 9 * level; // __bf_shf(OA) - 1 + item_lg2sz - granule
  const code = s < 32 ? ((lo >>> s) | (s === 0 ? 0 : hi << (32 - s))) >>> 0 : hi >>> (s - 32);
  const z = ~code;
  return z === 0 ? 32 : 31 - Math.clz32(z & -z);
}
