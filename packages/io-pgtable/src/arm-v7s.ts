import {
  ATTR_AP0_AF,
  ATTR_AP1_UNPRIV,
  ATTR_AP2_RDONLY,
  V7S_NS_TABLE,
  V7S_TYPE_TABLE,
  attrShift,
  contToPte,
  isCont,
  isTable,
  isValid,
  leafShift,
  lvlShift,
  paddrToPte,
  protToPte,
  pteToCont,
  pteToPaddr,
  pteToProt,
  toMtk,
  v7sFlags,
} from './arm-v7s-bits.js';
import { KIND_LEAF, KIND_NONE, KIND_TABLE, PageTableBase, noDirtyOps } from './base.js';
import type { DirtyResult } from './dirty.js';
import type { IotlbGather } from './gather.js';
import { isPow2, newSplit, pfnAddr, splitAddr } from './num.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import type { MapResult, PageTableConfig, PteDumpRow, WalkFault, WalkResult } from './types.js';
import { L2Slab } from './v7s-slab.js';
import type { L2Slot, SlabStats } from './v7s-slab.js';
import { WalkFail, WalkOk } from './walk-result.js';
import type { TableLayout } from './walk-result.js';

const V7S_FILE = 'drivers/iommu/io-pgtable-arm-v7s.c';
const TWO32 = 4294967296;
const LAYOUT: TableLayout = { unitShift: 10, entryBytes: 4 };
const PARTIAL = 'Unmap of a partial large IOPTE is not allowed';

export interface ArmV7sOptions {
  ias: number;
  oas: number;
  /** Page sizes after `cfg->pgsize_bitmap &= SZ_4K | SZ_64K | SZ_1M | SZ_16M`. */
  pgsizeBitmap: bigint;
  ns: boolean;
  noPerms: boolean;
  mtkExt: boolean;
  mtkTtbrExt: boolean;
  coherentWalk: boolean;
}

/** cfg->arm_v7s_cfg as arm_v7s_alloc_pgtable fills it (ttbr is a u32 register value). */
export interface ArmV7sRegisters {
  ttbr: bigint;
  tcr: number;
  nmrr: number;
  prrr: number;
}

/**
 * Arm v7 short-descriptor tables (ARM_V7S), drivers/iommu/io-pgtable-arm-v7s.c: 32-bit entries,
 * a level-1 table of 2^(ias-20) entries (16 KiB for ias 32) and 1 KiB level-2 tables from a
 * kmem_cache (see L2Slab). `arm_v7s_map_pages`/`__arm_v7s_map`/`arm_v7s_init_pte` (one page
 * per call round, replicated entries for 64K large pages and 16M supersections, a section over a
 * level-2 table frees the table, EEXIST otherwise), `arm_v7s_unmap_pages`/`__arm_v7s_unmap`
 * (old: `arm_v7s_split_cont` + `arm_v7s_split_blk_unmap`; new: WARN_ONCE and 0),
 * `arm_v7s_iova_to_phys`, `arm_v7s_free_pgtable`. Levels are 1 (sections) and 2 (pages).
 */
export class ArmV7sTable extends PageTableBase {
  protected override readonly countsFromDump = true;
  readonly registers: ArmV7sRegisters;
  private readonly l1n: number;
  private readonly ns: boolean;
  private readonly noPerms: boolean;
  private readonly mtk: boolean;
  private readonly ttbrExt: boolean;
  private readonly slab: L2Slab;
  /** The two WARN_ONCE sites of __arm_v7s_unmap (contiguous entry, section). */
  private readonly warned = [false, false];
  private readonly ws = newSplit();

