/**
 * Allocator-level conformance scenarios from the fact sheet (core.md §9, S-11..S-18),
 * run against both the fast model and the naive reference. Expected values come from
 * the fact sheet, not from running this code. Addresses: pfn << 12 (4 KiB granule).
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { IovaDomain } from './domain.js';
import { iovaProfiles } from './profile.js';
import { NaiveIovaDomain } from './testing/naive.js';

const LIMIT32 = 0xfffff; // DMA_BIT_MASK(32) >> 12
const LIMIT48 = Math.floor((2 ** 48 - 1) / 4096); // a 48-bit aperture

interface Alloc {
  allocIovaFast(size: number, limit: number, flush: boolean, cpu?: number): number;
  freeIovaFast(pfn: number, size: number, cpu?: number): void;
  freeIova(pfn: number): void;
  reserveIova(lo: number, hi: number): unknown;
  readonly max32AllocSize: number;
}

const impls: [string, () => Alloc][] = [
  ['IovaDomain', () => new IovaDomain({ granule: 4096, startPfn: 1 })],
  [
    'NaiveIovaDomain',
    () => new NaiveIovaDomain({ granule: 4096, startPfn: 1, clock: new ManualClock(), profile: iovaProfiles['6.19'] }),
  ],
];

/** dma-iommu's view: bytes at a page offset -> granules (iova_align(size + offset) >> shift). */
const pages = (bytes: number, offset = 0): number => Math.ceil((bytes + offset) / 4096);
const addr = (pfn: number, offset = 0): number => pfn * 4096 + offset;

describe.each(impls)('%s: fact sheet scenarios', (_name, make) => {
  it('S-11: first 32-bit IOVA of a fresh domain is 0xfffff010 for 100 bytes at offset 0x10', () => {
    const d = make();
    const pfn = d.allocIovaFast(pages(100, 0x10), LIMIT32, true);
    expect(addr(pfn, 0x10)).toBe(0xfffff010);
  });

  it('S-12: 8192 bytes at offset 0x800 -> 0xffffc800 (3 pages rounded to 4), then 0xffffb000', () => {
    const d = make();
    const a = d.allocIovaFast(pages(8192, 0x800), LIMIT32, true);
    expect(addr(a, 0x800)).toBe(0xffffc800);
    expect(addr(d.allocIovaFast(pages(100), LIMIT32, true))).toBe(0xffffb000);
  });

  it('S-13: the cached node hides the gap above: 33 pages -> 0xfffc0000, then 1 page -> 0xfffbf000', () => {
    const d = make();
    expect(addr(d.allocIovaFast(33, LIMIT32, true))).toBe(0xfffc0000);
    expect(addr(d.allocIovaFast(1, LIMIT32, true))).toBe(0xfffbf000);
  });

  it('S-14: strict unmap reuses IOVAs LIFO through the rcache', () => {
    const d = make();
    const [a, b, c] = [1, 2, 3].map(() => d.allocIovaFast(1, LIMIT32, true));
    expect([a, b, c].map((p) => addr(p!))).toEqual([0xfffff000, 0xffffe000, 0xffffd000]);
    d.freeIovaFast(a!, 1);
    d.freeIovaFast(b!, 1);
    expect(addr(d.allocIovaFast(1, LIMIT32, true))).toBe(0xffffe000);
    expect(addr(d.allocIovaFast(1, LIMIT32, true))).toBe(0xfffff000);
    expect(addr(d.allocIovaFast(1, LIMIT32, true))).toBe(0xffffc000);
  });

  it('S-16: 64-bit mask: SAC first gives 0xfffff000; forcedac gives the top of 48 bits', () => {
    const sac = make();
    expect(addr(sac.allocIovaFast(1, LIMIT32, false))).toBe(0xfffff000);
    const dac = make();
    expect(addr(dac.allocIovaFast(1, LIMIT48, true))).toBe(0xfffffffff000);
  });

  it('S-17: with the 32-bit space full the SAC attempt fails and the DAC one lands at the top', () => {
    const d = make();
    d.reserveIova(0, LIMIT32);
    expect(d.allocIovaFast(1, LIMIT32, false)).toBe(0);
    expect(addr(d.allocIovaFast(1, LIMIT48, true))).toBe(0xfffffffff000);
  });

  it('S-18: a failed 8-page 32-bit request makes >= 8-page requests fail fast until a 32-bit tree free', () => {
    const d = make();
    d.reserveIova(1, 0xffeff); // leave 256 pages at the top of the 32-bit space
    const four: number[] = [];
    for (let i = 0; i < 64; i++) four.push(d.allocIovaFast(4, LIMIT32, true));
    expect(four[0]).toBe(0xffffc);
    expect(four[63]).toBe(0xfff00);
    for (let i = 0; i < 64; i += 2) d.freeIova(four[i]!); // 4-page holes, no 8-page one
    expect(d.max32AllocSize).toBe(0x100000);
    expect(d.allocIovaFast(8, LIMIT32, true)).toBe(0);
    expect(d.max32AllocSize).toBe(8);
    expect(d.allocIovaFast(16, LIMIT32, true)).toBe(0); // fast fail
    // Smaller ones are still served: the first hole from the top (the anchor is cached32
    // again since the free of 0xffffc moved it up).
    expect(d.allocIovaFast(4, LIMIT32, true)).toBe(0xffffc);
    expect(d.max32AllocSize).toBe(8);
    // Tree frees of ranges below 0x100000 reset the limit; 0xffff0..0xffffb is now free
    // (0xffff4 was a hole), so the next 8-page request is searched again and fits below
    // the cached node at 0xffffc.
    d.freeIova(four[1]!); // 0xffff8
    expect(d.max32AllocSize).toBe(0x100000);
    d.freeIova(four[3]!); // 0xffff0
    expect(d.allocIovaFast(8, LIMIT32, true)).toBe(0xffff0);
  });
});
