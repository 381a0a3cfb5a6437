import { describe, expect, it } from 'vitest';
import { createAppleDart } from './create.js';
import type { AppleDartConfig } from './create.js';
import { IotlbGather } from './gather.js';
import type { Release } from './profile.js';
import { IOMMU_CACHE, IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { env, recordingFlush } from './test-env.js';

const RW = IOMMU_READ | IOMMU_WRITE;
const SZ_4K = 0x1000n;
const SZ_16K = 0x4000n;

function dart(release: Release, c: Omit<AppleDartConfig, 'mem' | 'pages' | 'profile'>) {
  const e = env(release);
  const flush = recordingFlush();
  return { ...e, flush, pt: createAppleDart({ ...e, flush, ...c }) };
}

describe('Apple DART: golden G10 (facts §11) and geometry (§4)', () => {
  it('DART2 16K leaf: prot bits, sub-page end 0xfff, PA >> 4; before the SP_DIS fix bit 1 was set too', () => {
    const { pt } = dart('6.19', { ias: 36, oas: 36 });
    expect(pt.mapPages(0x4000n, 0x10000n, SZ_16K, 1, RW | IOMMU_CACHE)).toEqual({ mapped: SZ_16K });
    expect(pt.readEntry(1, 0x4000n)?.value).toBe(0x000fff0000001001n);
    const old = dart('6.12', { ias: 36, oas: 36 }).pt;
    old.mapPages(0x4000n, 0x10000n, SZ_16K, 1, RW | IOMMU_CACHE);
    expect(old.readEntry(1, 0x4000n)?.value).toBe(0x000fff0000001003n);
    pt.mapPages(0x8000n, 0x10000n, SZ_16K, 1, IOMMU_READ); // NO_CACHE | NO_WRITE
    expect(pt.readEntry(1, 0x8000n)?.value).toBe(0x000fff0000001007n);
  });
  it('DART1 4K leaf: SP_DIS | sub-page end | VALID | PA[35:12]; ias 32 → 4 TTBRs, n_levels 3', () => {
    for (const rel of ['6.1', '6.12', '6.19'] as const) {
      const { pt } = dart(rel, { format: 'dart', pgsize: '4K', ias: 32, oas: 36 });
      expect([pt.format, pt.levels, pt.registers.nTtbrs, pt.registers.nLevels]).toEqual(['apple-dart', 2, 4, 3]);
      expect(pt.stats.tablePages).toBe(4);
      expect(pt.registers.ttbr).toHaveLength(4);
      pt.mapPages(0x1000n, 0x10000n, SZ_4K, 1, RW);
      expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x000fff0000010003n);
      pt.mapPages(0x2000n, 0x10000n, SZ_4K, 1, IOMMU_WRITE); // + NO_READ (bit 8)
      expect(pt.readEntry(1, 0x2000n)?.value).toBe(0x000fff0000010103n);
      // the TTBR is chosen by IOVA bits 31:30
      pt.mapPages(0xc000_0000n, 0x20000n, SZ_4K, 1, RW);
      expect(pt.readEntry(2, 0xc000_0000n)!.pa).toBe(pt.registers.ttbr[3]!);
    }
  });
  it('table levels per profile: two levels before the t602x rework, up to three after', () => {
    const e = env('6.12');
    expect(() => createAppleDart({ ...e, ias: 42, oas: 42 })).toThrow(/top-level tables/);
    expect(() => createAppleDart({ ...e, format: 'dart', pgsize: '4K', ias: 36, oas: 36 })).toThrow(/top-level tables/);
    const d2 = dart('6.19', { ias: 42, oas: 42 }).pt;
    expect([d2.levels, d2.registers.nTtbrs, d2.registers.nLevels]).toEqual([3, 1, 4]);
    const d1 = dart('6.19', { format: 'dart', pgsize: '4K', ias: 36, oas: 36 }).pt;
    expect([d1.levels, d1.registers.nTtbrs, d1.registers.nLevels]).toEqual([3, 1, 4]);
    const iova = (1n << 41n) + 0x4000n;
    expect(d2.mapPages(iova, 0x3ff_ffff_c000n, SZ_16K, 1, RW)).toEqual({ mapped: SZ_16K });
    expect(d2.stats.tablePages).toBe(3 * 4); // top + two new 16 KiB tables
    expect(d2.iovaToPhys(iova + 0x123n)).toBe(0x3ff_ffff_c123n);
    const w = d2.walk(iova + 0x10n, 'read');
    expect(w.ok && w.path.map((s) => [s.level, s.index])).toEqual([[3, 32], [2, 0], [1, 1]]);
  });
  it('configuration rules of apple_dart_alloc_pgtable', () => {
    const e = env('6.19');
    expect(() => createAppleDart({ ...e, ias: 36, oas: 40 })).toThrow(/oas/);
    expect(() => createAppleDart({ ...e, ias: 40, oas: 36 })).toThrow(/ias/);
    expect(() => createAppleDart({ ...e, ias: 36, oas: 36, coherentWalk: false })).toThrow(/coherent/);
    expect(() => createAppleDart({ ...e, ias: 36, oas: 36, pgsize: '8K' as '4K' })).toThrow(/pgsize/);
  });
});

