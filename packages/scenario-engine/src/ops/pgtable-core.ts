import { IommuDomain, type MapResult } from '@dmasim/iommu-core';
import type { IoPageTable } from '@dmasim/io-pgtable';

/**
 * A scenario's `pgtable.map`/`pgtable.unmap` go through the IOMMU core's own loops
 * (iommu-core IommuDomain: iommu_map / __iommu_unmap of drivers/iommu/iommu.c), on an
 * UNMANAGED domain wrapped around the standalone table, so the page sizes and counts a
 * format sees are the kernel's.
 */

/** The calls into the page table, for `why` lines: the first few in full, then a count. */
export class CallTrace {
  readonly lines: string[] = [];
  private more = 0;
  constructor(private readonly max = 16) {}
  add(line: () => string): void {
    if (this.lines.length < this.max) this.lines.push(line());
    else this.more++;
  }
  list(): string[] {
    return this.more ? [...this.lines, `… and ${this.more} more calls`] : this.lines;
  }
}

function domainOf(pt: IoPageTable): IommuDomain {
  return new IommuDomain(0, 'unmanaged', pt, 0);
}

export function iommuMap(pt: IoPageTable, iova: bigint, paddr: bigint, size: bigint, prot: number, calls: CallTrace): MapResult {
  return domainOf(pt).map(iova, paddr, size, prot, (l) => {
    calls.add(l);
  });
}

export function iommuUnmap(pt: IoPageTable, iova: bigint, size: bigint, calls: CallTrace): { unmapped: bigint; log: string[] } {
  return domainOf(pt).unmap(iova, size, undefined, (l) => {
    calls.add(l);
  });
}
