import { PAGE_SHIFT, PAGE_SIZE, hex } from './address.js';

export class PhysMemError extends Error {
  constructor(
    readonly code: 'OUT_OF_RANGE' | 'OUT_OF_MEMORY' | 'DOUBLE_FREE' | 'BAD_FREE',
    message: string,
  ) {
    super(message);
    this.name = 'PhysMemError';
  }
}

/** A range of physical addresses that is RAM: [start, end) in page frames. */
export interface RamRange {
  readonly startPfn: number;
  readonly endPfn: number;
}

export interface PhysMemOptions {
  /** Bytes of RAM, a multiple of the page size. */
  readonly size: bigint;
  /**
   * Where RAM lives. Default: x86-like, [0, min(size, 3G)) plus the rest from 4G up,
   * so that the 32-bit MMIO hole (3G..4G) is never RAM.
   */
  readonly ranges?: readonly RamRange[];
}

/**
 * Sparse, byte-addressable physical memory. Pages are materialised on first write;
 * unwritten RAM reads as zero. Page tables and DMA buffers both live here, so a
 * device DMA and a page-table walk read the very same bytes.
 */
export class PhysMem {
  readonly ranges: readonly RamRange[];
  readonly totalPages: number;
  private readonly pages = new Map<number, Uint8Array>();

  constructor(opts: PhysMemOptions) {
    const pages = Number(opts.size >> BigInt(PAGE_SHIFT));
    if (opts.size <= 0n || opts.size % BigInt(PAGE_SIZE) !== 0n) {
      throw new RangeError(`memory size ${opts.size} is not a positive multiple of ${PAGE_SIZE}`);
    }
    this.ranges = opts.ranges ?? defaultX86Ranges(pages);
    this.totalPages = this.ranges.reduce((n, r) => n + (r.endPfn - r.startPfn), 0);
  }

  isRam(pfn: number): boolean {
    for (const r of this.ranges) if (pfn >= r.startPfn && pfn < r.endPfn) return true;
    return false;
  }

  /** Highest RAM address + 1. */
  get end(): bigint {
    const last = this.ranges[this.ranges.length - 1]!;
    return BigInt(last.endPfn) << BigInt(PAGE_SHIFT);
  }

  private page(pfn: number, create: boolean): Uint8Array | undefined {
    let p = this.pages.get(pfn);
    if (!p && create) {
      if (!this.isRam(pfn)) {
        throw new PhysMemError('OUT_OF_RANGE', `physical address ${hex(BigInt(pfn) << 12n)} is not RAM`);
      }
      p = new Uint8Array(PAGE_SIZE);
      this.pages.set(pfn, p);
    }
    return p;
  }

  read(addr: bigint, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let done = 0;
    let a = addr;
    while (done < len) {
      const pfn = Number(a >> 12n);
      const off = Number(a & 0xfffn);
      const n = Math.min(len - done, PAGE_SIZE - off);
      if (!this.isRam(pfn)) {
        throw new PhysMemError('OUT_OF_RANGE', `physical address ${hex(a)} is not RAM`);
      }
      const p = this.page(pfn, false);
      if (p) out.set(p.subarray(off, off + n), done);
      done += n;
      a += BigInt(n);
    }
    return out;
  }

  write(addr: bigint, data: Uint8Array): void {
    let done = 0;
    let a = addr;
    while (done < data.length) {
      const pfn = Number(a >> 12n);
      const off = Number(a & 0xfffn);
      const n = Math.min(data.length - done, PAGE_SIZE - off);
      this.page(pfn, true)!.set(data.subarray(done, done + n), off);
      done += n;
      a += BigInt(n);
    }
  }

  fill(addr: bigint, len: number, byte: number): void {
    this.write(addr, new Uint8Array(len).fill(byte));
  }

  /** Little-endian 64-bit load of an 8-byte-aligned word (page-table entries). */
  readU64(addr: bigint): bigint {
    const pfn = Number(addr >> 12n);
    const off = Number(addr & 0xff8n);
    const p = this.page(pfn, false);
    if (!p) {
      if (!this.isRam(pfn)) throw new PhysMemError('OUT_OF_RANGE', `physical address ${hex(addr)} is not RAM`);
      return 0n;
    }
    return new DataView(p.buffer, p.byteOffset).getBigUint64(off, true);
  }

  writeU64(addr: bigint, value: bigint): void {
    const p = this.page(Number(addr >> 12n), true)!;
    new DataView(p.buffer, p.byteOffset).setBigUint64(Number(addr & 0xff8n), value, true);
  }

  /** Direct access to a page's bytes for hot paths (page-table walkers index it as 32-bit halves). */
  pageBytes(pfn: number): Uint8Array {
    return this.page(pfn, true)!;
  }

  /** Number of pages that have been materialised (touched). */
  get residentPages(): number {
    return this.pages.size;
  }

  /** Drops a page's contents (reads as zero again). */
  zeroPage(pfn: number): void {
    this.pages.delete(pfn);
  }
}

function defaultX86Ranges(pages: number): RamRange[] {
  const low = 0xc0000; // 3 GiB in 4K pages: below it RAM, 3G..4G is the PCI hole
  if (pages <= low) return [{ startPfn: 0, endPfn: pages }];
  return [
    { startPfn: 0, endPfn: low },
    { startPfn: 0x100000, endPfn: 0x100000 + (pages - low) },
  ];
}
