import { PhysMemError } from '@dmasim/physmem';
import type { AllocRequest, PageAllocator, PhysMem } from '@dmasim/physmem';

/**
 * One 4 KiB page seen as 512 little-endian u64 entries: `v[2i]` is the low half of
 * entry i, `v[2i+1]` the high half. The view aliases PhysMem's bytes, so a device
 * DMA into a table and a table walk see the same memory. `kids` caches child
 * tables by index; a cached child is trusted only if it is live and its pfn
 * matches the entry, so a stray write to a PTE can never be masked by the cache.
 */
export class TablePage {
  live = true;
  readonly kids: (TablePage | undefined)[] | null;
  /** pfn split as PTE bits 31:12 (plo) and 51:32 (phi), for integer-only pointer checks. */
  readonly plo: number;
  readonly phi: number;
  constructor(
    readonly pfn: number,
    readonly v: Uint32Array,
    /** false for a data page walked as if it were a table (kernel bugs the model reproduces). */
    readonly isTable: boolean,
  ) {
    this.kids = isTable ? new Array<TablePage | undefined>(512).fill(undefined) : null;
    this.plo = pfn % 1048576;
    this.phi = Math.floor(pfn / 1048576);
  }
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export class TableStore {
  readonly byPfn = new Map<number, TablePage>();
  allocs = 0;
  frees = 0;

  constructor(
    readonly mem: PhysMem,
    readonly pages: PageAllocator,
    /** Default minPfn 1: like the kernel, never put a table at physical address 0. */
    readonly req: Omit<AllocRequest, 'pages'> = { minPfn: 1 },
  ) {
    if (!littleEndian) throw new Error('io-pgtable needs a little-endian host (PTE halves are read as Uint32)');
  }

  /** A zeroed table page, or undefined when the allocator is out of memory (→ ENOMEM). */
  alloc(): TablePage | undefined {
    let pfn: number;
    try {
      pfn = this.pages.alloc({ ...this.req, pages: 1 });
    } catch (e) {
      if (e instanceof PhysMemError) return undefined;
      throw e;
    }
    const bytes = this.mem.pageBytes(pfn);
    const t = new TablePage(pfn, new Uint32Array(bytes.buffer, bytes.byteOffset, 1024), true);
    this.byPfn.set(pfn, t);
    this.allocs++;
    return t;
  }

  /** `n` contiguous zeroed pages aligned to n (a 16K/64K granule table or a concatenated pgd). */
  allocContig(n: number): TablePage[] | undefined {
    if (n === 1) {
      const t = this.alloc();
      return t ? [t] : undefined;
    }
    let pfn: number;
    try {
      pfn = this.pages.alloc({ ...this.req, pages: n, alignPages: n });
    } catch (e) {
      if (e instanceof PhysMemError) return undefined;
      throw e;
    }
    const out: TablePage[] = [];
    for (let p = pfn; p < pfn + n; p++) {
      const bytes = this.mem.pageBytes(p);
      const t = new TablePage(p, new Uint32Array(bytes.buffer, bytes.byteOffset, 1024), true);
      this.byPfn.set(p, t);
      this.allocs++;
      out.push(t);
    }
    return out;
  }

  free(t: TablePage): void {
    if (!t.live || !t.isTable) return;
    t.live = false;
    this.byPfn.delete(t.pfn);
    this.pages.free(t.pfn);
    this.frees++;
  }

  /**
   * The page an entry points at: the cached child, a known table, or (for a
   * descent the kernel does into a non-table page) a raw view of that page.
   * Throws PhysMemError for a pfn that is not RAM.
   */
  child(parent: TablePage, idx: number, pfn: number): TablePage {
    const kids = parent.kids;
    if (kids !== null) {
      const k = kids[idx];
      if (k !== undefined && k.live && k.pfn === pfn) return k;
    }
    const t = this.byPfn.get(pfn) ?? this.rawView(pfn);
    if (kids !== null && t.isTable) kids[idx] = t;
    return t;
  }

  /** Known table at pfn, if any. */
  table(pfn: number): TablePage | undefined {
    return this.byPfn.get(pfn);
  }

  rawView(pfn: number): TablePage {
    const bytes = this.mem.pageBytes(pfn);
    return new TablePage(pfn, new Uint32Array(bytes.buffer, bytes.byteOffset, 1024), false);
  }

  /** Whether a pfn is RAM (a hardware walk into anything else reads all-ones/garbage; we stop). */
  isRam(pfn: number): boolean {
    return this.mem.isRam(pfn);
  }
}
