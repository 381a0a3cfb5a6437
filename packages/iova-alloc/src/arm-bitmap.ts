import { fls, isCount } from './bits.js';
import { IovaError } from './errors.js';

export interface ArmBitmapOptions {
  /** mapping->base: first IO virtual address of the mapping. */
  readonly base: bigint;
  /** Requested IO address space in bytes (arm_iommu_create_mapping's u64 size). */
  readonly size: bigint;
  /** PAGE_SHIFT of the 32-bit Arm kernel; default 12. */
  readonly pageShift?: number;
  /** CONFIG_ARM_DMA_IOMMU_ALIGNMENT (Kconfig range 4..9); default 8. */
  readonly alignmentOrder?: number;
  /** BITS_PER_LONG; default 32 (arch/arm is a 32-bit architecture). */
  readonly longBits?: 32 | 64;
}

/**
 * The 32-bit Arm IOMMU DMA allocator (arch/arm/mm/dma-mapping.c, `struct
 * dma_iommu_mapping`): a list of bitmaps, one bit per page, first-fit from the bottom.
 * `arm_iommu_create_mapping` sizes one bitmap of at most PAGE_SIZE bytes and allows
 * `extensions` of them; `extend_iommu_mapping` adds the next one when every existing
 * bitmap is full for a request. Alignment is the allocation's page order, capped at
 * CONFIG_ARM_DMA_IOMMU_ALIGNMENT.
 */
export class ArmBitmapIovaAllocator {
  readonly base: bigint;
  readonly pageShift: number;
  readonly alignmentOrder: number;
  /** Bytes per bitmap (mapping->bitmap_size). */
  readonly bitmapSize: number;
  /** Pages per bitmap (mapping->bits = 8 * bitmap_size). */
  readonly bits: number;
  /** Maximum number of bitmaps (mapping->extensions). */
  readonly extensions: number;
  /** The error of the most recent call, if its input was rejected. */
  lastError: IovaError | undefined;
  private readonly bitmaps: Uint8Array[] = [];

  /** arm_iommu_create_mapping. Throws IovaError on bad options; see `create`. */
  constructor(opts: ArmBitmapOptions) {
    const r = layout(opts);
    if (r instanceof IovaError) throw r;
    this.base = opts.base;
    this.pageShift = r.pageShift;
    this.alignmentOrder = r.alignmentOrder;
    this.bitmapSize = r.bitmapSize;
    this.bits = r.bits;
    this.extensions = r.extensions;
    this.bitmaps.push(new Uint8Array(this.bits));
  }

  /** Like the constructor, but returns the error value (-ERANGE / -EINVAL as codes) instead of throwing. */
  static create(opts: ArmBitmapOptions): ArmBitmapIovaAllocator | IovaError {
    const r = layout(opts);
    return r instanceof IovaError ? r : new ArmBitmapIovaAllocator(opts);
  }

  /** mapping->nr_bitmaps */
  get nrBitmaps(): number {
    return this.bitmaps.length;
  }

  /** Bytes covered by one bitmap (mapping_size = bits << PAGE_SHIFT). */
  get mappingSize(): number {
    return this.bits * 2 ** this.pageShift;
  }

  /**
   * dma-mapping.c __alloc_iova: `size` bytes (rounded up to pages). Returns the IOVA, or
   * undefined where the kernel returns DMA_MAPPING_ERROR.
   */
  alloc(size: number): bigint | undefined {
    this.lastError = undefined;
    if (!isCount(size) || size === 0 || size > 0xffffffff) {
      this.lastError = new IovaError('IOVA_BAD_ARG', `alloc(${String(size)}): need a byte count 1..0xffffffff (size_t)`);
      return undefined;
    }
    const page = 2 ** this.pageShift;
    // include/asm-generic/getorder.h get_order: fls((size - 1) >> PAGE_SHIFT)
    let order = fls(Math.floor((size - 1) / page));
    if (order > this.alignmentOrder) order = this.alignmentOrder;
    const count = Math.ceil(size / page);
    const align = 2 ** order;
    let i = 0;
    let start = -1;
    for (; i < this.bitmaps.length; i++) {
      start = findZeroArea(this.bitmaps[i]!, this.bits, count, align);
      if (start >= 0) break;
    }
    if (i === this.bitmaps.length) {
      // extend_iommu_mapping: -EINVAL once every extension is in use
      if (this.bitmaps.length >= this.extensions) return undefined;
      this.bitmaps.push(new Uint8Array(this.bits));
      start = findZeroArea(this.bitmaps[i]!, this.bits, count, align);
      if (start < 0) return undefined; // the new bitmap stays
    }
    this.bitmaps[i]!.fill(1, start, start + count);
    return this.base + BigInt(this.mappingSize) * BigInt(i) + (BigInt(start) << BigInt(this.pageShift));
  }

