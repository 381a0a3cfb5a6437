import { describe, expect, it } from 'vitest';
import { ArmBitmapIovaAllocator } from './arm-bitmap.js';
import { IovaError } from './errors.js';

const MiB = 1n << 20n;

describe('ArmBitmapIovaAllocator (arch/arm/mm/dma-mapping.c)', () => {
  it('arm_iommu_create_mapping sizing: one bitmap of at most PAGE_SIZE bytes, the rest as extensions', () => {
    // 1 MiB = 256 pages -> BITS_TO_LONGS(256) * 4 = 32 bytes -> 256 bits, no extension
    const small = new ArmBitmapIovaAllocator({ base: 0x10000000n, size: MiB });
    expect([small.bitmapSize, small.bits, small.extensions]).toEqual([32, 256, 1]);
    // 1 GiB = 262144 pages -> 32768 bytes > 4096 -> 8 extensions of 32768 bits (128 MiB)
    const big = new ArmBitmapIovaAllocator({ base: 0n, size: 1024n * MiB });
    expect([big.bitmapSize, big.bits, big.extensions, big.mappingSize]).toEqual([4096, 32768, 8, 128 * 2 ** 20]);
    // 4 GiB -> 32 extensions; only one bitmap exists until it is needed
    const full = new ArmBitmapIovaAllocator({ base: 0n, size: 4096n * MiB });
    expect([full.extensions, full.nrBitmaps]).toEqual([32, 1]);
  });

  it('arm_iommu_create_mapping errors: > 4 GiB is -ERANGE, less than a page -EINVAL', () => {
    const e1 = ArmBitmapIovaAllocator.create({ base: 0n, size: 4096n * MiB + 1n });
    expect((e1 as IovaError).code).toBe('ARM_IOVA_ERANGE');
    const e2 = ArmBitmapIovaAllocator.create({ base: 0n, size: 4095n });
    expect((e2 as IovaError).code).toBe('ARM_IOVA_EINVAL');
    expect(() => new ArmBitmapIovaAllocator({ base: 0n, size: MiB, alignmentOrder: 12 })).toThrow(IovaError);
  });

  it('first fit from the bottom, aligned to the page order of the size', () => {
    const a = new ArmBitmapIovaAllocator({ base: 0x10000000n, size: MiB });
    expect(a.alloc(4096)).toBe(0x10000000n); // page 0
    expect(a.alloc(8192)).toBe(0x10002000n); // order 1: page 1 is free but not 2-aligned
    expect(a.alloc(100)).toBe(0x10001000n); // page 1
    expect(a.alloc(3 * 4096)).toBe(0x10004000n); // order 2 -> 4-aligned, pages 4..6
    expect(a.alloc(4096)).toBe(0x10007000n);
    expect(a.usedPages()).toBe(8);
  });

  it('alignment is capped at CONFIG_ARM_DMA_IOMMU_ALIGNMENT pages order', () => {
    const a = new ArmBitmapIovaAllocator({ base: 0n, size: 64n * MiB });
    a.alloc(4096);
    // 2 MiB is order 9; capped to 8 -> 256-page (1 MiB) alignment
    expect(a.alloc(2 * 2 ** 20)).toBe(0x100000n);
    const b = new ArmBitmapIovaAllocator({ base: 0n, size: 64n * MiB, alignmentOrder: 4 });
    b.alloc(4096);
    expect(b.alloc(2 * 2 ** 20)).toBe(0x10000n); // 16-page alignment
  });

  it('extend_iommu_mapping adds the next bitmap when every existing one is full, up to `extensions`', () => {
    const a = new ArmBitmapIovaAllocator({ base: 0x80000000n, size: 256n * MiB }); // 2 x 128 MiB
    expect(a.extensions).toBe(2);
    expect(a.alloc(128 * 2 ** 20)).toBe(0x80000000n);
    expect(a.nrBitmaps).toBe(1);
    expect(a.alloc(4096)).toBe(0x88000000n);
    expect(a.nrBitmaps).toBe(2);
    expect(a.alloc(128 * 2 ** 20)).toBeUndefined(); // DMA_MAPPING_ERROR: no room, no more extensions
    expect(a.lastError).toBeUndefined();
  });

  it('__free_iova clears size >> PAGE_SHIFT bits; size 0 is a no-op; BUG cases are error values', () => {
    const a = new ArmBitmapIovaAllocator({ base: 0x10000000n, size: MiB });
    const x = a.alloc(2 * 4096)!;
    expect(a.free(x, 0)).toBeUndefined();
    expect(a.usedPages()).toBe(2);
    expect(a.free(x, 2 * 4096)).toBeUndefined();
    expect(a.usedPages()).toBe(0);
    expect(a.alloc(4096)).toBe(0x10000000n);
    expect(a.free(0x0fff0000n, 4096)?.code).toBe('ARM_IOVA_BAD_FREE');
    expect(a.free(0x100ff000n, 0x2000)?.code).toBe('ARM_IOVA_BAD_FREE'); // crosses the bitmap end
    expect(a.free(0x10100000n, 4096)?.code).toBe('ARM_IOVA_BAD_FREE'); // bitmap 1 never allocated
    expect(a.usedPages()).toBe(1);
    expect(a.alloc(0)).toBeUndefined();
    expect(a.lastError?.code).toBe('IOVA_BAD_ARG');
  });
});
