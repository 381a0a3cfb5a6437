import { describe, expect, it } from 'vitest';
import { createVtdSecondStage, createX86_64 } from './create.js';
import { IOMMU_DIRTY_NO_CLEAR } from './dirty.js';
import { PgtableError } from './errors.js';
import { IotlbGather } from './gather.js';
import type { Release } from './profile.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { env } from './test-env.js';

// Expected entries from the bit rules (facts/pgtable.md §7.1, §7.2): R 0x1, W 0x2, PS 0x80,
// A 0x100 (bit 8), D 0x200 (bit 9); tables PA | R | W.
const RW = IOMMU_READ | IOMMU_WRITE;
const SZ_4K = 0x1000n;
const SZ_2M = 0x200000n;
const A = 0x100n;
const D = 0x200n;

function vtd(release: Release, o: { dirty?: boolean; sp?: boolean; coherent?: boolean } = {}) {
  const e = env(release);
  const pt = createVtdSecondStage({
    ...e,
    addressWidth: 48,
    dirtyTracking: o.dirty,
    superpages: o.sp ? { '2M': true, '1G': true } : undefined,
    coherentWalk: o.coherent,
  });
  return { ...e, pt };
}

describe('VT-d second stage: dirty tracking per release', () => {
  it('6.1: intel/iommu.c has no dirty ops (6.7): the config is refused, the op is EOPNOTSUPP', () => {
    expect(() => vtd('6.1', { dirty: true })).toThrow(PgtableError);
    try {
      vtd('6.1', { dirty: true });
    } catch (e) {
      expect((e as PgtableError).code).toBe('PGTABLE_UNSUPPORTED');
    }
    const { pt } = vtd('6.1');
    expect(pt.setDirtyTracking(true)).toBe('EOPNOTSUPP');
    expect(pt.readAndClearDirty(0n, SZ_4K)).toEqual({ errno: 'EOPNOTSUPP', dirty: [] });
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
    pt.walk(0x1000n, 'write');
    expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200003n); // no SSADE: the hardware sets nothing
  });

  it('6.12: read_and_clear_dirty with tracking off is EINVAL (intel_iommu_read_and_clear_dirty)', () => {
    const { pt } = vtd('6.12');
    expect(pt.dirtyTracking).toBe(false);
    expect(pt.readAndClearDirty(0n, SZ_4K)).toEqual({ errno: 'EINVAL', dirty: [] });
    expect(pt.setDirtyTracking(true)).toBeUndefined();
    expect(pt.readAndClearDirty(0n, SZ_4K)).toEqual({ dirty: [] });
  });

  it('6.19: generic_pt walks without a tracking check and finds nothing dirty', () => {
    const { pt } = vtd('6.19');
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
    pt.walk(0x1000n, 'write');
    expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200003n);
    expect(pt.readAndClearDirty(0n, 0x10000n)).toEqual({ dirty: [] });
  });

  for (const rel of ['6.12', '6.19'] as Release[]) {
    it(`${rel}: SSADE walks set A on every level and D on a written leaf; test-and-clear bit 9`, () => {
      const { pt } = vtd(rel, { dirty: true });
      expect(pt.dirtyTracking).toBe(true);
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
      const r = pt.walk(0x1010n, 'read');
      expect(r.ok && r.pa).toBe(0x200010n);
      expect(r.pte).toBe(0x200003n | A); // the walk result shows the entry as the IOMMU left it
      for (const lvl of [4, 3, 2]) expect(pt.readEntry(lvl, 0x1000n)!.value & 0xfffn).toBe(0x103n);
      expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200103n);
      expect(pt.readAndClearDirty(0x1000n, SZ_4K)).toEqual({ dirty: [] });
      pt.walk(0x1ff8n, 'write');
      expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200303n);
      expect(pt.dump().at(-1)!.flags).toEqual(['R', 'W', 'A', 'D']);
      // IOMMU_DIRTY_NO_CLEAR reports and leaves D
      expect(pt.readAndClearDirty(0x1000n, SZ_4K, IOMMU_DIRTY_NO_CLEAR)).toEqual({ dirty: [{ iova: 0x1000n, size: SZ_4K }] });
      expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200303n);
      expect(pt.readAndClearDirty(0x1000n, SZ_4K)).toEqual({ dirty: [{ iova: 0x1000n, size: SZ_4K }] });
      expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200103n); // A stays
      expect(pt.readAndClearDirty(0x1000n, SZ_4K)).toEqual({ dirty: [] });
    });

    it(`${rel}: a write to a read-only leaf faults there: A on the tables it used, nothing on the leaf`, () => {
      const { pt } = vtd(rel, { dirty: true });
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, IOMMU_READ);
      expect(pt.walk(0x1000n, 'write')).toMatchObject({ ok: false, reason: 'no-write' });
      expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200001n);
      for (const lvl of [4, 3, 2]) expect(pt.readEntry(lvl, 0x1000n)!.value & 0xfffn).toBe(0x103n);
      expect(pt.walk(0x5000n, 'read')).toMatchObject({ ok: false, reason: 'no-read', level: 1 });
    });

    it(`${rel}: a 2M superpage is recorded whole, from the IOVA the walk is at`, () => {
      const { pt } = vtd(rel, { dirty: true, sp: true });
      pt.mapPages(SZ_2M, 0x40000000n, SZ_2M, 1, RW);
      pt.walk(SZ_2M + 0x12345n, 'write');
      expect(pt.readEntry(2, SZ_2M)?.value).toBe(0x40000083n | A | D);
      expect(pt.readAndClearDirty(SZ_2M + SZ_4K, SZ_4K)).toEqual({ dirty: [{ iova: SZ_2M + SZ_4K, size: SZ_2M }] });
      expect(pt.readEntry(2, SZ_2M)?.value).toBe(0x40000083n | A);
    });

    it(`${rel}: holes are skipped; each recorded range goes to the gather`, () => {
      const { pt } = vtd(rel, { dirty: true });
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
      pt.mapPages(0x3000n, 0x300000n, SZ_4K, 1, RW);
      pt.walk(0x1000n, 'write');
      pt.walk(0x3000n, 'write');
      const g = new IotlbGather();
      pt.events.length = 0;
      expect(pt.readAndClearDirty(0n, 0x10000n, 0, g).dirty).toEqual([
        { iova: 0x1000n, size: SZ_4K },
        { iova: 0x3000n, size: SZ_4K },
      ]);
      expect([g.start, g.end]).toEqual([0x1000n, 0x3fffn]);
      expect(pt.events).toEqual([
        { kind: 'add-range', iova: 0x1000n, size: SZ_4K },
        { kind: 'add-range', iova: 0x3000n, size: SZ_4K },
      ]);
    });
  }

  it('6.12: the walk steps by the level size from an unaligned IOVA (no realignment)', () => {
    const { pt } = vtd('6.12', { dirty: true });
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 2, RW);
    pt.walk(0x1000n, 'write');
    pt.walk(0x2000n, 'write');
    // iova 0x1800: records [0x1800, +4K); next 0x2800 is past the end 0x27ff: 0x2000 stays dirty
    expect(pt.readAndClearDirty(0x1800n, SZ_4K).dirty).toEqual([{ iova: 0x1800n, size: SZ_4K }]);
    expect(pt.readEntry(1, 0x2000n)!.value & D).toBe(D);
    // NO_CLEAR still adds to the gather (iommu_dirty_bitmap_record)
    pt.events.length = 0;
    pt.readAndClearDirty(0x2000n, SZ_4K, IOMMU_DIRTY_NO_CLEAR);
    expect(pt.events).toEqual([{ kind: 'add-range', iova: 0x2000n, size: SZ_4K }]);
  });

  it('6.19: the first entry is recorded from the requested IOVA, later ones from their start; NO_CLEAR adds nothing to the gather', () => {
    const { pt } = vtd('6.19', { dirty: true });
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 2, RW);
    pt.walk(0x1000n, 'write');
    pt.walk(0x2000n, 'write');
    pt.events.length = 0;
    expect(pt.readAndClearDirty(0x1800n, SZ_4K, IOMMU_DIRTY_NO_CLEAR).dirty).toEqual([
      { iova: 0x1800n, size: SZ_4K },
      { iova: 0x2000n, size: SZ_4K },
    ]);
    expect(pt.events).toEqual([]);
    expect(pt.readAndClearDirty(0x1800n, SZ_4K).dirty).toHaveLength(2);
    expect(pt.events.map((e) => e.kind)).toEqual(['add-range', 'add-range']);
    // make_range errors
    expect(pt.readAndClearDirty(0x1000n, 0n).errno).toBe('EINVAL');
    expect(pt.readAndClearDirty(1n << 48n, SZ_4K).errno).toBe('ERANGE');
    expect(pt.readAndClearDirty((1n << 64n) - SZ_4K, 2n * SZ_4K).errno).toBe('EOVERFLOW');
  });

  it('setDirtyTracking(false) stops the updates and keeps what is set', () => {
    const { pt } = vtd('6.19', { dirty: true });
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 2, RW);
    pt.walk(0x1000n, 'write');
    expect(pt.setDirtyTracking(false)).toBeUndefined();
    pt.walk(0x2000n, 'write');
    expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200303n);
    expect(pt.readEntry(1, 0x2000n)?.value).toBe(0x201003n);
  });
});

