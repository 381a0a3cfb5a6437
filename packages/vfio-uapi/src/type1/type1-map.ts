/**
 * VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA on a type1 container, each check
 * in the order drivers/vfio/vfio_iommu_type1.c makes it
 * (vfio_iommu_type1_map_dma / vfio_dma_do_map, vfio_iommu_type1_unmap_dma /
 * vfio_dma_do_unmap), so the errno that wins when several apply is Linux's.
 */
import { done, errno } from './errno.js';
import type { VfioResult } from './errno.js';
import { U64_MAX } from './iova-list.js';
import {
  add,
  findDma,
  findFirst,
  hex,
  iovaDmaValid,
  IOMMU_READ,
  IOMMU_WRITE,
  linkDma,
  mapIntoDomain,
  minPageSize,
  PAGE_SHIFT,
  PAGE_SIZE,
  removeDma,
} from './type1-state.js';
import type { Dma, Type1State } from './type1-state.js';
import { VFIO } from './uapi-values.js';

/** struct vfio_iommu_type1_dma_map as the caller fills it. */
export interface MapDmaRequest {
  /** Default: sizeof (32). */
  readonly argsz?: number;
  /** VFIO_DMA_MAP_FLAG_READ 1 | WRITE 2 | VADDR 4. */
  readonly flags: number;
  readonly vaddr: bigint;
  readonly iova: bigint;
  readonly size: bigint;
}

/** struct vfio_iommu_type1_dma_unmap (+ struct vfio_bitmap with GET_DIRTY_BITMAP). */
export interface UnmapDmaRequest {
  /** Default: 24, or 48 with GET_DIRTY_BITMAP. */
  readonly argsz?: number;
  /** VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP 1 | ALL 2 | VADDR 4. */
  readonly flags?: number;
  readonly iova: bigint;
  readonly size: bigint;
  readonly bitmap?: { readonly pgsize: bigint; readonly size: bigint; readonly data: bigint };
}

const MAP_MINSZ = 32; // offsetofend(struct vfio_iommu_type1_dma_map, size)
const UNMAP_MINSZ = 24; // offsetofend(struct vfio_iommu_type1_dma_unmap, size)
const BITMAP_SIZE = 24; // sizeof(struct vfio_bitmap)
/** DIRTY_BITMAP_PAGES_MAX = INT_MAX pages; DIRTY_BITMAP_BYTES rounds to u64 words. */
const DIRTY_BITMAP_PAGES_MAX = (1n << 31n) - 1n;
export const DIRTY_BITMAP_BYTES = (n: bigint): bigint => ((n + 63n) / 64n) * 8n;
export const DIRTY_BITMAP_SIZE_MAX = DIRTY_BITMAP_BYTES(DIRTY_BITMAP_PAGES_MAX);

const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

/** vfio_iommu_type1_map_dma(). */
export function mapDma(s: Type1State, req: MapDmaRequest): VfioResult<void> {
  const argsz = req.argsz ?? MAP_MINSZ;
  const flags = req.flags >>> 0;
  const mask = VFIO.DMA_MAP_FLAG_READ | VFIO.DMA_MAP_FLAG_WRITE | VFIO.DMA_MAP_FLAG_VADDR;
  if (argsz < MAP_MINSZ || (flags & ~mask) !== 0) {
    return errno(
      'EINVAL',
      `MAP_DMA: argsz ${argsz} < ${MAP_MINSZ} or unknown flags ${hex(flags & ~mask)} (vfio_iommu_type1_map_dma)`,
    );
  }
  return doMap(s, flags, u64(req.vaddr), u64(req.iova), u64(req.size));
}

