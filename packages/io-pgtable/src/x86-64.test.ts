import { describe, expect, it } from 'vitest';
import { PgtableError } from './errors.js';
import { createX86_64 } from './create.js';
import { IotlbGather } from './gather.js';
import type { Release } from './profile.js';
import { IOMMU_NOEXEC, IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { env, recordingFlush } from './test-env.js';

const RW = IOMMU_READ | IOMMU_WRITE;
const SZ_4K = 0x1000n;
const SZ_2M = 0x200000n;
const XD = 1n << 63n;

function x86(release: Release, variant: 'intel-fl' | 'amd-v2', levels: 4 | 5 = 4) {
  const e = env(release);
  const flush = recordingFlush();
  return { ...e, flush, pt: createX86_64({ ...e, flush, levels, variant }) };
}

describe('x86_64 format: golden G8 and the lead-verified legacy Intel first-level bits', () => {
  const cases: [Release, 'intel-fl' | 'amd-v2', bigint, bigint, bigint][] = [
    // release, variant, read-only leaf bits, read-write leaf bits, table bits
    ['6.1', 'intel-fl', XD | 0x25n, XD | 0x67n, XD | 0x27n],
    ['6.12', 'intel-fl', 0x25n, 0x67n, 0x27n],
    ['6.19', 'intel-fl', 0x25n, 0x67n, 0x27n],
    ['6.1', 'amd-v2', 0x65n, 0x67n, 0x67n],
    ['6.12', 'amd-v2', 0x65n, 0x67n, 0x67n],
    ['6.19', 'amd-v2', 0x25n, 0x67n, 0x27n],
  ];
  for (const [rel, variant, ro, rw, table] of cases) {
    it(`${rel} ${variant}: RO ${ro.toString(16)}, RW ${rw.toString(16)}, table ${table.toString(16)}`, () => {
      const { pt } = x86(rel, variant);
      expect(pt.format).toBe('x86_64');
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, IOMMU_READ);
      pt.mapPages(0x2000n, 0x200000n, SZ_4K, 1, RW | IOMMU_NOEXEC);
      expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200000n | ro);
      expect(pt.readEntry(1, 0x2000n)?.value).toBe(0x200000n | rw);
      for (const lvl of [4, 3, 2]) expect(pt.readEntry(lvl, 0x1000n)!.value & (XD | 0xfffn)).toBe(table);
      expect(pt.iovaToPhys(0x1234n)).toBe(0x200234n);
    });
  }
  it('6.19: a 2M read-write leaf is 0x400000e7 (PS)', () => {
    for (const variant of ['intel-fl', 'amd-v2'] as const) {
      const { pt } = x86('6.19', variant);
      expect(pt.mapPages(0x40000000n, 0x40000000n, SZ_2M, 1, RW)).toEqual({ mapped: SZ_2M });
      expect(pt.readEntry(2, 0x40000000n)?.value).toBe(0x400000e7n);
    }
  });
});

describe('x86_64 format: address ranges', () => {
  it('6.19 intel-fl sign-extends: the upper canonical half maps at top index 256..511', () => {
    const { pt } = x86('6.19', 'intel-fl');
    const hi = 0xffffffffffe00000n;
    expect(pt.mapPages(hi, 0x300000n, SZ_4K, 1, RW)).toEqual({ mapped: SZ_4K });
    expect(pt.readEntry(4, hi)!.pa & 0xfffn).toBe(511n * 8n);
    expect(pt.iovaToPhys(hi + 0x10n)).toBe(0x300010n);
    const w = pt.walk(hi, 'write');
    expect(w.ok && w.pa).toBe(0x300000n);
    expect(pt.dump().find((r) => r.kind === 'leaf')?.iova).toBe(hi);
    expect(pt.mapPages(0x800000000000n, 0x300000n, SZ_4K, 1, RW).errno).toBe('ERANGE');
    const bad = pt.walk(0x800000000000n, 'read');
    expect(!bad.ok && bad.reason).toBe('non-canonical');
    // upper half: every bit above bit 47 must be a copy of it (pt_check_range)
    expect(pt.mapPages(0xfffefffffffff000n, 0x300000n, SZ_4K, 2, RW).errno).toBe('ERANGE');
  });
  it('legacy intel-fl only maps below 2^48 (domain width), like the second stage', () => {
    const { pt } = x86('6.12', 'intel-fl');
    expect(pt.mapPages(0xffffffffffe00000n, 0x300000n, SZ_4K, 1, RW).errno).toBe('EFAULT');
  });
  it('6.19 amd-v2 has no sign extension and 47 usable bits (the top bit is dropped)', () => {
    const { pt } = x86('6.19', 'amd-v2');
    expect(pt.ias).toBe(47);
    expect(pt.mapPages(0x7ffffffff000n, 0x5000n, SZ_4K, 1, RW).errno).toBeUndefined();
    expect(pt.mapPages(0x800000000000n, 0x5000n, SZ_4K, 1, RW).errno).toBe('ERANGE');
  });
  it('5 levels: 57-bit (Intel) / 56-bit (AMD) with a PML5 top', () => {
    for (const rel of ['6.12', '6.19'] as const) {
      for (const variant of ['intel-fl', 'amd-v2'] as const) {
        const { pt } = x86(rel, variant, 5);
        expect(pt.levels).toBe(5);
        const iova = 0x00ff_ffff_ffff_f000n;
        expect(pt.mapPages(iova, 0x5000n, SZ_4K, 1, RW).errno).toBeUndefined();
        expect(pt.readEntry(5, iova)!.pa & 0xfffn).toBe(255n * 8n);
        expect(pt.iovaToPhys(iova)).toBe(0x5000n);
      }
    }
  });
  it('6.1 amd/io_pgtable_v2.c is 4-level only', () => {
    const e = env('6.1');
    expect(() => createX86_64({ ...e, levels: 5, variant: 'amd-v2' })).toThrow(PgtableError);
  });
});

