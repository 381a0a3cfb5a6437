import { IOMMU_CACHE, IOMMU_READ, IOMMU_WRITE } from '@dmasim/io-pgtable';

/** enum dma_data_direction (include/linux/dma-direction.h). */
export type DmaDirection = 'bidirectional' | 'to-device' | 'from-device' | 'none';

export const DMA_DIRECTIONS: readonly DmaDirection[] = ['bidirectional', 'to-device', 'from-device', 'none'];

/** The names dma-debug prints. */
export function directionName(d: DmaDirection): string {
  switch (d) {
    case 'bidirectional':
      return 'DMA_BIDIRECTIONAL';
    case 'to-device':
      return 'DMA_TO_DEVICE';
    case 'from-device':
      return 'DMA_FROM_DEVICE';
    case 'none':
      return 'DMA_NONE';
  }
}

/** dma-iommu.c dma_info_to_prot: the device reads TO_DEVICE buffers, writes FROM_DEVICE ones. */
export function dmaInfoToProt(dir: DmaDirection, coherent: boolean): number {
  const cache = coherent ? IOMMU_CACHE : 0;
  switch (dir) {
    case 'bidirectional':
      return cache | IOMMU_READ | IOMMU_WRITE;
    case 'to-device':
      return cache | IOMMU_READ;
    case 'from-device':
      return cache | IOMMU_WRITE;
    case 'none':
      return 0;
  }
}

/** DMA_MAPPING_ERROR = ~(dma_addr_t)0. */
export const DMA_MAPPING_ERROR = (1n << 64n) - 1n;
