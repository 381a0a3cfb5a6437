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
}

export const dmaProfiles: Readonly<Record<Release, DmaProfile>> = {
  '6.1': { release: '6.1', stickyDacFallback: false },
  '6.12': { release: '6.12', stickyDacFallback: true },
  '6.19': { release: '6.19', stickyDacFallback: true },
};