function doMap(
  s: Type1State,
  flags: number,
  vaddr: bigint,
  iova: bigint,
  size: bigint,
): VfioResult<void> {
  const setVaddr = (flags & VFIO.DMA_MAP_FLAG_VADDR) !== 0;
  let prot = 0;
  if (flags & VFIO.DMA_MAP_FLAG_WRITE) prot |= IOMMU_WRITE;
  if (flags & VFIO.DMA_MAP_FLAG_READ) prot |= IOMMU_READ;
  const protBad = (prot !== 0 && setVaddr) || (prot === 0 && !setVaddr);
  const protMsg = 'MAP_DMA: flags need READ and/or WRITE, or VADDR alone (vfio_dma_do_map)';
  const wraps = iova + size - 1n > U64_MAX || vaddr + size - 1n > U64_MAX;
  const wrapMsg = `MAP_DMA: iova ${hex(iova)} or vaddr ${hex(vaddr)} + size ${hex(size)} wraps past 2^64 (vfio_dma_do_map)`;
  const pgsize = minPageSize(s);
  const misaligned = ((size | iova | vaddr) & (pgsize - 1n)) !== 0n;
  const alignMsg = `MAP_DMA: size ${hex(size)}, iova ${hex(iova)} and vaddr ${hex(vaddr)} must be non-zero multiples of the smallest IOMMU page ${hex(pgsize)} (vfio_dma_do_map)`;

  if (s.env.profile.overflowIsEOVERFLOW) {
    // 6.18+: size, then overflow (EOVERFLOW), then flags, then alignment
    if (size === 0n) return errno('EINVAL', alignMsg);
    if (wraps) return errno('EOVERFLOW', wrapMsg);
    if (protBad) return errno('EINVAL', protMsg);
    if (misaligned) return errno('EINVAL', alignMsg);
  } else {
    if (protBad) return errno('EINVAL', protMsg);
    if (size === 0n || misaligned) return errno('EINVAL', alignMsg);
    if (wraps) return errno('EINVAL', wrapMsg);
  }
  const iovaEnd = iova + size - 1n;

  const dma = findDma(s, iova, size);
  if (setVaddr) {
    if (!dma)
      return errno(
        'ENOENT',
        `MAP_DMA(VADDR): nothing is mapped at iova ${hex(iova)} (vfio_dma_do_map)`,
      );
    if (!dma.vaddrInvalid || dma.iova !== iova || dma.size !== size) {
      return errno(
        'EINVAL',
        `MAP_DMA(VADDR): needs the exact iova and size of a mapping invalidated with UNMAP_DMA(VADDR) (vfio_dma_do_map)`,
      );
    }
    // same process: vfio_change_dma_owner() has nothing to move
    dma.vaddr = vaddr;
    dma.vaddrInvalid = false;
    s.vaddrInvalidCount--;
    return done(undefined);
  }
  if (dma) {
    return errno(
      'EEXIST',
      `MAP_DMA: [${hex(iova)}, ${hex(iovaEnd)}] overlaps the mapping at ${hex(dma.iova)} size ${hex(dma.size)} (vfio_dma_do_map)`,
    );
  }
  if (s.dmaAvail === 0) {
    return errno(
      'ENOSPC',
      `MAP_DMA: no DMA entries left (dma_entry_limit ${s.env.dmaEntryLimit}) (vfio_dma_do_map)`,
    );
  }
  if (!iovaDmaValid(s, iova, iovaEnd)) {
    return errno(
      'EINVAL',
      `MAP_DMA: [${hex(iova)}, ${hex(iovaEnd)}] is not inside one valid IOVA range (vfio_iommu_iova_dma_valid)`,
    );
  }

  const entry: Dma = {
    iova,
    size,
    vaddr,
    prot,
    pa: [],
    locked: 0,
    mappedIn: [],
    lockCap: s.env.process.capIpcLock,
    vaddrInvalid: false,
  };
  s.dmaAvail--;
  linkDma(s, entry);
  // no IOMMU-backed domain (mdev only): record the range, pin later
  if (s.domains.length === 0) return done(undefined);
  const r = pinMap(s, entry);
  if (!r.ok) removeDma(s, entry);
  return r;
}

