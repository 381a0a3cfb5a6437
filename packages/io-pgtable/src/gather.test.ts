import { describe, expect, it } from 'vitest';
import { IotlbGather } from './gather.js';

describe('IotlbGather (include/linux/iommu.h)', () => {
  it('starts empty: start = ULONG_MAX, end = 0', () => {
    const g = new IotlbGather();
    expect([g.start, g.end, g.pgsize, g.queued]).toEqual([(1n << 64n) - 1n, 0n, 0n, false]);
    expect(g.isDisjoint(0x1000n, 0x1000n)).toBe(false); // nothing gathered yet
  });
  it('add_range grows [start, end]; adjacent ranges are not disjoint, gaps are', () => {
    const g = new IotlbGather();
    g.addRange(0x2000n, 0x1000n);
    expect([g.start, g.end]).toEqual([0x2000n, 0x2fffn]);
    expect(g.isDisjoint(0x3000n, 0x1000n)).toBe(false);
    expect(g.isDisjoint(0x1000n, 0x1000n)).toBe(false);
    expect(g.isDisjoint(0x4000n, 0x1000n)).toBe(true);
    expect(g.isDisjoint(0x0n, 0x1000n)).toBe(true);
    g.addRange(0x0n, 0x1000n);
    expect([g.start, g.end]).toEqual([0n, 0x2fffn]);
  });
  it('reset re-inits like iommu_iotlb_gather_init, keeping the freelist', () => {
    const g = new IotlbGather({ queued: true });
    g.addRange(0x1000n, 0x1000n);
    g.freelist.push(7);
    g.reset();
    expect([g.start, g.end, g.queued]).toEqual([(1n << 64n) - 1n, 0n, false]);
    expect(g.freelist).toEqual([7]);
  });
});
