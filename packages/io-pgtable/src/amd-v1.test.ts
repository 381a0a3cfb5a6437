import { describe, expect, it } from 'vitest';
import { createAmdV1 } from './create.js';
import { IotlbGather } from './gather.js';
import type { Release } from './profile.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { env, recordingFlush } from './test-env.js';

const RW = IOMMU_READ | IOMMU_WRITE;
const SZ_4K = 0x1000n;
const SZ_16K = 0x4000n;
const SZ_2M = 0x200000n;
const ALL: Release[] = ['6.1', '6.12', '6.19'];

function amd(release: Release, extra: { hpt?: 4 | 5 | 6; fc?: boolean } = {}) {
  const e = env(release);
  const flush = recordingFlush();
  const pt = createAmdV1({ ...e, flush, hptLevel: extra.hpt, forceCoherence: extra.fc });
  return { ...e, flush, pt };
}

describe('AMD v1: goldens G1, G2, G9 (facts/pgtable.md §11)', () => {
  for (const rel of ALL) {
    it(`${rel}: G1 mode 3, 4K R|W leaf 0x7000000000200001, PDEs carry NextLevel and IR|IW`, () => {
      const { pt } = amd(rel);
      expect([pt.mode, pt.levels, pt.topLevel, pt.leafLevel]).toEqual([3, 3, 2, 0]);
      expect(pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW)).toEqual({ mapped: SZ_4K });
      expect(pt.readEntry(0, 0x1000n)?.value).toBe(0x7000000000200001n);
      expect(pt.readEntry(0, 0x1000n)!.pa & 0xfffn).toBe(8n); // L0 index 1
      const l2 = pt.readEntry(2, 0x1000n)!;
      const l1 = pt.readEntry(1, 0x1000n)!;
      expect(l2.value).toBe((l1.pa & ~0xfffn) | 0x400n | 0x6000000000000001n);
      expect(l1.value).toBe((pt.readEntry(0, 0x1000n)!.pa & ~0xfffn) | 0x200n | 0x6000000000000001n);
      expect(pt.iovaToPhys(0x1abcn)).toBe(0x200abcn);
      pt.mapPages(0x3000n, 0x300000n, SZ_4K, 1, IOMMU_READ);
      expect(pt.readEntry(0, 0x3000n)?.value).toBe(0x3000000000300001n);
    });
    it(`${rel}: G2 16K page = 4 NextLevel-7 replicas 0x7000000000041e01 at L0[0x10..0x13]`, () => {
      const { pt } = amd(rel);
      expect(pt.mapPages(0x10000n, 0x40000n, SZ_16K, 1, RW)).toEqual({ mapped: SZ_16K });
      for (let i = 0x10n; i <= 0x13n; i++) {
        const e = pt.readEntry(0, i << 12n)!;
        expect([e.value, e.pa & 0xfffn]).toEqual([0x7000000000041e01n, i * 8n]);
      }
      expect(pt.readEntry(0, 0x14000n)?.value).toBe(0n);
      expect(pt.iovaToPhys(0x12345n)).toBe(0x42345n);
      const w = pt.walk(0x13008n, 'write');
      expect(w.ok && [w.pa, w.pageSize, w.level]).toEqual([0x43008n, SZ_16K, 0]);
      const row = pt.dump().filter((r) => r.kind === 'leaf');
      expect(row.map((r) => [r.iova, r.size, r.oa])).toEqual(Array(4).fill([0x10000n, SZ_16K, 0x40000n]));
    });
    it(`${rel}: G9 2M leaf 0x7000000040000001 at L1[1]; partial unmap divergence`, () => {
      const { pt } = amd(rel);
      pt.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW);
      expect(pt.readEntry(1, 0x200000n)?.value).toBe(0x7000000040000001n);
      expect(pt.unmapPages(0x201000n, SZ_4K, 1)).toBe(rel === '6.19' ? 0n : SZ_2M);
      if (rel === '6.19') {
        expect(pt.iovaToPhys(0x201000n)).toBe(0x40001000n);
        expect(pt.unmapPages(0x200000n, SZ_4K, 1)).toBe(SZ_2M);
      }
      expect(pt.iovaToPhys(0x200000n)).toBe(0n);
    });
  }
  it('6.19 without FORCE_COHERENCE: 0x6000000000200001', () => {
    const { pt } = amd('6.19', { fc: false });
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
    expect(pt.readEntry(0, 0x1000n)?.value).toBe(0x6000000000200001n);
  });
  it('page sizes: every power of two from 4K except 512G', () => {
    for (const rel of ALL) {
      const b = amd(rel).pt.pgsizeBitmap;
      expect(b & (1n << 39n)).toBe(0n);
      expect(b & 0xfffffff000n).toBe(0x7ffffff000n);
    }
  });
});