/** vfio_pin_map_dma() / vfio_pin_pages_remote(): pin, account, map into every domain. */
function pinMap(s: Type1State, dma: Dma): VfioResult<void> {
  const { backend, process } = s.env;
  const npages = dma.size >> PAGE_SHIFT;
  const write = (dma.prot & IOMMU_WRITE) !== 0;
  const limitPages = backend.lockedMemoryLimit() >> PAGE_SHIFT;
  const allowed = dma.lockCap ? npages : limitPages - BigInt(process.lockedVm);
  if (allowed < npages) {
    // the kernel pins page by page and fails at the first one over the limit
    const upTo = (allowed < 0n ? 0n : allowed) + 1n;
    const probe = backend.pinUserPages(dma.vaddr, upTo * PAGE_SIZE, write);
    if (typeof probe === 'string') return errno(probe, pinMessage(probe, dma));
    backend.unpinUserPages(probe.pa);
    const line = `vfio_pin_pages_remote: RLIMIT_MEMLOCK (${limitPages << PAGE_SHIFT}) exceeded`;
    s.env.log(line);
    return errno('ENOMEM', `MAP_DMA: ${line} (locked_vm ${process.lockedVm} pages)`);
  }
  const pinned = backend.pinUserPages(dma.vaddr, dma.size, write);
  if (typeof pinned === 'string') return errno(pinned, pinMessage(pinned, dma));
  dma.pa = pinned.pa;
  dma.locked = pinned.pa.length;
  process.lockedVm += dma.locked;
  for (const d of s.domains) {
    const e = mapIntoDomain(s, dma, d.id);
    if (e !== undefined) {
      return errno(e, `MAP_DMA: iommu_map into domain ${d.id} failed (vfio_iommu_map)`);
    }
  }
  return done(undefined);
}

function pinMessage(e: string, dma: Dma): string {
  return `MAP_DMA: pinning vaddr ${hex(dma.vaddr)} size ${hex(dma.size)} failed with ${e} (vaddr_get_pfns)`;
}

/** vfio_iommu_type1_unmap_dma(): returns the bytes unmapped (copied back into `size`). */
export function unmapDma(s: Type1State, req: UnmapDmaRequest): VfioResult<bigint> {
  const flags = (req.flags ?? 0) >>> 0;
  const dirty = (flags & VFIO.DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) !== 0;
  const argsz = req.argsz ?? (dirty ? UNMAP_MINSZ + BITMAP_SIZE : UNMAP_MINSZ);
  const mask =
    VFIO.DMA_UNMAP_FLAG_GET_DIRTY_BITMAP | VFIO.DMA_UNMAP_FLAG_ALL | VFIO.DMA_UNMAP_FLAG_VADDR;
  const iova = u64(req.iova);
  const size = u64(req.size);
  if (argsz < UNMAP_MINSZ || (flags & ~mask) !== 0) {
    return errno(
      'EINVAL',
      `UNMAP_DMA: argsz ${argsz} < ${UNMAP_MINSZ} or unknown flags (vfio_iommu_type1_unmap_dma)`,
    );
  }
  if (dirty && (flags & (VFIO.DMA_UNMAP_FLAG_ALL | VFIO.DMA_UNMAP_FLAG_VADDR)) !== 0) {
    return errno('EINVAL', 'UNMAP_DMA: GET_DIRTY_BITMAP cannot be combined with ALL or VADDR');
  }
  if (dirty) {
    if (argsz < UNMAP_MINSZ + BITMAP_SIZE) {
      return errno(
        'EINVAL',
        `UNMAP_DMA: GET_DIRTY_BITMAP needs argsz >= ${UNMAP_MINSZ + BITMAP_SIZE}`,
      );
    }
    const bm = req.bitmap ?? { pgsize: 0n, size: 0n, data: 0n };
    const pgshift =
      bm.pgsize === 0n ? -1n : BigInt((bm.pgsize & -bm.pgsize).toString(2).length - 1);
    const npages = pgshift < 0n ? 0n : size >> pgshift;
    // verify_bitmap_size()
    if (
      !npages ||
      !bm.size ||
      bm.size > DIRTY_BITMAP_SIZE_MAX ||
      bm.size < DIRTY_BITMAP_BYTES(npages)
    ) {
      return errno(
        'EINVAL',
        'UNMAP_DMA: dirty bitmap size does not match the range (verify_bitmap_size)',
      );
    }
  }
  return doUnmap(s, flags, iova, size, dirty ? (req.bitmap?.pgsize ?? 0n) : 0n);
}

