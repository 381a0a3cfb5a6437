import { KIND_LEAF, KIND_NONE, KIND_TABLE, PageTableBase, noDirtyOps } from './base.js';
import type { DirtyResult } from './dirty.js';
import type { IotlbGather } from './gather.js';
import { POW512, ctz, hiOf, loOf, pfnAddr, pfnOf52, splitAddr } from './num.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import type { TablePage } from './table-store.js';
import type { MapResult, PageTableConfig, WalkFault } from './types.js';
import { FL_A, FL_D, FL_P, FL_PS, FL_RW, FL_US, flHwCheck, x86Flags } from './vtd-bits.js';

const TABLE_BITS = FL_P | FL_RW | FL_US | FL_A | FL_D; // set_pgtable_attr
const AMD_FILE = 'drivers/iommu/amd/io_pgtable_v2.c';

/**
 * Legacy AMD IOMMU v2 (guest, x86 long-mode) page table, drivers/iommu/amd/io_pgtable_v2.c:
 * `iommu_v2_map_pages` (`v2_alloc_pte` tears down whatever is in the way and replaces it),
 * `iommu_v2_unmap_pages` (`fetch_pte`, whole large pages, stops at a missing table),
 * `iommu_v2_iova_to_phys`. Leaves always carry A and D. Levels: 1 = PTE … 4/5 = top.
 */
export class AmdV2LegacyTable extends PageTableBase {
  private readonly sp1G: boolean;
  private ft!: TablePage;
  private fi = 0;
  private fsize = 0; // pages

  constructor(cfg: PageTableConfig, levels: number) {
    super(cfg, {
      format: 'x86_64',
      implementation: 'amd/io_pgtable_v2.c',
      levels,
      ias: 52,
      oas: 52,
      pgsizeBitmap: 0x1000n | 0x200000n | 0x40000000n, // AMD_IOMMU_PGSIZES_V2
    });
    this.sp1G = true;
    this.hwFastPfn = 2 ** (9 * levels);
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
    return ((vpfn / POW512[k]!) >>> 0) & 511; // PM_LEVEL_INDEX: high IOVA bits alias, as in the kernel
  }
  kindOf(k: number, lo: number): number {
    if (!(lo & FL_P)) return KIND_NONE;
    return k === 0 || (k <= 2 && lo & FL_PS) ? KIND_LEAF : KIND_TABLE;
  }
  oaPfnOf(_k: number, lo: number, hi: number): number {
    return pfnOf52(lo, hi);
  }
  flagsOf(k: number, lo: number, hi: number): string[] {
    return x86Flags(k, lo, hi);
  }
  vpfnOfIova(iova: bigint): number | undefined {
    if (iova < 0n || iova >> BigInt(12 + 9 * this.levels) !== 0n) return undefined;
    return Number(iova >> 12n);
  }
  protected hwStart(iova: bigint): WalkFault | null {
    return this.vpfnOfIova(iova) === undefined ? 'beyond-address-width' : null;
  }
  protected hwCheck(k: number, lo: number, _hi: number, write: boolean): WalkFault | null {
    return flHwCheck(k, lo, write, this.sp1G);
  }
  protected hwIsLeaf(k: number, lo: number): boolean {
    return k === 0 || (k <= 2 && (lo & FL_PS) !== 0);
  }

  /** iommu_v2_map_pages */
  mapPages(iova: bigint, paddr: bigint, pgsize: bigint, pgcount: number, prot: number): MapResult {
    if (this.freed) return { errno: 'EFAULT', mapped: 0n };
    if (pgsize <= 0n || (pgsize & this.pgsizeBitmap) !== pgsize || !Number.isInteger(pgcount) || pgcount < 1) {
      if (pgsize <= 0n || (pgsize & this.pgsizeBitmap) !== pgsize) this.log.push(`WARNING: at ${AMD_FILE}:iommu_v2_map_pages`);
      return { errno: 'EINVAL', mapped: 0n };
    }
    if (!(prot & (IOMMU_READ | IOMMU_WRITE))) return { errno: 'EINVAL', mapped: 0n };
    const sp = this.sp;
    splitAddr(iova, sp);
    let va = sp.pfn;
    splitAddr(paddr, sp);
    let pa = sp.pfn;
    const shift = ctz(Number(pgsize & 0xffffffffffffn)); // pgcount << __ffs(pgsize)
    const size = pgcount * 2 ** (shift - 12);
    const mapPages = 2 ** (shift - 12); // get_alloc_page_size(pgsize) == pgsize here
    const endK = shift === 30 ? 2 : shift === 21 ? 1 : 0;
    let mapped = 0;
    let count = 0;
    let updated = false;
    let err = false;
    const leafLo = FL_P | FL_US | FL_A | FL_D | (prot & IOMMU_WRITE ? FL_RW : 0) | (endK > 0 ? FL_PS : 0);
    while (mapped < size) {
      const r = this.allocPte(va, endK);
      if (r < 0) {
        err = true; // the kernel turns the failed allocation into -EINVAL
        break;
      }
      if (r === 1) updated = true;
      const t = this.ft;
      const i = this.fi;
      t.v[2 * i] = loOf(pa, leafLo);
      t.v[2 * i + 1] = hiOf(pa, 0);
      count++;
      va += mapPages;
      pa += mapPages;
      mapped += mapPages;
    }
    if (updated) {
      if (count > 1) this.evFlushAll(); // amd_iommu_flush_tlb
      else this.evFlushWalk(iova, 0x1000n, 0x1000n); // amd_iommu_flush_page(o_iova)
    }
    const bytes = pfnAddr(mapped);
    return err ? { errno: 'EINVAL', mapped: bytes } : { mapped: bytes };
  }

