import { PageAllocator, PhysMem } from '@dmasim/physmem';
import type { FlushOps, IotlbGather } from './gather.js';
import { pgtableProfiles } from './profile.js';
import type { PgtableProfile, Release } from './profile.js';

/** Test fixture: 4 GiB of RAM, a page allocator and a profile. */
export function env(release: Release): { mem: PhysMem; pages: PageAllocator; profile: PgtableProfile } {
  const mem = new PhysMem({ size: 4n << 30n });
  return { mem, pages: new PageAllocator(mem), profile: pgtableProfiles[release] };
}

/** FlushOps that records calls as strings. */
export function recordingFlush(): FlushOps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    tlbFlushAll: () => calls.push('flush_all'),
    tlbFlushWalk: (iova, size, granule) => calls.push(`flush_walk ${iova.toString(16)} ${size.toString(16)} ${granule.toString(16)}`),
    tlbAddPage: (_g: IotlbGather, iova, granule) => calls.push(`add_page ${iova.toString(16)} ${granule.toString(16)}`),
    iotlbSync: () => calls.push('sync'),
  };
}

/** mulberry32: a small seeded PRNG so property tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
