import type { IommuCore, IommuDomain } from '@dmasim/iommu-core';
import type { Errno, VfioBackend } from '@dmasim/vfio-uapi';
import type { BufferAllocator } from './buffers.js';
import type { Platform } from './platform.js';

export interface VfioMachine {
  readonly iommu: IommuCore | undefined;
  readonly buffers: BufferAllocator;
  readonly platform: Platform;
  /** The driver bound to a device (by canonical BDF), undefined when none. */
  driverOf(bdf: string): string | undefined;
  flushAll(domain: IommuDomain): void;
}

/** Drivers that leave DMA ownership to their user (driver_managed_dma). */
const VFIO_DRIVERS = new Set(['vfio-pci']);

/**
 * The machine side of VFIO: groups, DMA ownership, UNMANAGED domains and user-page
 * pinning, over the IOMMU core (drivers/iommu/iommu.c iommu_group_claim_dma_owner,
 * iommu_attach_group; mm/gup.c pin_user_pages for the pinning).
 */
export class MachineVfioBackend implements VfioBackend {
  private readonly domains = new Map<number, IommuDomain>();

  constructor(
    private readonly m: VfioMachine,
    /** RLIMIT_MEMLOCK of the process using VFIO. */
    private readonly memlock: bigint,
  ) {}

  private devices(groupId: number): readonly string[] {
    return this.m.iommu?.groups.get(groupId)?.devices ?? [];
  }

  groupExists(groupId: number): boolean {
    return this.devices(groupId).some((b) => VFIO_DRIVERS.has(this.m.driverOf(b) ?? ''));
  }

  groupViable(groupId: number): boolean {
    return this.devices(groupId).every((b) => {
      const d = this.m.driverOf(b);
      return d === undefined || VFIO_DRIVERS.has(d);
    });
  }

  claimGroup(groupId: number): Errno | undefined {
    const core = this.m.iommu;
    if (!core) return 'ENODEV';
    return core.claimDmaOwner(groupId, !this.groupViable(groupId));
  }

  releaseGroup(groupId: number): void {
    this.m.iommu?.releaseDmaOwner(groupId);
  }

  allocDomain(groups: number[]): { id: number } | Errno {
    const core = this.m.iommu;
    if (!core) return 'ENODEV';
    const d = core.allocDomain('unmanaged');
    this.domains.set(d.id, d);
    for (const g of groups) {
      const e = core.attachGroupTo(d, g);
      if (e) return e;
    }
    return { id: d.id };
  }

  attachGroup(domainId: number, groupId: number): Errno | undefined {
    const d = this.domains.get(domainId);
    if (!d || !this.m.iommu) return 'ENODEV';
    return this.m.iommu.attachGroupTo(d, groupId);
  }

  detachGroup(_domainId: number, groupId: number): void {
    this.m.iommu?.detachGroupFrom(groupId);
  }

  freeDomain(domainId: number): void {
    this.domains.delete(domainId);
  }

  domainMap(domainId: number, iova: bigint, pa: bigint, size: bigint, prot: number): Errno | undefined {
    const d = this.domains.get(domainId);
    if (!d) return 'ENODEV';
    const r = d.map(iova, pa, size, prot);
    if (!r.errno) return undefined;
    return r.errno === 'EADDRINUSE' || r.errno === 'EEXIST' ? 'EEXIST' : r.errno === 'ENOMEM' ? 'ENOMEM' : 'EINVAL';
  }

  domainUnmap(domainId: number, iova: bigint, size: bigint): bigint {
    const d = this.domains.get(domainId);
    if (!d) return 0n;
    const { unmapped } = d.unmap(iova, size);
    // type1 unmaps synchronously and flushes before unpinning (vfio_unmap_unpin → iommu_iotlb_sync).
    this.m.flushAll(d);
    return unmapped;
  }

  reservedRegions(): { start: bigint; end: bigint; type: string }[] {
    // intel/iommu.c intel_iommu_get_resv_regions: the IOAPIC/MSI window (no RMRRs modelled).
    return [{ start: this.m.platform.msiWindow.start, end: this.m.platform.msiWindow.end, type: 'msi' }];
  }

  pageSizes(domainId: number): bigint {
    return this.domains.get(domainId)?.pgsizeBitmap ?? 0x1000n;
  }

  aperture(domainId: number): { start: bigint; end: bigint } {
    return { start: 0n, end: this.domains.get(domainId)?.apertureEnd ?? (1n << 64n) - 1n };
  }

  pinUserPages(vaddr: bigint, size: bigint): { pa: bigint[] } | Errno {
    const pa: bigint[] = [];
    for (let off = 0n; off < size; off += 0x1000n) {
      const va = vaddr + off;
      const b = this.m.buffers.findUser(va);
      if (!b || b.va === undefined) return 'EFAULT';
      pa.push(b.pages[Number((va - b.va) >> 12n)]!);
    }
    return { pa };
  }

  unpinUserPages(): void {
    /* pages stay allocated to the process */
  }

  lockedMemoryLimit(): bigint {
    return this.memlock;
  }

  groupDevices(groupId: number): readonly string[] {
    return this.devices(groupId);
  }
}