describe('x86_64 format: overlap and unmap behaviour per implementation', () => {
  it('legacy AMD v2 silently replaces an existing 4K leaf and flushes that page', () => {
    for (const rel of ['6.1', '6.12'] as const) {
      const { pt, flush } = x86(rel, 'amd-v2');
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
      expect(pt.mapPages(0x1000n, 0x300000n, SZ_4K, 1, IOMMU_READ)).toEqual({ mapped: SZ_4K });
      expect(pt.iovaToPhys(0x1000n)).toBe(0x300000n);
      expect(flush.calls).toEqual(['flush_walk 1000 1000 1000']);
    }
  });
  it('legacy AMD v2: a 2M map over a table of 4K pages frees the table; unmapping part of it removes all 2M', () => {
    const { pt, pages } = x86('6.12', 'amd-v2');
    pt.mapPages(0x201000n, 0x5000n, SZ_4K, 1, RW);
    const before = pages.allocated;
    expect(pt.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW)).toEqual({ mapped: SZ_2M });
    expect(pages.allocated).toBe(before - 1);
    expect(pt.readEntry(2, 0x200000n)?.value).toBe(0x400000e7n);
    const g = new IotlbGather();
    expect(pt.unmapPages(0x200000n, SZ_4K, 1, g)).toBe(SZ_2M);
    expect(pt.events.at(-1)).toEqual({ kind: 'add-range', iova: 0x200000n, size: SZ_2M });
  });
  it('legacy AMD v2 counts an empty PTE under an existing table as unmapped; stops at a missing table', () => {
    const { pt } = x86('6.12', 'amd-v2');
    pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    expect(pt.unmapPages(0x3000n, SZ_4K, 1)).toBe(SZ_4K);
    expect(pt.unmapPages(0x40000000n, SZ_4K, 1)).toBe(0n);
  });
  it('6.19 generic x86_64: EADDRINUSE on overlap, partial-unmap rules of §8.3', () => {
    const { pt } = x86('6.19', 'intel-fl');
    pt.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW);
    expect(pt.mapPages(0x201000n, 0x5000n, SZ_4K, 1, RW).errno).toBe('EADDRINUSE');
    expect(pt.unmapPages(0x201000n, SZ_4K, 1)).toBe(0n);
    expect(pt.unmapPages(0x200000n, SZ_4K, 1)).toBe(SZ_2M);
  });
  it('legacy Intel first level: same intel/iommu.c rules (WARN and keep)', () => {
    const { pt } = x86('6.12', 'intel-fl');
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
    pt.mapPages(0x1000n, 0x300000n, SZ_4K, 1, RW);
    expect(pt.log[0]).toBe('DMAR: ERROR: DMA PTE for vPFN 0x1 already set (to 200067 not 300067)');
  });
});

describe('x86_64 format: hardware walk (first-stage rules)', () => {
  for (const [rel, variant] of [['6.12', 'intel-fl'], ['6.19', 'intel-fl'], ['6.12', 'amd-v2'], ['6.19', 'amd-v2']] as const) {
    it(`${rel} ${variant}: P, RW and US checked at each level`, () => {
      const { pt, mem } = x86(rel, variant);
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, IOMMU_READ);
      const r = pt.walk(0x1010n, 'read');
      expect(r.ok && [r.pa, r.level, r.pageSize]).toEqual([0x200010n, 1, SZ_4K]);
      const w = pt.walk(0x1010n, 'write');
      expect(!w.ok && [w.reason, w.level]).toEqual(['no-write', 1]);
      const np = pt.walk(0x40000000n, 'read');
      expect(!np.ok && [np.reason, np.level]).toEqual(['not-present', 3]); // PDPT[1]
      const e3 = pt.readEntry(3, 0x1000n)!;
      mem.writeU64(e3.pa, e3.value & ~4n);
      const us = pt.walk(0x1000n, 'read');
      expect(!us.ok && [us.reason, us.level]).toEqual(['user-priv', 3]);
    });
  }
});

describe('x86_64 format: accounting', () => {
  for (const rel of ['6.1', '6.12', '6.19'] as const) {
    for (const variant of ['intel-fl', 'amd-v2'] as const) {
      it(`${rel} ${variant}: free() returns every table page`, () => {
        const { pt, pages } = x86(rel, variant);
        pt.mapPages(0x1000n, 0x5000n, SZ_4K, 4, RW);
        pt.mapPages(0x40000000n, 0x40000000n, SZ_2M, 1, RW);
        expect(pt.stats.tablePages).toBeGreaterThan(1);
        pt.free();
        expect(pages.allocated).toBe(0);
        expect(pt.events.at(-1)).toEqual({ kind: 'flush-all' });
      });
    }
  }
});
