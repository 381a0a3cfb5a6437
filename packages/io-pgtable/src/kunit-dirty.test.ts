import { describe, expect, it } from 'vitest';
import { createAmdV1, createVtdSecondStage } from './create.js';
import { IOMMU_DIRTY_NO_CLEAR } from './dirty.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { env } from './test-env.js';
import type { IoPageTable } from './types.js';

/**
 * drivers/iommu/generic_pt/kunit_generic_pt.h test_dirty (test_lvl_dirty), through the public API:
 * for every page size the table offers, a RW leaf is installed and made clean
 * (pt_entry_make_write_clean = read_and_clear_dirty) and then reads clean; each item of a
 * contiguous entry in turn is made dirty (pt_entry_make_write_dirty = a device write walked with
 * dirty tracking on), after which the whole entry reads dirty; cleaning makes it clean again.
 */
const RW = IOMMU_READ | IOMMU_WRITE;
/** kunit_iommu.h: oalog2_mod(0x74a71445deadbeef, 52) */
const TEST_OA = 0x74a71445deadbeefn & ((1n << 52n) - 1n);

function sizes(bitmap: bigint): bigint[] {
  const out: bigint[] = [];
  for (let b = 0n; b < 64n; b++) if ((bitmap >> b) & 1n) out.push(1n << b);
  return out;
}

/** Item size of the level a leaf of `size` sits at (4K, 2M, 1G, … steps of 9 bits). */
function itemOf(size: bigint): bigint {
  const lg2 = size.toString(2).length - 1;
  return 1n << BigInt(12 + 9 * Math.floor((lg2 - 12) / 9));
}

function isDirty(pt: IoPageTable, iova: bigint, size: bigint): boolean {
  const r = pt.readAndClearDirty(iova, size, IOMMU_DIRTY_NO_CLEAR);
  expect(r.errno).toBeUndefined();
  return r.dirty.length > 0;
}

function testDirty(pt: IoPageTable, dBit: bigint, leafLevelOf: (size: bigint) => number): number {
  let checks = 0;
  for (const size of sizes(pt.pgsizeBitmap)) {
    const iova = size; // the second slot of its size at its level (index 0 may hold the path)
    const pa = TEST_OA & ~(size - 1n);
    const item = itemOf(size);
    const items = Number(size / item);
    expect(pt.mapPages(iova, pa, size, 1, RW)).toEqual({ mapped: size });
    pt.readAndClearDirty(iova, size); // make clean
    expect(isDirty(pt, iova, size)).toBe(false);
    for (let i = 0; i < items; i++) {
      const at = iova + BigInt(i) * item;
      expect(pt.walk(at, 'write').ok).toBe(true);
      expect(pt.readEntry(leafLevelOf(size), at)!.value & dBit).toBe(dBit);
      expect(isDirty(pt, iova, size)).toBe(true);
      pt.readAndClearDirty(iova, size);
      expect(isDirty(pt, iova, size)).toBe(false);
      expect(pt.readEntry(leafLevelOf(size), at)!.value & dBit).toBe(0n);
      checks++;
    }
    expect(pt.unmapPages(iova, size, 1)).toBe(size);
  }
  return checks;
}

describe('generic_pt kunit test_dirty (6.19)', () => {
  it('amdv1_cfg_0: every size 4K … 2P, every item of each contiguous entry', () => {
    const pt = createAmdV1({ ...env('6.19'), dirtyTracking: true });
    const lvl = (size: bigint) => Math.floor((size.toString(2).length - 1 - 12) / 9);
    // 4K–1M: 1+2+…+256 items; 2M–512M and 1G–256G the same; 1T–128T: 2…256; 256T–2P: 1…8
    expect(testDirty(pt, 0x40n, lvl)).toBe(511 + 511 + 511 + 510 + 15);
    expect(pt.stats.leaves).toBe(0);
  });
  for (const aw of [39, 48, 57] as const) {
    it(`vtdss ${aw}-bit: 4K, 2M and 1G leaves (single items)`, () => {
      const pt = createVtdSecondStage({ ...env('6.19'), addressWidth: aw, superpages: { '1G': true }, forceSnoop: true, dirtyTracking: true });
      const lvl = (size: bigint) => 1 + Math.floor((size.toString(2).length - 1 - 12) / 9);
      expect(testDirty(pt, 0x200n, lvl)).toBe(3);
    });
  }
});
