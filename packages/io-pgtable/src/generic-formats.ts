import type { GeometryInfo } from './base.js';
import { GenericPtTable, PT_EMPTY, PT_OA, PT_TABLE } from './generic-pt.js';
import type { GenericOptions } from './generic-pt.js';
import { hiOf, loOf, pfnOf52 } from './num.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import type { TablePage } from './table-store.js';
import type { Errno, PageTableConfig, WalkFault } from './types.js';
import { FL_A, FL_D, FL_P, FL_PS, FL_RW, FL_US, SS_A, SS_D, SS_PS, SS_R, SS_SNP, SS_SW0, SS_W, flHwCheck, ssFlags, ssHwCheck, x86Flags } from './vtd-bits.js';

/** drivers/iommu/generic_pt/fmt/vtdss.h — VT-d second stage. */
export class VtdssTable extends GenericPtTable {
  private readonly snp: boolean;
  private readonly sp2M: boolean;
  private readonly sp1G: boolean;
  private readonly aw: number;
  private readonly tableSw: number;

  constructor(
    cfg: PageTableConfig,
    geo: Omit<GeometryInfo, 'levels'>,
    o: GenericOptions & { forceSnoop: boolean; sp2M: boolean; sp1G: boolean; incoherent?: boolean },
  ) {
    super(cfg, geo, o);
    this.snp = o.forceSnoop;
    this.sp2M = o.sp2M;
    this.sp1G = o.sp1G;
    this.aw = o.vaszLg2;
    this.presentMask = -1; // vtdss: an entry is empty only when all 64 bits are zero
    // PT_FEAT_DMA_INCOHERENT: pt_iommu_new_table flushes the new table entry, then sets
    // SW_BIT_CACHE_FLUSH_DONE (pt_sw_bit(0) = bit 10, vtdss_pt_sw_bit) in it
    this.tableSw = o.incoherent ? SS_SW0 : 0;
  }
  /** fmt/vtdss.h: A bit 8, D bit 9 (hardware sets them with SSADE; vtdss_pt_entry_is_write_dirty). */
  protected override adBits(): { a: number; d: number } | undefined {
    return this.profile.iommuDirty ? { a: SS_A, d: SS_D } : undefined;
  }
  /** vtdss_pt_entry_is_write_dirty (no contiguous entries in this format). */
  protected gIsDirty(t: TablePage, i: number): boolean {
    return (t.v[2 * i]! & SS_D) !== 0;
  }
  /** vtdss_pt_entry_make_write_clean */
  protected gMakeClean(t: TablePage, i: number): void {
    t.v[2 * i] = (t.v[2 * i]! & ~SS_D) >>> 0;
  }
  protected get ns(): string {
    return 'pt_iommu_vtdss_';
  }
  /** vtdss_pt_load_entry_raw: 0 is empty (no present bit); level 0 or PS is a leaf. */
  protected gType(level: number, lo: number, hi: number): number {
    if (lo === 0 && hi === 0) return PT_EMPTY;
    return level === 0 || (level <= 2 && lo & SS_PS) ? PT_OA : PT_TABLE;
  }
  protected gTablePfn(lo: number, hi: number): number {
    return pfnOf52(lo, hi);
  }
  protected gOaPfn(_level: number, lo: number, hi: number): number {
    return pfnOf52(lo, hi);
  }
  protected gWriteLeaf(t: TablePage, i: number, level: number, oaPfn: number): void {
    t.v[2 * i] = loOf(oaPfn, this.aLo | (level !== 0 ? SS_PS : 0));
    t.v[2 * i + 1] = hiOf(oaPfn, this.aHi);
  }
  protected gLeafBits(level: number): boolean {
    this.laLo = this.aLo | (level !== 0 ? SS_PS : 0);
    this.laHi = this.aHi;
    return true;
  }
  /** vtdss_pt_install_table: R | W | OA (+ the cache-flush-done SW bit when incoherent) */
  protected gWriteTable(t: TablePage, i: number, _level: number, tablePfn: number): void {
    t.v[2 * i] = loOf(tablePfn, SS_R | SS_W | this.tableSw);
    t.v[2 * i + 1] = hiOf(tablePfn, 0);
  }
  /** vtdss_pt_iommu_set_prot: R and W exactly as asked (no forced R), SNP with FORCE_COHERENCE. */
  protected gSetProt(prot: number): Errno | undefined {
    if (!(prot & (IOMMU_READ | IOMMU_WRITE))) return 'EINVAL';
    this.aLo = (prot & IOMMU_READ ? SS_R : 0) | (prot & IOMMU_WRITE ? SS_W : 0) | (this.snp ? SS_SNP : 0);
    this.aHi = 0;
    return undefined;
  }
  flagsOf(k: number, lo: number): string[] {
    return ssFlags(k, lo);
  }
  protected hwStart(iova: bigint): WalkFault | null {
    return iova < 0n || iova >> BigInt(this.aw) !== 0n ? 'beyond-address-width' : null;
  }
  protected hwCheck(k: number, lo: number, _hi: number, write: boolean): WalkFault | null {
    return ssHwCheck(k, lo, write, this.sp2M, this.sp1G);
  }
  protected hwIsLeaf(k: number, lo: number): boolean {
    return k === 0 || (lo & SS_PS) !== 0;
  }
}

