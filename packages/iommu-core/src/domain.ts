import type { Errno, IoPageTable, IotlbGather } from '@dmasim/io-pgtable';
import { isPagingDomain, type DomainType } from './domain-type.js';
import { iommuPgsize, minPageSize } from './pgsize.js';

/** What iommu_map can fail with: the page table's errnos, or ENODEV without map_pages. */
export type MapErrno = Errno | 'ENODEV';

/** Receives one line per call into the page table (built only when wanted). */
export type Trace = (line: () => string) => void;

const U64 = (1n << 64n) - 1n;
const hex = (v: bigint): string => `0x${v.toString(16)}`;

export interface MapResult {
  readonly errno?: MapErrno;
  /** Bytes mapped (before an error, then unmapped again). */
  readonly mapped: bigint;
  /** Kernel log lines the call printed. */
  readonly log: readonly string[];
}

/**
 * An iommu_domain: its type, its page table (PAGING types only) and the core
 * iommu_map / iommu_unmap / iommu_iova_to_phys entry points of drivers/iommu/iommu.c.
 */
export class IommuDomain {
  /** Devices (bdf) attached, for IOTLB tagging and explanations. */
  readonly attached = new Set<string>();

  constructor(
    readonly id: number,
    public type: DomainType,
    readonly pt: IoPageTable | undefined,
    /** Hardware domain id (VT-d DID, AMD domain id). */
    readonly hwId: number,
  ) {}

  get pgsizeBitmap(): bigint {
    return this.pt?.pgsizeBitmap ?? 0n;
  }

  /** Input address width of the page table: aperture end = 2^ias - 1 (force_aperture). */
  get apertureEnd(): bigint {
    return this.pt ? (1n << BigInt(this.pt.ias)) - 1n : 0n;
  }

  /**
   * iommu.c iommu_map (__iommu_map): EINVAL unless iova, paddr and size are aligned to
   * the smallest page size; then map_pages in iommu_pgsize chunks; on an error the part
   * already mapped is unmapped again. `trace` receives each call into the page table.
   */
  map(iova: bigint, paddr: bigint, size: bigint, prot: number, trace?: Trace): MapResult {
    const log: string[] = [];
    if (!isPagingDomain(this.type)) return { errno: 'EINVAL', mapped: 0n, log };
    const pt = this.pt;
    if (!pt || pt.pgsizeBitmap === 0n) return { errno: 'ENODEV', mapped: 0n, log };
    const min = minPageSize(pt.pgsizeBitmap);
    if (((iova | paddr | size) & (min - 1n)) !== 0n) {
      log.push(`iommu: unaligned: iova ${hex(iova)} pa 0x${paddr.toString(16).padStart(16, '0')} size ${hex(size)} min_pagesz ${hex(min)}`);
      return { errno: 'EINVAL', mapped: 0n, log };
    }
    let done = 0n;
    let errno: MapErrno | undefined;
    const logStart = pt.log.length;
    while (done < size) {
      const va = (iova + done) & U64;
      const pa = paddr + done;
      const ps = iommuPgsize(pt.pgsizeBitmap, va, pa, size - done);
      if (!ps) break;
      const r = pt.mapPages(va, pa, ps.pgsize, ps.count, prot);
      trace?.(() => `map_pages(${hex(va)}, ${hex(pa)}, ${hex(ps.pgsize)}, ${ps.count}) → ${r.errno ?? 0}, mapped ${hex(r.mapped)}`);
      done += r.mapped;
      if (r.errno) {
        errno = r.errno;
        break;
      }
      if (r.mapped === 0n) {
        // Old io-pgtable-arm maps nothing and returns success without READ/WRITE; the
        // kernel's loop would not progress: stop and report what was mapped.
        trace?.(() => 'map_pages mapped nothing and reported success: iommu_map would not make progress');
        break;
      }
    }
    log.push(...pt.log.slice(logStart));
    if (errno) {
      if (done > 0n) {
        const undone = this.unmap(iova, done, undefined, trace);
        trace?.(() => `error: iommu_unmap(${hex(iova)}, ${hex(done)}) undid the partial map → ${hex(undone.unmapped)}`);
        log.push(...undone.log);
      }
      return { errno, mapped: done, log };
    }
    return { mapped: done, log };
  }

  /**
   * iommu.c __iommu_unmap: 0 unless iova and size are aligned to the smallest page size;
   * unmap_pages in iommu_pgsize chunks until `size` bytes (or more) are gone or a call
   * unmaps nothing. Without a caller's gather, detached tables are freed at once (the
   * iotlb_sync of iommu_unmap).
   */
  unmap(iova: bigint, size: bigint, gather?: IotlbGather, trace?: Trace): { unmapped: bigint; log: string[] } {
    const log: string[] = [];
    const pt = this.pt;
    if (!pt || !isPagingDomain(this.type) || pt.pgsizeBitmap === 0n) return { unmapped: 0n, log };
    const min = minPageSize(pt.pgsizeBitmap);
    if (((iova | size) & (min - 1n)) !== 0n) {
      log.push(`iommu: unaligned: iova ${hex(iova)} size ${hex(size)} min_pagesz ${hex(min)}`);
      return { unmapped: 0n, log };
    }
    let unmapped = 0n;
    const logStart = pt.log.length;
    while (unmapped < size) {
      const va = (iova + unmapped) & U64;
      const ps = iommuPgsize(pt.pgsizeBitmap, va, va, size - unmapped);
      if (!ps) break;
      const n = pt.unmapPages(va, ps.pgsize, ps.count, gather);
      trace?.(() => `unmap_pages(${hex(va)}, ${hex(ps.pgsize)}, ${ps.count}) → ${hex(n)}`);
      if (n === 0n) break;
      unmapped += n;
    }
    log.push(...pt.log.slice(logStart));
    return { unmapped, log };
  }

  /** iommu.c iommu_iova_to_phys. */
  iovaToPhys(iova: bigint): bigint {
    if (this.type === 'identity') return iova;
    if (this.type === 'blocked' || !this.pt) return 0n;
    return this.pt.iovaToPhys(iova);
  }
}
