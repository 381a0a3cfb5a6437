import { iovaProfiles, type IovaProfile } from '@dmasim/iova-alloc';

export type Release = '6.1' | '6.12' | '6.19';

/** dma-api behaviour that changed between releases. */
export interface DmaProfile {
  readonly release: Release;
  /**
   * dma-iommu.c iommu_dma_alloc_iova: since 6.5 ("iommu/dma: Trace bounce buffer usage…"
   * series era) a PCI device whose 32-bit attempt fails loses the SAC-first
   * workaround for good and logs "Using %d-bit DMA addresses" once; 6.1 retries
   * 32-bit first on every allocation and logs nothing.
   */
  readonly stickyDacFallback: boolean;
  /** The IOVA allocator iommu-dma uses (drivers/iommu/iova.c of the same release). */
  readonly iova: IovaProfile;
}

export const dmaProfiles: Readonly<Record<Release, DmaProfile>> = {
  '6.1': { release: '6.1', stickyDacFallback: false, iova: iovaProfiles['6.1'] },
  '6.12': { release: '6.12', stickyDacFallback: true, iova: iovaProfiles['6.12'] },
  '6.19': { release: '6.19', stickyDacFallback: true, iova: iovaProfiles['6.19'] },
};