  constructor(cfg: PageTableConfig, o: ArmV7sOptions) {
    // __arm_v7s_alloc_table: tables must fit a 32-bit PTE (GFP_DMA32 / SLAB_CACHE_DMA32) unless
    // ARM_MTK_TTBR_EXT, which allows anything below 2^oas
    const limit = o.mtkTtbrExt ? 2 ** (o.oas - 12) : 2 ** 20;
    const tableAlloc = { minPfn: 1, ...cfg.tableAlloc, maxPfn: Math.min(cfg.tableAlloc?.maxPfn ?? limit, limit) };
    const l1Bytes = 4 * 2 ** (o.ias - 20);
    super(
      { ...cfg, tableAlloc },
      {
        format: 'arm-v7s',
        implementation: 'io-pgtable-arm-v7s.c',
        levels: 2,
        ias: o.ias,
        oas: o.oas,
        pgsizeBitmap: o.pgsizeBitmap,
        rootPages: Math.max(1, l1Bytes / 4096),
      },
    );
    this.l1n = 2 ** (o.ias - 20);
    this.ns = o.ns;
    this.noPerms = o.noPerms;
    this.mtk = o.mtkExt;
    this.ttbrExt = o.mtkTtbrExt;
    this.slab = new L2Slab(this.store);
    this.entryHexDigits = 8;
    const pa = this.root.pfn * 4096;
    let ttbr: number;
    if (this.mtk) ttbr = ((pa % TWO32) | Math.floor(pa / TWO32)) >>> 0; // paddr | upper_32_bits(paddr)
    // TTBR S | coherent ? NOS | IRGN(WBWA) | ORGN(WBWA) : IRGN(NC) | ORGN(NC)
    else ttbr = (pa | 0x2 | (o.coherentWalk ? 0x20 | 0x40 | 0x8 : 0)) >>> 0;
    // PRRR: TR1 Device, TR4 and TR7 Normal, DS0, DS1, NS1, NOS7; NMRR: IR7/OR7 WBWA
    this.registers = { ttbr: BigInt(ttbr), tcr: 0, nmrr: 0x40004000, prrr: 0x800b8204 };
  }

  /** The level-2 table cache: slots (1 KiB tables) and the pages they are carved from. */
  get l2Tables(): SlabStats {
    return this.slab.stats;
  }

  // ---- entries -------------------------------------------------------------------------------

  private get(t: L2Slot | null, i: number): number {
    return t === null ? this.rootPages[i >> 10]!.v[i & 1023]! : t.page.v[t.base + i]!;
  }
  private set(t: L2Slot | null, i: number, v: number): void {
    if (t === null) this.rootPages[i >> 10]!.v[i & 1023] = v;
    else t.page.v[t.base + i] = v;
  }
  private idx1(va: number): number {
    return Math.floor(va / 1048576) % this.l1n;
  }
  private idx2(va: number): number {
    return Math.floor(va / 4096) % 256;
  }
  private entries(lvl: number): number {
    return lvl === 1 ? this.l1n : 256;
  }
  /** iopte_deref for a level-1 table entry: our slot, or a raw view of whatever it points at. */
  private deref(pte: number): L2Slot | undefined {
    const pa = pteToPaddr(pte, 1, this.mtk);
    const slot = this.slab.lookup(pa);
    if (slot) return slot;
    const pfn = Math.floor(pa / 4096);
    if (!this.store.isRam(pfn)) return undefined;
    return { pa, page: this.store.rawView(pfn), base: (pa % 4096) / 4 };
  }
  /** arm_v7s_install_table's new entry. */
  private tableEntry(pa: number): number {
    let e = (pa | V7S_TYPE_TABLE) >>> 0;
    if (this.ttbrExt) e = toMtk(pa, e);
    if (this.ns) e |= V7S_NS_TABLE;
    return e >>> 0;
  }
  private warn(fn: string): void {
    this.log.push(`WARNING: at ${V7S_FILE}:${fn}`);
  }
  private warnPartial(site: 0 | 1): void {
    if (!this.warned[site]) this.log.push(PARTIAL, `WARNING: at ${V7S_FILE}:__arm_v7s_unmap`);
    this.warned[site] = true;
  }
  private addPage(gather: IotlbGather | null, va: number, size: number): void {
    if (gather === null) this.events.push({ kind: 'add-page', iova: BigInt(va), granule: BigInt(size) });
    else this.evAddPage(gather, BigInt(va), BigInt(size));
  }
  private validSize(pgsize: bigint): boolean {
    return isPow2(pgsize) && (pgsize & this.pgsizeBitmap) === pgsize;
  }