describe('x86_64: no dirty tracking (facts §8.4)', () => {
  for (const rel of ['6.1', '6.12', '6.19'] as Release[]) {
    for (const variant of ['intel-fl', 'amd-v2'] as const) {
      it(`${rel} ${variant}: read_and_clear_dirty is EOPNOTSUPP`, () => {
        const pt = createX86_64({ ...env(rel), levels: 4, variant });
        pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
        expect(pt.setDirtyTracking(true)).toBe('EOPNOTSUPP');
        expect(pt.readAndClearDirty(0x1000n, SZ_4K)).toEqual({ errno: 'EOPNOTSUPP', dirty: [] });
        expect(pt.dirtyTracking).toBe(false);
      });
    }
  }
});

describe('generic_pt kunit test_sw_bit_leaf / test_sw_bit_table (vtdss, 6.19)', () => {
  it('PT_FEAT_DMA_INCOHERENT: every installed table entry carries SW bit 0 (bit 10); leaves never do', () => {
    const { pt } = vtd('6.19', { coherent: false, sp: true });
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
    for (const lvl of [4, 3, 2]) {
      const e = pt.readEntry(lvl, 0x1000n)!;
      expect(e.value & 0xfffn).toBe(0x403n); // R | W | SW0
      expect(e.value & 0xfff0_0000_0000_0000n).toBe(0n); // SW bits 52-60, 63 clear
    }
    // the SW bit alters neither the table address nor the leaf: the chain and the translation hold
    expect(pt.readEntry(4, 0x1000n)!.value & ~0xfffn).toBe(pt.readEntry(3, 0x1000n)!.pa & ~0xfffn);
    expect(pt.readEntry(2, 0x1000n)!.value & ~0xfffn).toBe(pt.readEntry(1, 0x1000n)!.pa & ~0xfffn);
    expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200003n);
    expect(pt.iovaToPhys(0x1abcn)).toBe(0x200abcn);
    const w = pt.walk(0x1abcn, 'write');
    expect(w.ok && w.pa).toBe(0x200abcn);
    expect(pt.dump()[0]!.flags).toEqual(['R', 'W', 'SW0']);
    // a 2M leaf at level 2 below the same level-3 table: a leaf, no SW bit
    pt.mapPages(0x40000000n, 0x80000000n, SZ_2M, 1, RW);
    expect(pt.readEntry(2, 0x40000000n)?.value).toBe(0x80000083n);
  });
  it('coherent walks (the default) and the legacy code leave bit 10 clear', () => {
    for (const [rel, coherent] of [['6.19', true], ['6.12', false], ['6.1', false]] as [Release, boolean][]) {
      const { pt } = vtd(rel, { coherent });
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
      for (const lvl of [4, 3, 2]) expect(pt.readEntry(lvl, 0x1000n)!.value & 0xfffn).toBe(3n);
    }
  });
});
