import { describe, expect, it } from 'vitest';
import { PageAllocator, PhysMem, dmaBitMask, formatSize, parseSize } from './index.js';

describe('address helpers', () => {
  it('DMA_BIT_MASK matches include/linux/dma-mapping.h', () => {
    expect(dmaBitMask(32)).toBe(0xffffffffn);
    expect(dmaBitMask(64)).toBe(0xffffffffffffffffn);
    expect(dmaBitMask(24)).toBe(0xffffffn);
    expect(() => dmaBitMask(65)).toThrow(RangeError);
  });
  it('parses sizes and hex with separators', () => {
    expect(parseSize('4K')).toBe(4096n);
    expect(parseSize('2M')).toBe(2n << 20n);
    expect(parseSize('0x10_0000')).toBe(0x100000n);
    expect(parseSize('12')).toBe(12n);
    expect(parseSize('4Q')).toBeUndefined();
    expect(formatSize(64n << 10n)).toBe('64K');
    expect(formatSize(100n)).toBe('100');
  });
});

describe('PhysMem', () => {
  it('reads zero from untouched RAM and round-trips bytes across a page boundary', () => {
    const m = new PhysMem({ size: 1n << 30n });
    expect(m.read(0x1000n, 4)).toEqual(new Uint8Array(4));
    m.write(0x1ffen, new Uint8Array([1, 2, 3, 4]));
    expect([...m.read(0x1ffen, 4)]).toEqual([1, 2, 3, 4]);
    expect(m.residentPages).toBe(2);
  });
  it('puts RAM above 3G at 4G (the PCI hole is not RAM)', () => {
    const m = new PhysMem({ size: 4n << 30n });
    expect(m.isRam(0xbffff)).toBe(true);
    expect(m.isRam(0xc0000)).toBe(false);
    expect(m.isRam(0x100000)).toBe(true);
    expect(m.end).toBe(0x140000000n);
    expect(() => m.write(0xc0000000n, new Uint8Array(1))).toThrow(/not RAM/);
  });
  it('stores little-endian 64-bit words', () => {
    const m = new PhysMem({ size: 1n << 20n });
    m.writeU64(0x2008n, 0x7000000000200001n);
    expect(m.readU64(0x2008n)).toBe(0x7000000000200001n);
    expect(m.read(0x2008n, 1)[0]).toBe(1);
  });
});

describe('PageAllocator', () => {
  it('hands out first-fit pages, honours alignment, windows and frees', () => {
    const m = new PhysMem({ size: 1n << 24n });
    const a = new PageAllocator(m);
    expect(a.alloc({ pages: 1 })).toBe(0);
    expect(a.alloc({ pages: 2, alignPages: 2 })).toBe(2);
    expect(a.alloc({ pages: 1 })).toBe(1);
    expect(a.alloc({ pages: 1, topDown: true })).toBe(0xfff);
    a.free(1);
    expect(a.alloc({ pages: 1 })).toBe(1);
    expect(a.allocated).toBe(5);
    expect(() => a.free(0x500)).toThrow(/not allocated/);
    expect(() => a.alloc({ pages: 1, minPfn: 0x1000 })).toThrow(/no 1 free/);
  });
  it('never allocates in the PCI hole', () => {
    const m = new PhysMem({ size: 4n << 30n });
    const a = new PageAllocator(m);
    expect(a.alloc({ pages: 1, minPfn: 0xbffff })).toBe(0xbffff);
    expect(a.alloc({ pages: 1, minPfn: 0xbffff })).toBe(0x100000);
  });
});