  // ---- map -----------------------------------------------------------------------------------

  /** arm_v7s_map_pages: one __arm_v7s_map per page; stops at the first error. */
  mapPages(iova: bigint, paddr: bigint, pgsize: bigint, pgcount: number, prot: number): MapResult {
    if (this.freed) return { errno: 'EFAULT', mapped: 0n };
    if (!this.validSize(pgsize)) {
      // not a kernel check: the IOMMU core only ever passes sizes from the bitmap
      this.log.push(`dmasim: ${V7S_FILE}:arm_v7s_map_pages given a size outside pgsize_bitmap`);
      return { errno: 'EINVAL', mapped: 0n };
    }
    if (iova < 0n || iova >> BigInt(this.ias) !== 0n || paddr < 0n || paddr >> BigInt(this.oas) !== 0n) {
      this.warn('arm_v7s_map_pages');
      return { errno: 'ERANGE', mapped: 0n };
    }
    if (!(prot & (IOMMU_READ | IOMMU_WRITE))) {
      return this.profile.armNoPermMap === 'noop' ? { mapped: 0n } : { errno: 'EINVAL', mapped: 0n };
    }
    if (!Number.isInteger(pgcount) || pgcount < 1) return { errno: 'EINVAL', mapped: 0n };
    let va = Number(iova);
    let pa = Number(paddr);
    const size = Number(pgsize);
    let mapped = 0;
    for (let n = 0; n < pgcount; n++) {
      const err = this.mapOne(va, pa, size, prot);
      if (err) return { errno: err, mapped: BigInt(mapped) };
      va += size;
      pa += size;
      mapped += size;
    }
    return { mapped: BigInt(mapped) };
  }

  /** __arm_v7s_map from level 1. */
  private mapOne(va: number, pa: number, size: number, prot: number): 'EEXIST' | 'EINVAL' | 'ENOMEM' | 'EFAULT' | undefined {
    const n1 = Math.floor(size / 1048576);
    const i1 = this.idx1(va);
    if (n1) return this.initPte(null, i1, n1, 1, va, pa, prot);
    let pte = this.get(null, i1);
    if (pte === 0) {
      const slot = this.slab.alloc();
      if (!slot) return 'ENOMEM';
      pte = this.tableEntry(slot.pa);
      this.set(null, i1, pte);
    }
    if (!isTable(pte, 1)) {
      this.warn('__arm_v7s_map');
      return 'EEXIST';
    }
    const t = this.deref(pte);
    if (!t) return 'EFAULT';
    return this.initPte(t, this.idx2(va), Math.floor(size / 4096), 2, va, pa, prot);
  }

  /** arm_v7s_init_pte: tables in the way are unmapped first, any other entry is EEXIST. */
  private initPte(t: L2Slot | null, i0: number, num: number, lvl: number, va: number, pa: number, prot: number): 'EEXIST' | 'EINVAL' | undefined {
    if (i0 + num > this.entries(lvl)) {
      this.log.push(`dmasim: ${V7S_FILE}:arm_v7s_init_pte would write past the end of the table`);
      return 'EINVAL';
    }
    const blk = 2 ** lvlShift(lvl);
    for (let i = 0; i < num; i++) {
      const e = this.get(t, i0 + i);
      if (isTable(e, lvl)) {
        if (this.unmapAt(null, va + i * blk, blk, lvl, t) !== blk) {
          this.warn('arm_v7s_init_pte');
          return 'EINVAL';
        }
      } else if (e !== 0) {
        this.warn('arm_v7s_init_pte');
        return 'EEXIST';
      }
    }
    let pte = protToPte(prot, lvl, this.noPerms, this.ns);
    if (num > 1) pte = pteToCont(pte, lvl);
    pte = (pte | paddrToPte(pa, lvl, this.mtk)) >>> 0;
    for (let i = 0; i < num; i++) this.set(t, i0 + i, pte);
    return undefined;
  }

  // ---- unmap ---------------------------------------------------------------------------------

