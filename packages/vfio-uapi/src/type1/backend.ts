import type { Errno } from './errno.js';

/** A reserved region as iommu_get_group_resv_regions() reports it; `end` is inclusive. */
export interface ReservedRegion {
  readonly start: bigint;
  readonly end: bigint;
  /**
   * `direct`, `direct-relaxable`, `reserved`, `msi` or `sw-msi` (IOMMU_RESV_*).
   * Type1 cuts every type except `direct-relaxable` out of the usable IOVA ranges.
   */
  readonly type: string;
}

/**
 * What the VFIO model needs from the rest of the machine. `@dmasim/machine`
 * implements it over iommu-core, pci-topology and physmem; SimpleVfioBackend is a
 * self-contained one for tests and examples. The optional members refine the
 * model where the machine knows more; their defaults are noted.
 */
export interface VfioBackend {
  /** /dev/vfio/<id> exists: some device of the group is bound to a VFIO driver. */
  groupExists(groupId: number): boolean;
  /** All devices bound to vfio-pci (or a driver_managed_dma driver) or no driver. */
  groupViable(groupId: number): boolean;
  /** iommu_group_claim_dma_owner(): EBUSY when a kernel driver owns DMA. */
  claimGroup(groupId: number): Errno | undefined;
  /** iommu_group_release_dma_owner(): the group goes back to its default domain. */
  releaseGroup(groupId: number): void;
  /** An UNMANAGED domain attached to the groups (EIO if none can be allocated). */
  allocDomain(groups: number[]): { id: number } | Errno;
  attachGroup(domainId: number, groupId: number): Errno | undefined;
  /** iommu_map(); `prot` is IOMMU_READ 1 | IOMMU_WRITE 2 | IOMMU_CACHE 4. */
  domainMap(
    domainId: number,
    iova: bigint,
    pa: bigint,
    size: bigint,
    prot: number,
  ): Errno | undefined;
  /** iommu_unmap(); returns bytes unmapped. */
  domainUnmap(domainId: number, iova: bigint, size: bigint): bigint;
  reservedRegions(groupId: number): { start: bigint; end: bigint; type: string }[];
  /** The domain's pgsize_bitmap. */
  pageSizes(domainId: number): bigint;
  /** pin_user_pages(FOLL_LONGTERM [| FOLL_WRITE]): one physical address per 4 KiB page. */
  pinUserPages(vaddr: bigint, size: bigint, write: boolean): { pa: bigint[] } | Errno;
  unpinUserPages(pa: bigint[]): void;
  /** RLIMIT_MEMLOCK of the calling process, in bytes. */
  lockedMemoryLimit(): bigint;

  /** Device names (e.g. `0000:06:0d.0`) of the group, for GET_DEVICE_FD. Default: none. */
  groupDevices?(groupId: number): readonly string[];
  /** iommu_detach_group(). Needed to share one domain between groups. */
  detachGroup?(domainId: number, groupId: number): void;
  /** iommu_domain_free(). */
  freeDomain?(domainId: number): void;
  /** domain->geometry aperture, inclusive. Default: the whole 64-bit space. */
  aperture?(domainId: number): { start: bigint; end: bigint };
  /** iommu_group_has_isolated_msi() (interrupt remapping). Default: true. */
  msiIsolated?(groupId: number): boolean;
  /** The domain blocks no-snoop (enforce_cache_coherency). Default: true. */
  enforceCacheCoherency?(domainId: number): boolean;
}