function doUnmap(
  s: Type1State,
  flags: number,
  iova: bigint,
  reqSize: bigint,
  bitmapPgsize: bigint,
): VfioResult<bigint> {
  const unmapAll = (flags & VFIO.DMA_UNMAP_FLAG_ALL) !== 0;
  const invalidateVaddr = (flags & VFIO.DMA_UNMAP_FLAG_VADDR) !== 0;
  const dirty = (flags & VFIO.DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) !== 0;
  const pgsize = minPageSize(s);
  let size = reqSize;
  // no emulated (mdev) groups in this model, so VADDR is never EBUSY here
  if ((iova & (pgsize - 1n)) !== 0n) {
    return errno(
      'EINVAL',
      `UNMAP_DMA: iova ${hex(iova)} is not a multiple of ${hex(pgsize)} (vfio_dma_do_unmap)`,
    );
  }
  if (unmapAll) {
    if (iova !== 0n || size !== 0n)
      return errno('EINVAL', 'UNMAP_DMA(ALL): iova and size must be 0');
    size = U64_MAX;
  } else {
    if (size === 0n || (size & (pgsize - 1n)) !== 0n) {
      return errno(
        'EINVAL',
        `UNMAP_DMA: size ${hex(size)} is zero or not a multiple of ${hex(pgsize)}`,
      );
    }
    if (iova + size - 1n > U64_MAX) {
      const e = s.env.profile.overflowIsEOVERFLOW ? 'EOVERFLOW' : 'EINVAL';
      return errno(
        e,
        `UNMAP_DMA: iova ${hex(iova)} + size ${hex(size)} wraps past 2^64 (vfio_dma_do_unmap)`,
      );
    }
  }
  if (dirty && bitmapPgsize !== pgsize) {
    // dirty tracking is never started in this model
    return errno(
      'EINVAL',
      'UNMAP_DMA: dirty page tracking is not started or bitmap pgsize is wrong',
    );
  }
  if (s.v2 && !unmapAll) {
    // v2: the request may not bisect a mapping
    const head = findDma(s, iova, 1n);
    if (head && head.iova !== iova) {
      return errno(
        'EINVAL',
        `UNMAP_DMA: iova ${hex(iova)} is inside the mapping at ${hex(head.iova)} (type1v2 cannot split)`,
      );
    }
    const tail = findDma(s, add(s, iova, size - 1n), 0n);
    if (tail && add(s, tail.iova, tail.size) !== add(s, iova, size)) {
      return errno(
        'EINVAL',
        `UNMAP_DMA: the range ends inside the mapping at ${hex(tail.iova)} (type1v2 cannot split)`,
      );
    }
  }
  let unmapped = 0n;
  const first = findFirst(s, iova, size);
  if (first < 0) return done(0n);
  const end = add(s, iova, size);
  const walked: Dma[] = [];
  for (const dma of s.dmas.slice(first)) {
    if (dma.iova >= end) break;
    // v1 stops at a mapping that starts below iova
    if (!s.v2 && iova > dma.iova) break;
    if (invalidateVaddr) {
      if (dma.vaddrInvalid) {
        for (const w of walked) {
          w.vaddrInvalid = false;
          s.vaddrInvalidCount--;
        }
        return errno(
          'EINVAL',
          `UNMAP_DMA(VADDR): the vaddr at iova ${hex(dma.iova)} is already invalid`,
        );
      }
      dma.vaddrInvalid = true;
      s.vaddrInvalidCount++;
      walked.push(dma);
      unmapped += dma.size;
      continue;
    }
    unmapped += dma.size;
    removeDma(s, dma);
  }
  return done(unmapped);
}