  /** arm_v7s_unmap_pages: one __arm_v7s_unmap per page, stopping at the first that unmaps nothing. */
  unmapPages(iova: bigint, pgsize: bigint, pgcount: number, gather?: IotlbGather): bigint {
    if (this.freed) return 0n;
    if (iova < 0n || iova >> BigInt(this.ias) !== 0n) {
      this.warn('arm_v7s_unmap_pages');
      return 0n;
    }
    if (!this.validSize(pgsize)) {
      this.log.push(`dmasim: ${V7S_FILE}:arm_v7s_unmap_pages given a size outside pgsize_bitmap`);
      return 0n;
    }
    let va = Number(iova);
    const size = Number(pgsize);
    let unmapped = 0;
    for (let n = 0; n < pgcount; n++) {
      if (this.unmapAt(gather ?? null, va, size, 1, null) === 0) break;
      unmapped += size;
      va += size;
    }
    return BigInt(unmapped);
  }

  /** __arm_v7s_unmap: returns the requested size or 0. */
  private unmapAt(gather: IotlbGather | null, va: number, size: number, lvl: number, t: L2Slot | null): number {
    if (lvl > 2) {
      this.warn('__arm_v7s_unmap');
      return 0;
    }
    const num = Math.floor(size / 2 ** lvlShift(lvl));
    const idx = lvl === 1 ? this.idx1(va) : this.idx2(va);
    const n = Math.max(1, num);
    if (idx + n > this.entries(lvl)) {
      this.log.push(`dmasim: ${V7S_FILE}:__arm_v7s_unmap would read past the end of the table`);
      return 0;
    }
    const ptes: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = this.get(t, idx + i);
      if (!isValid(p)) {
        this.warn('__arm_v7s_unmap');
        return 0;
      }
      ptes.push(p);
    }
    if (num <= 1 && isCont(ptes[0]!, lvl)) {
      if (this.profile.armPartialUnmap === 'refuse') {
        this.warnPartial(0);
        return 0;
      }
      ptes[0] = this.splitCont(va, idx, lvl, t);
    }
    if (num) {
      const blk = 2 ** lvlShift(lvl);
      for (let i = 0; i < num; i++) this.set(t, idx + i, 0);
      for (let i = 0; i < num; i++, va += blk) {
        const p = ptes[i]!;
        if (isTable(p, lvl)) {
          // "Also flush any partial walks", then free the level-2 table
          this.evFlushWalk(BigInt(va), BigInt(blk), BigInt(2 ** lvlShift(lvl + 1)));
          this.slab.free(pteToPaddr(p, lvl, this.mtk));
        } else if (!(gather !== null && gather.queued)) {
          this.addPage(gather, va, blk);
        }
      }
      return size;
    }
    if (lvl === 1 && !isTable(ptes[0]!, 1)) {
      if (this.profile.armPartialUnmap === 'refuse') {
        this.warnPartial(1);
        return 0;
      }
      return this.splitBlkUnmap(gather, va, size, ptes[0]!, idx);
    }
    const c = this.deref(ptes[0]!);
    return c ? this.unmapAt(gather, va, size, lvl + 1, c) : 0;
  }

  /**
   * arm_v7s_split_cont (≤ 6.13): the 16 replicas become 16 ordinary entries, then one
   * tlb_flush_walk over the whole 16× range (from the unmap IOVA). Returns the first piece.
   */
  private splitCont(va: number, idx: number, lvl: number, t: L2Slot | null): number {
    let pte = this.get(t, idx);
    if (!isCont(pte, lvl)) return pte;
    const base = idx - (idx & 15);
    const blk = 2 ** lvlShift(lvl);
    pte = contToPte(pte, lvl);
    for (let i = 0; i < 16 && base + i < this.entries(lvl); i++) this.set(t, base + i, (pte + i * blk) >>> 0);
    this.evFlushWalk(BigInt(va), BigInt(blk * 16), BigInt(blk * 16));
    return pte;
  }

  /**
   * arm_v7s_split_blk_unmap (≤ 6.13): a new level-2 table of the section's pieces minus the
   * unmapped ones, installed with cmpxchg against the section value read before. Reproduced as
   * the kernel had it: the pieces are re-encoded from `arm_v7s_pte_to_prot` and their output
   * addresses start at 0 (the section's address is not carried over), and after a supersection
   * split only the first section of the 16 matches the compared value, so splitting any other
   * one frees the new table and returns 0.
   */
  private splitBlkUnmap(gather: IotlbGather | null, va: number, size: number, blkPte: number, i1: number): number {
    const slot = this.slab.alloc();
    if (!slot) return 0;
    const num = Math.floor(size / 4096);
    const unmapIdx = this.idx2(va);
    let pte = protToPte(pteToProt(blkPte, 1), 2, this.noPerms, this.ns);
    if (num > 1) pte = pteToCont(pte, 2);
    for (let i = 0; i < 256; i += num, pte = (pte + size) >>> 0) {
      if (i === unmapIdx) continue;
      for (let j = 0; j < num && i + j < 256; j++) slot.page.v[slot.base + i + j] = pte;
    }
    const cur = this.get(null, i1);
    if (cur !== blkPte) {
      this.slab.free(slot.pa);
      if (!isTable(cur, 1)) return 0;
      const c = this.deref(cur);
      return c ? this.unmapAt(gather, va, size, 2, c) : 0;
    }
    this.set(null, i1, this.tableEntry(slot.pa));
    this.addPage(gather, va, size);
    return size;
  }

  // ---- lookups -------------------------------------------------------------------------------

  /** io-pgtable-arm-v7s.c has no read_and_clear_dirty. */
  readAndClearDirty(): DirtyResult {
    return noDirtyOps();
  }

  /** arm_v7s_iova_to_phys: the index masks alias IOVAs beyond ias, as in the kernel. */
  iovaToPhys(iova: bigint): bigint {
    if (this.freed) return 0n;
    splitAddr(iova, this.ws);
    const { lo, hi } = this.ws;
    let lvl = 1;
    let pte = this.get(null, ((hi & 0xfff) * 4096 + (lo >>> 20)) % this.l1n);
    if (isTable(pte, 1)) {
      const t = this.deref(pte);
      if (!t) return 0n;
      pte = this.get(t, (lo >>> 12) & 0xff);
      lvl = 2;
    }
    if (!isValid(pte)) return 0n;
    const pa = pteToPaddr(pte, lvl, this.mtk) + (lo % 2 ** leafShift(pte, lvl));
    return pfnAddr(Math.floor(pa / 4096), pa % 4096);
  }

  /**
   * What a short-descriptor walker does: translation faults on invalid entries, then (unless
   * NO_PERMS: hardware without permissions) the access flag, AP[2] read-only and AP[1] user checks.
   */
  override walk(iova: bigint, access: 'read' | 'write'): WalkResult {
    const raw: number[] = [];
    if (this.freed) return new WalkFail(raw, 'not-present', 1, LAYOUT);
    if (BigInt.asUintN(64, iova) >> BigInt(this.ias) !== 0n) return new WalkFail(raw, 'beyond-address-width', 1, LAYOUT);
    splitAddr(iova, this.ws);
    const { lo, hi } = this.ws;
    const i1 = ((hi & 0xfff) * 4096 + (lo >>> 20)) % this.l1n;
    let pte = this.get(null, i1);
    let lvl = 1;
    raw.push(1, i1, this.root.pfn * 4, pte, 0);
    if ((pte & 3) === 0) return new WalkFail(raw, 'not-present', 1, LAYOUT);
    if (isTable(pte, 1)) {
      const t = this.deref(pte);
      if (!t) return new WalkFail(raw, 'reserved-bits', 1, LAYOUT);
      const i2 = (lo >>> 12) & 0xff;
      pte = this.get(t, i2);
      lvl = 2;
      raw.push(2, i2, t.pa / 1024, pte, 0);
      if ((pte & 3) === 0) return new WalkFail(raw, 'not-present', 2, LAYOUT);
    }
    if (!this.noPerms) {
      const attr = pte >>> attrShift(lvl);
      if (!(attr & ATTR_AP0_AF)) return new WalkFail(raw, 'not-present', lvl, LAYOUT); // access flag fault
      if (access === 'write' && attr & ATTR_AP2_RDONLY) return new WalkFail(raw, 'no-write', lvl, LAYOUT);
      if (!(attr & ATTR_AP1_UNPRIV)) return new WalkFail(raw, 'user-priv', lvl, LAYOUT);
    }
    const shift = leafShift(pte, lvl);
    const pa = pteToPaddr(pte, lvl, this.mtk) + (lo % 2 ** shift);
    return new WalkOk(raw, lvl, Math.floor(pa / 4096), pa % 4096, shift, LAYOUT);
  }

  override readEntry(level: number, iova: bigint): { pa: bigint; value: bigint } | undefined {
    if (this.freed || (level !== 1 && level !== 2)) return undefined;
    splitAddr(iova, this.ws);
    const { lo, hi } = this.ws;
    const i1 = ((hi & 0xfff) * 4096 + (lo >>> 20)) % this.l1n;
    const pte = this.get(null, i1);
    if (level === 1) return { pa: BigInt(this.root.pfn * 4096 + i1 * 4), value: BigInt(pte) };
    const t = isTable(pte, 1) ? this.slab.lookup(pteToPaddr(pte, 1, this.mtk)) : undefined;
    if (!t) return undefined;
    const i2 = (lo >>> 12) & 0xff;
    return { pa: BigInt(t.pa + i2 * 4), value: BigInt(this.get(t, i2)) };
  }

  override dump(): PteDumpRow[] {
    const rows: PteDumpRow[] = [];
    if (this.freed) return rows;
    const l1Pa = this.root.pfn * 4096;
    const row = (lvl: number, i: number, tablePa: number, pte: number, va: number): void => {
      const table = isTable(pte, lvl);
      const shift = table ? 20 : leafShift(pte, lvl);
      const start = va - (va % 2 ** shift);
      rows.push({
        level: lvl,
        index: i,
        tablePa: BigInt(tablePa),
        entryPa: BigInt(tablePa + i * 4),
        value: BigInt(pte),
        kind: table ? 'table' : 'leaf',
        iova: BigInt(start),
        size: 1n << BigInt(shift),
        oa: BigInt(pteToPaddr(pte, lvl, this.mtk)),
        flags: v7sFlags(pte, lvl, this.mtk),
      });
    };
    for (let i1 = 0; i1 < this.l1n; i1++) {
      const pte = this.get(null, i1);
      if (!isValid(pte)) continue;
      row(1, i1, l1Pa, pte, i1 * 1048576);
      if (!isTable(pte, 1)) continue;
      const t = this.slab.lookup(pteToPaddr(pte, 1, this.mtk));
      if (!t) continue;
      for (let i2 = 0; i2 < 256; i2++) {
        const p = this.get(t, i2);
        if (isValid(p)) row(2, i2, t.pa, p, i1 * 1048576 + i2 * 4096);
      }
    }
    return rows;
  }


  /** free_io_pgtable_ops → arm_v7s_free_pgtable: flush-all, the level-2 tables, the level-1 table. */
  override free(): void {
    super.free();
    this.slab.reset();
  }

  // ---- base hooks (internal level k: 0 = level 2, 1 = level 1) ------------------------------

  publicLevel(k: number): number {
    return 2 - k;
  }
  itemShift(k: number): number {
    return k === 0 ? 12 : 20;
  }
  indexOf(k: number, vpfn: number): number {
    return k === 0 ? vpfn % 256 : Math.floor(vpfn / 256) % this.l1n;
  }
  kindOf(k: number, lo: number): number {
    if (!isValid(lo)) return KIND_NONE;
    return isTable(lo, 2 - k) ? KIND_TABLE : KIND_LEAF;
  }
  oaPfnOf(k: number, lo: number): number {
    return Math.floor(pteToPaddr(lo, 2 - k, this.mtk) / 4096);
  }
  leafShiftOf(k: number, lo: number): number {
    return leafShift(lo, 2 - k);
  }
  flagsOf(k: number, lo: number): string[] {
    return v7sFlags(lo, 2 - k, this.mtk);
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
  protected hwIsLeaf(k: number, lo: number): boolean {
    return !isTable(lo, 2 - k);
  }
}