describe('Apple DART: map, unmap, lookups', () => {
  it('maps to the end of one leaf table; EEXIST on a valid entry; argument checks', () => {
    const { pt } = dart('6.19', { format: 'dart', pgsize: '4K', ias: 32, oas: 36 });
    expect(pt.mapPages(0x1fe000n, 0x100000n, SZ_4K, 4, RW)).toEqual({ mapped: 2n * SZ_4K });
    expect(pt.stats).toMatchObject({ tablePages: 5, leaves: 2 });
    expect(pt.mapPages(0x1ff000n, 0x200000n, SZ_4K, 1, RW).errno).toBe('EEXIST');
    expect(pt.log).toEqual(['WARNING: at drivers/iommu/io-pgtable-dart.c:dart_init_pte']);
    expect(pt.mapPages(0n, 0n, SZ_16K, 1, RW).errno).toBe('EINVAL');
    expect(pt.mapPages(0n, 1n << 36n, SZ_4K, 1, RW).errno).toBe('ERANGE');
    expect(pt.mapPages(0n, 0n, SZ_4K, 1, 0).errno).toBe('EINVAL');
    expect(dart('6.12', { ias: 36, oas: 36 }).pt.mapPages(0n, 0n, SZ_16K, 1, 0)).toEqual({ mapped: 0n });
  });
  it('unmap: tlb_add_page per page (not when queued), stops at a hole, never frees tables', () => {
    const { pt, flush } = dart('6.19', { ias: 36, oas: 36 });
    pt.mapPages(0x4000n, 0x40000n, SZ_16K, 3, RW);
    const pages = pt.stats.tablePages;
    expect(pt.unmapPages(0x4000n, SZ_16K, 2, new IotlbGather())).toBe(2n * SZ_16K);
    expect(flush.calls).toEqual(['add_page 4000 4000', 'add_page 8000 4000']);
    expect(pt.unmapPages(0xc000n, SZ_16K, 2, new IotlbGather({ queued: true }))).toBe(SZ_16K);
    expect(flush.calls).toHaveLength(2);
    expect(pt.log).toEqual(['WARNING: at drivers/iommu/io-pgtable-dart.c:dart_unmap_pages']);
    expect(pt.stats).toMatchObject({ tablePages: pages, leaves: 0 });
    expect(pt.unmapPages(1n << 30n, SZ_16K, 1)).toBe(0n); // no leaf table there
    expect(pt.unmapPages(0x4000n, SZ_4K, 1)).toBe(0n);
  });
  it('IOVAs beyond ias: the two-level code aliases through the TTBR mask, the multi-level code refuses', () => {
    const old = dart('6.12', { format: 'dart', pgsize: '4K', ias: 32, oas: 36 }).pt;
    old.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    expect(old.iovaToPhys(0x1_0000_1010n)).toBe(0x5010n);
    expect(old.mapPages(0x1_0000_1000n, 0x6000n, SZ_4K, 1, RW).errno).toBe('EEXIST');
    const neu = dart('6.19', { format: 'dart', pgsize: '4K', ias: 32, oas: 36 }).pt;
    neu.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    expect(neu.iovaToPhys(0x1_0000_1010n)).toBe(0n);
    expect(neu.mapPages(0x1_0000_1000n, 0x6000n, SZ_4K, 1, RW).errno).toBe('ENOMEM');
    expect(neu.walk(0x1_0000_1000n, 'read')).toMatchObject({ ok: false, reason: 'beyond-address-width' });
  });
  it('hardware walk: VALID at each level, NO_READ / NO_WRITE on the leaf', () => {
    const { pt } = dart('6.19', { ias: 36, oas: 42 });
    pt.mapPages(0x4000n, 0x2_0000_0000n, SZ_16K, 1, IOMMU_READ);
    pt.mapPages(0x8000n, 0x3_0000_0000n, SZ_16K, 1, IOMMU_WRITE);
    const r = pt.walk(0x4010n, 'read');
    expect(r.ok && [r.pa, r.level, r.pageSize]).toEqual([0x2_0000_0010n, 1, SZ_16K]);
    expect(pt.walk(0x4010n, 'write')).toMatchObject({ ok: false, reason: 'no-write', level: 1 });
    expect(pt.walk(0x8010n, 'read')).toMatchObject({ ok: false, reason: 'no-read', level: 1 });
    expect(pt.walk(0xc000n, 'read')).toMatchObject({ ok: false, reason: 'not-present', level: 1 });
    expect(pt.walk(1n << 30n, 'read')).toMatchObject({ ok: false, reason: 'not-present', level: 2 });
    expect(pt.iovaToPhys(0x9abcn)).toBe(0x3_0000_1abcn);
  });
  it('free: tlb_flush_all, then every table back to the allocator', () => {
    const { pt, pages, flush } = dart('6.19', { format: 'dart', pgsize: '4K', ias: 32, oas: 36 });
    pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    pt.mapPages(0x8000_0000n, 0x5000n, SZ_4K, 1, RW);
    expect(pt.stats.tableAllocs).toBe(6);
    pt.free();
    expect(flush.calls).toEqual(['flush_all']);
    expect(pages.allocated).toBe(0);
  });
});
