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

/** iommu_pgsize (drivers/iommu/iommu.c): the page size and count the core passes to map/unmap_pages. */
export function corePgsize(bitmap: bigint, iova: bigint, paddr: bigint, size: bigint): { pgsize: bigint; count: number } {
  const fls = (x: bigint) => x.toString(2).length - 1;
  const ffs = (x: bigint) => {
    let n = 0;
    while (((x >> BigInt(n)) & 1n) === 0n) n++;
    return n;
  };
  let sizes = bitmap & ((1n << BigInt(fls(size) + 1)) - 1n);
  const merge = iova | paddr;
  if (merge !== 0n) sizes &= (1n << BigInt(ffs(merge) + 1)) - 1n;
  const idx = fls(sizes);
  const pgsize = 1n << BigInt(idx);
  let limit = size;
  const larger = bitmap & ~((1n << BigInt(idx + 1)) - 1n);
  if (larger !== 0n) {
    const next = 1n << BigInt(ffs(larger));
    if (((iova ^ paddr) & (next - 1n)) === 0n) {
      const offset = next - (iova & (next - 1n));
      if (offset < size) limit = offset;
    }
  }
  return { pgsize, count: Number(limit >> BigInt(idx)) };
}

/** iommu_map's loop over map_pages. */
export function coreMap(pt: import('./types.js').IoPageTable, iova: bigint, paddr: bigint, size: bigint, prot: number): { errno?: string; mapped: bigint } {
  let mapped = 0n;
  while (mapped < size) {
    const { pgsize, count } = corePgsize(pt.pgsizeBitmap, iova + mapped, paddr + mapped, size - mapped);
    const r = pt.mapPages(iova + mapped, paddr + mapped, pgsize, count, prot);
    mapped += r.mapped;
    if (r.errno) return { errno: r.errno, mapped };
  }
  return { mapped };
}

/** __iommu_unmap's loop over unmap_pages (stops when a call unmaps nothing). */
export function coreUnmap(pt: import('./types.js').IoPageTable, iova: bigint, size: bigint, gather?: IotlbGather): bigint {
  let done = 0n;
  while (done < size) {
    const { pgsize, count } = corePgsize(pt.pgsizeBitmap, iova + done, iova + done, size - done);
    const n = pt.unmapPages(iova + done, pgsize, count, gather);
    if (n === 0n) break;
    done += n;
  }
  return done;
}
