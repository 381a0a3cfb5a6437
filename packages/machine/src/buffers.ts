import { PAGE_SIZE, type PageAllocator } from '@dmasim/physmem';

/** A buffer the scenario allocated: kernel memory is physically contiguous, user memory is not. */
export interface Buffer {
  readonly kind: 'kernel' | 'user';
  readonly id: number;
  readonly size: bigint;
  /** Physical address of byte 0. */
  readonly phys: bigint;
  /** User buffers: the virtual address of byte 0. */
  readonly va?: bigint;
  /** Physical address of each 4 KiB page (user buffers: scattered). */
  readonly pages: readonly bigint[];
}

/** Kernel allocations stay above ZONE_DMA (16 MiB) like GFP_KERNEL ones usually do. */
const KERNEL_MIN_PFN = 0x1000;
/** Where user mappings start (a typical x86-64 mmap base). */
const USER_VA_BASE = 0x7f00_0000_0000n;

const SLAB_SIZES = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096] as const;

/**
 * Deterministic stand-ins for the kernel's allocators:
 * - kmalloc(size ≤ 4 KiB) carves objects of the kmalloc-N cache sequentially from a
 *   slab page (SLUB's freelist randomisation is not modelled: objects come in order);
 *   larger sizes take whole pages of the next power-of-two order (kmalloc_large);
 * - user mmap pages are faulted in one by one from the top of RAM, so a user buffer
 *   is virtually contiguous and physically scattered, as on a running system.
 */
export class BufferAllocator {
  private nextId = 1;
  private nextVa = USER_VA_BASE;
  private readonly slabs = new Map<number, { page: bigint; used: number }>();
  private readonly userBuffers: Buffer[] = [];

  constructor(private readonly pages: PageAllocator) {}

  kmalloc(size: bigint): Buffer {
    const n = Number(size);
    const cache = SLAB_SIZES.find((s) => s >= n);
    if (cache !== undefined) {
      let slab = this.slabs.get(cache);
      if (!slab || slab.used + cache > PAGE_SIZE) {
        slab = { page: BigInt(this.pages.alloc({ pages: 1, minPfn: KERNEL_MIN_PFN })) << 12n, used: 0 };
        this.slabs.set(cache, slab);
      }
      const phys = slab.page + BigInt(slab.used);
      slab.used += cache;
      return { kind: 'kernel', id: this.nextId++, size, phys, pages: [slab.page] };
    }
    const pages = Math.ceil(n / PAGE_SIZE);
    const order = 1 << Math.ceil(Math.log2(pages));
    const pfn = this.pages.alloc({ pages: order, alignPages: order, minPfn: KERNEL_MIN_PFN });
    const list: bigint[] = [];
    for (let i = 0; i < pages; i++) list.push(BigInt(pfn + i) << 12n);
    return { kind: 'kernel', id: this.nextId++, size, phys: BigInt(pfn) << 12n, pages: list };
  }

  /** A kernel buffer at a chosen physical address (claims the pages it covers). */
  kmallocAt(size: bigint, phys: bigint): Buffer {
    const first = Number(phys >> 12n);
    const last = Number((phys + size - 1n) >> 12n);
    this.pages.claim(first, last - first + 1);
    const list: bigint[] = [];
    for (let p = first; p <= last; p++) list.push(BigInt(p) << 12n);
    return { kind: 'kernel', id: this.nextId++, size, phys, pages: list };
  }

  userMmap(size: bigint): Buffer {
    const n = Math.ceil(Number(size) / PAGE_SIZE);
    const list: bigint[] = [];
    for (let i = 0; i < n; i++) list.push(BigInt(this.pages.alloc({ pages: 1, topDown: true })) << 12n);
    const va = this.nextVa;
    this.nextVa += BigInt(n * PAGE_SIZE) + 0x1000n; // a guard gap between mappings
    const b: Buffer = { kind: 'user', id: this.nextId++, size, phys: list[0]!, va, pages: list };
    this.userBuffers.push(b);
    return b;
  }

  /** The user mapping that contains a virtual address (what a page-table walk of the process finds). */
  findUser(va: bigint): Buffer | undefined {
    return this.userBuffers.find((b) => b.va !== undefined && va >= b.va && va < b.va + BigInt(b.pages.length * PAGE_SIZE));
  }
}

/** Physical address of byte `offset` of a buffer. */
export function bufferPhys(b: Buffer, offset: bigint): bigint {
  if (b.kind === 'kernel') return b.phys + offset;
  const page = b.pages[Number(offset >> 12n)];
  if (page === undefined) throw new RangeError(`offset 0x${offset.toString(16)} is outside the ${b.size}-byte buffer`);
  return page + (offset & 0xfffn);
}
