import { describe, expect, it } from 'vitest';
import { createAmdV1 } from './create.js';
import { IOMMU_DIRTY_NO_CLEAR } from './dirty.js';
import { PgtableError } from './errors.js';
import type { Release } from './profile.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { env } from './test-env.js';

// Expected entries from facts/pgtable.md §5 and §11 G1/G2: PR 0x1, A 0x20 (bit 5), D 0x40 (bit 6),
// NextLevel 7 = 0xe00, FC|IR|IW = 0x7000…; a 16K page at 0x10000 is 4 replicas 0x7000000000041e01.
const RW = IOMMU_READ | IOMMU_WRITE;
const SZ_4K = 0x1000n;
const SZ_16K = 0x4000n;
const SZ_2M = 0x200000n;
const A = 0x20n;
const D = 0x40n;
const G2 = 0x7000000000041e01n;

function amd(release: Release, dirty?: boolean) {
  return createAmdV1({ ...env(release), dirtyTracking: dirty });
}

describe('AMD v1: dirty tracking per release', () => {
  it('6.1: amd/io_pgtable.c has no read_and_clear_dirty (6.7): refused / EOPNOTSUPP', () => {
    let code = '';
    try {
      amd('6.1', true);
    } catch (e) {
      code = (e as PgtableError).code;
    }
    expect(code).toBe('PGTABLE_UNSUPPORTED');
    const pt = amd('6.1');
    expect(pt.setDirtyTracking(true)).toBe('EOPNOTSUPP');
    expect(pt.readAndClearDirty(0n, SZ_4K).errno).toBe('EOPNOTSUPP');
  });

  it('6.12: tracking off is EINVAL (amd_iommu_read_and_clear_dirty)', () => {
    const pt = amd('6.12');
    expect(pt.readAndClearDirty(0n, SZ_4K)).toEqual({ errno: 'EINVAL', dirty: [] });
  });

  for (const rel of ['6.12', '6.19'] as Release[]) {
    it(`${rel}: DTE.HAD walks set A on every PDE/PTE used and D on a written leaf (G1)`, () => {
      const pt = amd(rel, true);
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
      pt.walk(0x1000n, 'read');
      expect(pt.readEntry(0, 0x1000n)?.value).toBe(0x7000000000200001n | A);
      expect(pt.readEntry(2, 0x1000n)!.value & 0xfffn).toBe(0x421n); // NextLevel 2 | A | PR
      expect(pt.readEntry(1, 0x1000n)!.value & 0xfffn).toBe(0x221n);
      pt.walk(0x1000n, 'write');
      expect(pt.readEntry(0, 0x1000n)?.value).toBe(0x7000000000200001n | A | D);
      expect(pt.dump().at(-1)!.flags).toEqual(['PR', 'NL=0', 'A', 'D', 'FC', 'IR', 'IW']);
      expect(pt.readAndClearDirty(0x1000n, SZ_4K, IOMMU_DIRTY_NO_CLEAR).dirty).toEqual([{ iova: 0x1000n, size: SZ_4K }]);
      expect(pt.readAndClearDirty(0x1000n, SZ_4K).dirty).toEqual([{ iova: 0x1000n, size: SZ_4K }]);
      expect(pt.readEntry(0, 0x1000n)?.value).toBe(0x7000000000200001n | A);
      expect(pt.readAndClearDirty(0x1000n, SZ_4K).dirty).toEqual([]);
    });

    it(`${rel}: a write dirties only the replica it used; reading ORs all four, clearing clears all (G2)`, () => {
      const pt = amd(rel, true);
      pt.mapPages(0x10000n, 0x40000n, SZ_16K, 1, RW);
      pt.walk(0x12abcn, 'write');
      const slots = [0x10000n, 0x11000n, 0x12000n, 0x13000n].map((a) => pt.readEntry(0, a)!.value);
      expect(slots).toEqual([G2, G2, G2 | A | D, G2]);
      expect(pt.readAndClearDirty(0x10000n, SZ_16K, IOMMU_DIRTY_NO_CLEAR).dirty).toHaveLength(1);
      pt.readAndClearDirty(0x10000n, SZ_16K);
      expect(pt.readEntry(0, 0x12000n)?.value).toBe(G2 | A);
      pt.walk(0x10000n, 'write');
      pt.walk(0x13000n, 'write');
      pt.readAndClearDirty(0x10000n, SZ_16K);
      for (const a of [0x10000n, 0x11000n, 0x12000n, 0x13000n]) expect(pt.readEntry(0, a)!.value & D).toBe(0n);
    });
  }

  it('6.12: io_pgtable.c records the whole 16K page from the IOVA it is at (pte_test_and_clear_dirty)', () => {
    const pt = amd('6.12', true);
    pt.mapPages(0x10000n, 0x40000n, SZ_16K, 1, RW);
    pt.walk(0x13000n, 'write');
    expect(pt.readAndClearDirty(0x10000n, SZ_16K, IOMMU_DIRTY_NO_CLEAR).dirty).toEqual([{ iova: 0x10000n, size: SZ_16K }]);
    // from the middle: [0x11000, +16K), the next step 0x15000 is past the end
    expect(pt.readAndClearDirty(0x11000n, 0x3000n).dirty).toEqual([{ iova: 0x11000n, size: SZ_16K }]);
    // holes advance by the size fetch_pte reports (an empty L1 slot: 2M)
    pt.mapPages(0x400000n, 0x80000000n, SZ_4K, 1, RW);
    pt.walk(0x400000n, 'write');
    expect(pt.readAndClearDirty(0x200000n, SZ_2M + SZ_4K).dirty).toEqual([{ iova: 0x400000n, size: SZ_4K }]);
  });

  it('6.19: generic_pt record_dirty takes (min(index | 3, end_index) - index) items of a 4-item entry', () => {
    const pt = amd('6.19', true);
    pt.mapPages(0x10000n, 0x40000n, SZ_16K, 1, RW);
    pt.walk(0x13000n, 'write');
    // whole entry: index 0x10, end_index 0x14 → min(0x13, 0x14) - 0x10 = 3 items (FLAG: one short)
    expect(pt.readAndClearDirty(0x10000n, SZ_16K, IOMMU_DIRTY_NO_CLEAR).dirty).toEqual([{ iova: 0x10000n, size: 0x3000n }]);
    // from item 1 to the end: min(0x13, 0x14) - 0x11 = 2 items at the requested IOVA
    expect(pt.readAndClearDirty(0x11000n, 0x3000n, IOMMU_DIRTY_NO_CLEAR).dirty).toEqual([{ iova: 0x11000n, size: 0x2000n }]);
    // ending inside the entry: end_index 0x12 → 2 items
    expect(pt.readAndClearDirty(0x10000n, 0x2000n, IOMMU_DIRTY_NO_CLEAR).dirty).toEqual([{ iova: 0x10000n, size: 0x2000n }]);
    // a single natural-size item is recorded whole
    pt.mapPages(0x400000n, 0x80000000n, SZ_2M, 1, RW);
    pt.walk(0x400000n, 'write');
    expect(pt.readAndClearDirty(0x400000n, SZ_2M).dirty).toEqual([{ iova: 0x400000n, size: SZ_2M }]);
    // beyond the current top (mode 3, 39 bits) make_range fails
    expect(pt.readAndClearDirty(1n << 39n, SZ_4K).errno).toBe('ERANGE');
  });
});
