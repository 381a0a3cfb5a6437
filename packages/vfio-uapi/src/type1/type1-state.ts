/**
 * State of one type1 IOMMU backend instance (struct vfio_iommu in
 * drivers/vfio/vfio_iommu_type1.c) and the helpers every operation shares.
 */
import type { Errno } from './errno.js';
import type { IovaRange } from './iova-list.js';
import { U64_MAX } from './iova-list.js';
import type { Type1Env } from './process.js';

export const PAGE_SHIFT = 12n;
export const PAGE_SIZE = 1n << PAGE_SHIFT;
export const PAGE_MASK = U64_MAX & ~(PAGE_SIZE - 1n);
/** include/linux/iommu.h */
export const IOMMU_READ = 1;
export const IOMMU_WRITE = 2;
export const IOMMU_CACHE = 4;

/** struct vfio_dma: one MAP_DMA, never merged with its neighbours. */
export interface Dma {
  readonly iova: bigint;
  readonly size: bigint;
  vaddr: bigint;
  readonly prot: number;
  /** Physical address of each pinned 4 KiB page. */
  pa: bigint[];
  /** Pages counted in locked_vm for this mapping. */
  locked: number;
  /** Domains the pages are mapped into. */
  mappedIn: number[];
  readonly lockCap: boolean;
  vaddrInvalid: boolean;
}

/** struct vfio_domain: an UNMANAGED iommu_domain and the groups attached to it. */
export interface Domain {
  readonly id: number;
  readonly groups: number[];
  readonly start: bigint;
  readonly end: bigint;
  readonly pgsizes: bigint;
  readonly coherent: boolean;
}

export interface Type1State {
  readonly env: Type1Env;
  readonly v2: boolean;
  readonly nesting: boolean;
  /** Sorted by iova. */
  readonly dmas: Dma[];
  dmaAvail: number;
  readonly domains: Domain[];
  iovaList: IovaRange[];
  pgsizeBitmap: bigint;
  vaddrInvalidCount: number;
}

/** `a + b` as the kernel computes it: modulo 2^64 before 6.18, exactly after. */
export function add(s: Type1State, a: bigint, b: bigint): bigint {
  return s.env.profile.overflowIsEOVERFLOW ? a + b : (a + b) & U64_MAX;
}

/** vfio_find_dma(): a mapping overlapping [start, start + size). */
export function findDma(s: Type1State, start: bigint, size: bigint): Dma | undefined {
  const end = add(s, start, size);
  return s.dmas.find((d) => !(end <= d.iova) && !(start >= add(s, d.iova, d.size)));
}

/** vfio_find_dma_first_node(): the first mapping ending above `start` and starting below start+size. */
export function findFirst(s: Type1State, start: bigint, size: bigint): number {
  const i = s.dmas.findIndex((d) => start < add(s, d.iova, d.size));
  if (i < 0) return -1;
  if (size !== 0n && s.dmas[i]!.iova >= add(s, start, size)) return -1;
  return i;
}

/** vfio_iommu_iova_dma_valid(): inside one usable range (any IOVA if the list is empty). */
export function iovaDmaValid(s: Type1State, start: bigint, end: bigint): boolean {
  if (s.iovaList.length === 0) return true;
  return s.iovaList.some((r) => start >= r.start && end <= r.end);
}

/** Lowest set bit of the pgsize bitmap: the smallest page size. */
export function minPageSize(s: Type1State): bigint {
  return s.pgsizeBitmap & -s.pgsizeBitmap;
}

/** vfio_update_pgsize_bitmap(): AND of all domains, sub-page sizes folded into PAGE_SIZE. */
export function updatePgsizeBitmap(s: Type1State): void {
  let b = U64_MAX;
  for (const d of s.domains) b &= d.pgsizes;
  if ((b & ~PAGE_MASK & U64_MAX) !== 0n) b = (b & PAGE_MASK) | PAGE_SIZE;
  s.pgsizeBitmap = b;
}

/** Contiguous physical runs of a mapping's pages: [first page index, page count][]. */
export function physRuns(pa: readonly bigint[], onePagePerRun: boolean): [number, number][] {
  const runs: [number, number][] = [];
  let i = 0;
  while (i < pa.length) {
    let n = 1;
    while (!onePagePerRun && i + n < pa.length && pa[i + n] === pa[i]! + BigInt(n) * PAGE_SIZE) n++;
    runs.push([i, n]);
    i += n;
  }
  return runs;
}

/** vfio_remove_dma(): unmap from every domain, unpin, undo accounting, give the entry back. */
export function removeDma(s: Type1State, dma: Dma): void {
  const { backend, process } = s.env;
  for (const id of dma.mappedIn) backend.domainUnmap(id, dma.iova, dma.size);
  dma.mappedIn = [];
  if (dma.pa.length > 0) backend.unpinUserPages(dma.pa);
  dma.pa = [];
  process.lockedVm -= dma.locked;
  dma.locked = 0;
  const i = s.dmas.indexOf(dma);
  if (i >= 0) s.dmas.splice(i, 1);
  if (dma.vaddrInvalid) s.vaddrInvalidCount--;
  s.dmaAvail++;
}

/** Inserts keeping iova order (vfio_link_dma). */
export function linkDma(s: Type1State, dma: Dma): void {
  const i = s.dmas.findIndex((d) => d.iova > dma.iova);
  if (i < 0) s.dmas.push(dma);
  else s.dmas.splice(i, 0, dma);
}

/** Maps a mapping's pinned pages into one domain; undoes that domain on failure. */
export function mapIntoDomain(s: Type1State, dma: Dma, domainId: number): Errno | undefined {
  const runs = physRuns(dma.pa, s.env.disableHugepages);
  const prot = dma.prot | IOMMU_CACHE;
  for (const [first, n] of runs) {
    const iova = dma.iova + BigInt(first) * PAGE_SIZE;
    const e = s.env.backend.domainMap(domainId, iova, dma.pa[first]!, BigInt(n) * PAGE_SIZE, prot);
    if (e !== undefined) {
      const done = BigInt(first) * PAGE_SIZE;
      if (done > 0n) s.env.backend.domainUnmap(domainId, dma.iova, done);
      return e;
    }
  }
  dma.mappedIn.push(domainId);
  return undefined;
}

export function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}