  /**
   * dma-mapping.c __free_iova: clear size >> PAGE_SHIFT bits (callers pass page-aligned
   * sizes). size 0 is a no-op. Addresses the kernel would BUG() on (below base, past the
   * last extension, a range crossing into the next bitmap, a bitmap never allocated)
   * return an ARM_IOVA_BAD_FREE error and change nothing.
   */
  free(addr: bigint, size: number): IovaError | undefined {
    this.lastError = undefined;
    if (!isCount(size) || size > 0xffffffff) {
      return this.fail('IOVA_BAD_ARG', `free(…, ${String(size)}): need a byte count 0..0xffffffff`);
    }
    if (size === 0) return undefined;
    if (addr < this.base) return this.fail('ARM_IOVA_BAD_FREE', `free: 0x${addr.toString(16)} is below the mapping base (kernel BUG_ON)`);
    const msize = BigInt(this.mappingSize);
    // bitmap_index = (u32)(addr - base) / (u32)mapping_size
    const idx = Number(BigInt.asUintN(32, addr - this.base) / msize);
    if (idx > this.extensions) return this.fail('ARM_IOVA_BAD_FREE', `free: bitmap ${idx} is past the last extension (kernel BUG_ON)`);
    const bitmapBase = this.base + msize * BigInt(idx);
    if (addr + BigInt(size) > bitmapBase + msize) {
      return this.fail('ARM_IOVA_BAD_FREE', 'free: range reaches into the next bitmap (kernel BUG)');
    }
    const bm = this.bitmaps[idx];
    if (!bm) return this.fail('ARM_IOVA_BAD_FREE', `free: bitmap ${idx} was never allocated (the kernel dereferences NULL)`);
    const start = Number((addr - bitmapBase) >> BigInt(this.pageShift));
    const count = Math.floor(size / 2 ** this.pageShift);
    bm.fill(0, start, start + count);
    return undefined;
  }

  /** Pages currently marked used, over all bitmaps. */
  usedPages(): number {
    let n = 0;
    for (const b of this.bitmaps) for (const v of b) n += v;
    return n;
  }

  private fail(code: 'IOVA_BAD_ARG' | 'ARM_IOVA_BAD_FREE', msg: string): IovaError {
    this.lastError = new IovaError(code, msg);
    return this.lastError;
  }
}

/**
 * lib/bitmap.c bitmap_find_next_zero_area (start 0, align_offset 0): the lowest index
 * that is a multiple of `align` with [index, index + count) clear and inside `size`,
 * or -1 (the kernel returns an end > size, which the caller treats as failure).
 */
function findZeroArea(map: Uint8Array, size: number, count: number, align: number): number {
  let from = 0;
  for (;;) {
    let index = from;
    while (index < size && map[index] !== 0) index++; // find_next_zero_bit
    index = Math.ceil(index / align) * align; // __ALIGN_MASK(index, align - 1)
    const end = index + count;
    if (end > size) return -1;
    let i = index;
    while (i < end && map[i] === 0) i++; // find_next_bit(map, end, index)
    if (i >= end) return index;
    from = i + 1;
  }
}

function layout(
  opts: ArmBitmapOptions,
): { pageShift: number; alignmentOrder: number; bitmapSize: number; bits: number; extensions: number } | IovaError {
  const bad = (m: string): IovaError => new IovaError('ARM_IOVA_BAD_OPTIONS', m);
  if (typeof opts !== 'object') return bad('options object required: { base, size }');
  if (typeof opts.base !== 'bigint' || opts.base < 0n || opts.base > 0xffffffffffffffffn) return bad('base: need a bigint dma_addr_t');
  if (typeof opts.size !== 'bigint' || opts.size < 0n) return bad('size: need a non-negative bigint byte count');
  const pageShift = opts.pageShift ?? 12;
  if (!isCount(pageShift) || pageShift < 10 || pageShift > 16) return bad('pageShift: need 10..16');
  const alignmentOrder = opts.alignmentOrder ?? 8;
  if (!isCount(alignmentOrder) || alignmentOrder < 4 || alignmentOrder > 9) {
    return bad('alignmentOrder: CONFIG_ARM_DMA_IOMMU_ALIGNMENT is 4..9');
  }
  const longBits = opts.longBits ?? 32;
  if (longBits !== 32 && longBits !== 64) return bad('longBits: 32 or 64');
  // "currently only 32-bit DMA address space is supported"
  if (opts.size > 0x100000000n) return new IovaError('ARM_IOVA_ERANGE', `size 0x${opts.size.toString(16)} exceeds 4 GiB (-ERANGE)`);
  const pageSize = 2 ** pageShift;
  const requestedBits = Number(opts.size >> BigInt(pageShift));
  let bitmapSize = Math.ceil(requestedBits / longBits) * (longBits / 8); // BITS_TO_LONGS * sizeof(long)
  if (bitmapSize === 0) return new IovaError('ARM_IOVA_EINVAL', `size ${opts.size} is below one page (-EINVAL)`);
  let extensions = 1;
  if (bitmapSize > pageSize) {
    extensions = Math.floor(bitmapSize / pageSize);
    bitmapSize = pageSize;
  }
  return { pageShift, alignmentOrder, bitmapSize, bits: 8 * bitmapSize, extensions };
}