/** drivers/iommu/generic_pt/fmt/x86_64.h — VT-d first stage and AMD v2. */
export class X86_64Table extends GenericPtTable {
  private readonly sp1G: boolean;

  constructor(cfg: PageTableConfig, geo: Omit<GeometryInfo, 'levels'>, o: GenericOptions & { sp1G: boolean }) {
    super(cfg, geo, o);
    this.sp1G = o.sp1G;
    this.presentMask = FL_P;
  }
  protected get ns(): string {
    return 'pt_iommu_x86_64_';
  }
  /** fmt/x86_64.h defines no pt_entry_is_write_dirty: read_and_clear_dirty is -EOPNOTSUPP before any walk. */
  protected gIsDirty(): boolean {
    return false;
  }
  protected gMakeClean(): void {
    /* never called: adBits() is undefined */
  }
  /** x86_64_pt_load_entry_raw */
  protected gType(level: number, lo: number): number {
    if (!(lo & FL_P)) return PT_EMPTY;
    return level === 0 || (level <= 2 && lo & FL_PS) ? PT_OA : PT_TABLE;
  }
  protected gTablePfn(lo: number, hi: number): number {
    return pfnOf52(lo, hi);
  }
  protected gOaPfn(_level: number, lo: number, hi: number): number {
    return pfnOf52(lo, hi);
  }
  protected gWriteLeaf(t: TablePage, i: number, level: number, oaPfn: number): void {
    t.v[2 * i] = loOf(oaPfn, FL_P | this.aLo | (level !== 0 ? FL_PS : 0));
    t.v[2 * i + 1] = hiOf(oaPfn, this.aHi);
  }
  protected gLeafBits(level: number): boolean {
    this.laLo = FL_P | this.aLo | (level !== 0 ? FL_PS : 0);
    this.laHi = this.aHi;
    return true;
  }
  /** x86_64_pt_install_table: P | RW | U | A */
  protected gWriteTable(t: TablePage, i: number, _level: number, tablePfn: number): void {
    t.v[2 * i] = loOf(tablePfn, FL_P | FL_RW | FL_US | FL_A);
    t.v[2 * i + 1] = hiOf(tablePfn, 0);
  }
  /** x86_64_pt_iommu_set_prot: U | A, plus RW | D when writable. */
  protected gSetProt(prot: number): Errno | undefined {
    this.aLo = FL_US | FL_A | (prot & IOMMU_WRITE ? FL_RW | FL_D : 0);
    this.aHi = 0;
    return undefined;
  }
  flagsOf(k: number, lo: number, hi: number): string[] {
    return x86Flags(k, lo, hi);
  }
  protected hwStart(iova: bigint): WalkFault | null {
    if (this.vpfnOfIova(iova) !== undefined) return null;
    return this.signExtend ? 'non-canonical' : 'beyond-address-width';
  }
  protected hwCheck(k: number, lo: number, _hi: number, write: boolean): WalkFault | null {
    return flHwCheck(k, lo, write, this.sp1G);
  }
  protected hwIsLeaf(k: number, lo: number): boolean {
    return k === 0 || (k <= 2 && (lo & FL_PS) !== 0);
  }
}
