import type { IoPageTable, IotlbGather } from '@dmasim/io-pgtable';
import { isPagingDomain, type DomainType } from './domain-type.js';
import { iommuPgsize, minPageSize } from './pgsize.js';

export type MapErrno = 'EINVAL' | 'ENODEV' | 'EEXIST' | 'EADDRINUSE' | 'ERANGE' | 'ENXIO' | 'EOVERFLOW' | 'ENOMEM' | 'EFAULT';

export interface MapResult {
  readonly errno?: MapErrno;
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

  /** iommu.c __iommu_map. */
  map(iova: bigint, paddr: bigint, size: bigint, prot: number): MapResult {
    const log: string[] = [];
    if (!isPagingDomain(this.type)) return { errno: 'EINVAL', log };
    const pt = this.pt;
    if (!pt || pt.pgsizeBitmap === 0n) return { errno: 'ENODEV', log };
    const min = minPageSize(pt.pgsizeBitmap);
    if (((iova | paddr | size) & (min - 1n)) !== 0n) {
      log.push(
        `iommu: unaligned: iova 0x${iova.toString(16)} pa 0x${paddr.toString(16).padStart(16, '0')} size 0x${size.toString(16)} min_pagesz 0x${min.toString(16)}`,
      );
      return { errno: 'EINVAL', log };
    }
    let done = 0n;
    let errno: MapErrno | undefined;
    const logStart = pt.log.length;
    while (done < size) {
      const { pgsize, count } = iommuPgsize(pt.pgsizeBitmap, iova + done, paddr + done, size - done);
      const r = pt.mapPages(iova + done, paddr + done, pgsize, count, prot);
      done += r.mapped;
      if (r.errno) {
        errno = r.errno;
        break;
      }
      if (r.mapped === 0n) {
        errno = 'EINVAL';
        break;
      }
    }
    log.push(...pt.log.slice(logStart));
    if (errno) {
      // Unwind what this call mapped (iommu.c: iommu_unmap on failure).
      if (done > 0n) this.unmap(iova, done);
      return { errno, log };
    }
    return { log };
  }

  /** iommu.c __iommu_unmap: bytes unmapped, stopping at the first hole. */
  unmap(iova: bigint, size: bigint, gather?: IotlbGather): { unmapped: bigint; log: string[] } {
    const log: string[] = [];
    const pt = this.pt;
    if (!pt || !isPagingDomain(this.type)) return { unmapped: 0n, log };
    const min = minPageSize(pt.pgsizeBitmap);
    if (((iova | size) & (min - 1n)) !== 0n) {
      log.push(`iommu: unaligned: iova 0x${iova.toString(16)} size 0x${size.toString(16)} min_pagesz 0x${min.toString(16)}`);
      return { unmapped: 0n, log };
    }
    let unmapped = 0n;
    const logStart = pt.log.length;
    while (unmapped < size) {
      const { pgsize, count } = iommuPgsize(pt.pgsizeBitmap, iova + unmapped, iova + unmapped, size - unmapped);
      const n = pt.unmapPages(iova + unmapped, pgsize, count, gather);
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