describe('AMD v1: growing the table (increase_address_space / DYNAMIC_TOP)', () => {
  for (const rel of ALL) {
    it(`${rel}: an IOVA above 39 bits adds a level whose entry 0 points at the old root (NextLevel 3)`, () => {
      const { pt } = amd(rel);
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
      const oldRoot = pt.rootPa;
      expect(pt.mapPages(1n << 40n, 0x300000n, SZ_4K, 1, RW).errno).toBeUndefined();
      expect(pt.mode).toBe(4);
      expect(pt.rootPa).not.toBe(oldRoot);
      expect(pt.readEntry(3, 0x1000n)?.value).toBe(oldRoot | 0x600n | 0x6000000000000001n);
      expect(pt.iovaToPhys(0x1000n)).toBe(0x200000n);
      expect(pt.iovaToPhys(1n << 40n)).toBe(0x300000n);
      const w = pt.walk(1n << 40n, 'read');
      expect(w.ok && w.path.length).toBe(4);
    });
  }
  it('at the hardware limit: legacy WARNs and fails with ENOMEM, generic_pt says ERANGE', () => {
    const leg = amd('6.12', { hpt: 4 }).pt;
    expect(leg.mapPages(1n << 48n, 0x300000n, SZ_4K, 1, RW).errno).toBe('ENOMEM');
    expect(leg.log).toEqual(['WARNING: at drivers/iommu/amd/io_pgtable.c:increase_address_space']);
    expect(amd('6.19', { hpt: 4 }).pt.mapPages(1n << 48n, 0x300000n, SZ_4K, 1, RW).errno).toBe('ERANGE');
  });
  it('hardware walk above the current mode is beyond the address width', () => {
    const r = amd('6.12').pt.walk(1n << 39n, 'read');
    expect(!r.ok && r.reason).toBe('beyond-address-width');
  });
});

describe('AMD v1: overlap and unmap (§5.3 legacy vs §8 generic_pt)', () => {
  it('legacy replaces an existing leaf silently and flushes the range; generic_pt says EADDRINUSE', () => {
    for (const rel of ['6.1', '6.12'] as const) {
      const { pt, flush } = amd(rel);
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
      expect(pt.mapPages(0x1000n, 0x300000n, SZ_4K, 1, RW)).toEqual({ mapped: SZ_4K });
      expect(pt.iovaToPhys(0x1000n)).toBe(0x300000n);
      expect(flush.calls).toEqual([]); // a plain overwrite frees nothing, so no flush (updated stays false)
      expect(pt.log).toEqual([]);
    }
    const { pt } = amd('6.19');
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
    expect(pt.mapPages(0x1000n, 0x300000n, SZ_4K, 1, RW).errno).toBe('EADDRINUSE');
  });
  it('legacy: a 2M map over a table of 4K pages frees the table and flushes once', () => {
    const { pt, flush, pages } = amd('6.12');
    pt.mapPages(0x201000n, 0x5000n, SZ_4K, 1, RW);
    const before = pages.allocated;
    expect(pt.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW)).toEqual({ mapped: SZ_2M });
    expect(pages.allocated).toBe(before - 1);
    expect(flush.calls).toEqual(['flush_walk 200000 200000 200000']);
    expect(pt.iovaToPhys(0x201000n)).toBe(0x40001000n);
  });
  it('legacy: a 4K map into a 16K replicated page replaces only that slot (alloc_pte stops at level 0)', () => {
    const { pt } = amd('6.12');
    pt.mapPages(0x10000n, 0x40000n, SZ_16K, 1, RW);
    pt.mapPages(0x11000n, 0x90000n, SZ_4K, 1, RW);
    expect(pt.iovaToPhys(0x11000n)).toBe(0x90000n);
    expect(pt.iovaToPhys(0x10000n)).toBe(0x40000n); // replicas share a table: only the one slot changed
    expect(pt.readEntry(0, 0x12000n)?.value).toBe(0x7000000000041e01n);
  });
  it('legacy counts an empty PTE below an existing table as unmapped; generic_pt stops at it', () => {
    const l = amd('6.12').pt;
    l.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    expect(l.unmapPages(0x3000n, SZ_4K, 2)).toBe(0x2000n);
    expect(l.unmapPages(0x40000000n, SZ_4K, 1)).toBe(0n);
    const g = amd('6.19').pt;
    g.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    expect(g.unmapPages(0x3000n, SZ_4K, 2)).toBe(0n);
  });
  it('unmap fills the gather: legacy through the driver (add_range of the bytes), generic with the request', () => {
    const l = amd('6.12').pt;
    l.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW);
    const g = new IotlbGather();
    l.unmapPages(0x200000n, SZ_4K, 1, g);
    expect([g.start, g.end]).toEqual([0x200000n, 0x3fffffn]);
    const n = amd('6.19').pt;
    n.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW);
    const g2 = new IotlbGather();
    n.unmapPages(0x200000n, SZ_4K, 1, g2);
    expect([g2.start, g2.end]).toEqual([0x200000n, 0x200fffn]);
  });
  it('kunit test_pgsize_boundary: 128K at 0xfef80000 to a 4K-aligned PA maps', () => {
    for (const rel of ALL) {
      const { pt } = amd(rel);
      expect(pt.mapPages(0xfef80000n, 0x208b95d000n, SZ_4K, 32, RW)).toEqual({ mapped: 0x20000n });
      expect(pt.iovaToPhys(0xfef9ffffn)).toBe(0x208b97cfffn);
    }
  });
  it('walk: IR/IW of the leaf decide, PR=0 is not-present', () => {
    for (const rel of ALL) {
      const { pt } = amd(rel);
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, IOMMU_READ);
      const w = pt.walk(0x1000n, 'write');
      expect(!w.ok && [w.reason, w.level]).toEqual(['no-write', 0]);
      const r = pt.walk(0x1000n, 'read');
      expect(r.ok && r.pa).toBe(0x200000n);
      const np = pt.walk(0x40000000n, 'read');
      expect(!np.ok && [np.reason, np.level]).toEqual(['not-present', 2]);
    }
  });
  it('free() returns every table, including grown tops', () => {
    for (const rel of ALL) {
      const { pt, pages } = amd(rel);
      pt.mapPages(0x1000n, 0x5000n, SZ_4K, 8, RW);
      expect(pt.mapPages(1n << 45n, 0x8000n, SZ_16K, 1, RW).errno).toBeUndefined();
      expect(pt.mode).toBe(4);
      pt.free();
      expect(pages.allocated).toBe(0);
    }
  });
});