  /** v2_alloc_pte: returns -1 (no memory), 0, or 1 (something was torn down); entry in ft/fi. */
  private allocPte(vpfn: number, endK: number): number {
    let k = this.levels - 1;
    let t = this.root;
    let i = this.indexOf(k, vpfn);
    let updated = 0;
    for (;;) {
      const lo = t.v[2 * i]!;
      if (k <= endK) break;
      if (lo & FL_P && lo & FL_PS) {
        // "Unmap large pte", then look again
        t.v[2 * i] = 0;
        t.v[2 * i + 1] = 0;
        updated = 1;
        continue;
      }
      if (!(lo & FL_P)) {
        const nt = this.store.alloc();
        if (nt === undefined) return -1;
        t.v[2 * i] = loOf(nt.pfn, TABLE_BITS);
        t.v[2 * i + 1] = hiOf(nt.pfn, 0);
        if (t.kids !== null) t.kids[i] = nt;
        continue;
      }
      const next = pfnOf52(lo, t.v[2 * i + 1]!);
      if (!this.store.isRam(next)) return -1;
      t = this.store.child(t, i, next);
      k--;
      i = this.indexOf(k, vpfn);
    }
    const lo = t.v[2 * i]!;
    if (lo & FL_P) {
      // "Tear down existing pte entries": a 2M/1G map frees what hung below (a known table only;
      // FLAG: the kernel frees the page the old entry points at even when it was a large leaf)
      updated = 1;
      const old = this.store.table(pfnOf52(lo, t.v[2 * i + 1]!));
      t.v[2 * i] = 0;
      t.v[2 * i + 1] = 0;
      if (old && endK > 0 && !(lo & FL_PS)) this.freeTree(old, endK - 1);
    }
    this.ft = t;
    this.fi = i;
    return updated;
  }

  /** free_pgtable(pt, level): tables below, then pt itself. */
  private freeTree(t: TablePage, k: number): void {
    for (let i = 0; i < 512 && k > 0; i++) {
      const lo = t.v[2 * i]!;
      if (!(lo & FL_P) || lo & FL_PS) continue;
      const child = this.store.table(pfnOf52(lo, t.v[2 * i + 1]!));
      if (child) this.freeTree(child, k - 1);
    }
    this.store.free(t);
  }

  /** fetch_pte: entry covering vpfn (possibly an empty PTE), or false when a table is missing. */
  private fetchPte(vpfn: number): boolean {
    let k = this.levels - 1;
    let t = this.root;
    let i = this.indexOf(k, vpfn);
    this.fsize = 1;
    while (k > 0) {
      const lo = t.v[2 * i]!;
      if (!(lo & FL_P)) return false;
      const next = pfnOf52(lo, t.v[2 * i + 1]!);
      if (!this.store.isRam(next)) return false;
      t = this.store.child(t, i, next);
      i = this.indexOf(k - 1, vpfn);
      if (t.v[2 * i]! & FL_PS) {
        if (k === 3) this.fsize = POW512[2]!;
        else if (k === 2) this.fsize = POW512[1]!;
        else return false; // "Wrongly set PSE bit in PTE"
        break;
      }
      k--;
    }
    this.ft = t;
    this.fi = i;
    return true;
  }

  /** iommu_v2_unmap_pages (+ the driver's amd_iommu_iotlb_gather_add_page on the result). */
  unmapPages(iova: bigint, pgsize: bigint, pgcount: number, gather?: IotlbGather): bigint {
    if (this.freed) return 0n;
    if (pgsize <= 0n || (pgsize & this.pgsizeBitmap) !== pgsize || !Number.isInteger(pgcount) || pgcount < 1) {
      this.log.push(`WARNING: at ${AMD_FILE}:iommu_v2_unmap_pages`);
      return 0n;
    }
    const size = pgcount * 2 ** (ctz(Number(pgsize)) - 12);
    splitAddr(iova, this.sp);
    let va = this.sp.pfn;
    let unmapped = 0;
    while (unmapped < size) {
      if (!this.fetchPte(va)) break;
      this.ft.v[2 * this.fi] = 0;
      this.ft.v[2 * this.fi + 1] = 0;
      va = va - (va % this.fsize) + this.fsize;
      unmapped += this.fsize;
    }
    const r = pfnAddr(unmapped);
    if (r > 0n && gather) this.evAddRange(gather, iova, r);
    return r;
  }

  /** amd/io_pgtable_v2.c sets no read_and_clear_dirty (amd_iommu_read_and_clear_dirty: -EOPNOTSUPP). */
  readAndClearDirty(): DirtyResult {
    return noDirtyOps();
  }

  /** iommu_v2_iova_to_phys */
  iovaToPhys(iova: bigint): bigint {
    if (this.freed) return 0n;
    splitAddr(iova, this.sp);
    const { pfn, off } = this.sp;
    if (!this.fetchPte(pfn)) return 0n;
    const lo = this.ft.v[2 * this.fi]!;
    if (!(lo & FL_P)) return 0n;
    const base = pfnOf52(lo, this.ft.v[2 * this.fi + 1]!);
    return pfnAddr(base - (base % this.fsize) + (pfn % this.fsize), off);
  }
}
