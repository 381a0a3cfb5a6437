import { defineOps } from '@dmasim/op-spec';

const DIRS = ['bidirectional', 'to-device', 'from-device', 'none'] as const;

/** Scenario operations of the DMA API (kernel/dma/mapping.c and its backends). */
export const dmaOps = defineOps([
  {
    name: 'dma.map_single',
    summary: 'Map a kernel buffer for streaming DMA; binds the DMA address',
    args: [
      { name: 'dev', kind: 'bdf' },
      { name: 'buf', kind: 'expr', doc: 'buffer variable or physical address (buf + offset allowed)' },
      { name: 'size', kind: 'size' },
      { name: 'dir', kind: 'word', values: DIRS },
    ],
    outcomes: ['iova', 'ok', 'error', 'value'],
    errors: ['DMA_MAPPING_ERROR'],
    binds: 'the DMA address (dma_addr_t)',
    source: 'kernel/dma/mapping.c dma_map_page_attrs; drivers/iommu/dma-iommu.c iommu_dma_map_page; kernel/dma/direct.h dma_direct_map_page',
  },
  {
    name: 'dma.unmap_single',
    summary: 'Tear down a streaming mapping',
    args: [
      { name: 'dev', kind: 'bdf' },
      { name: 'dma', kind: 'expr' },
      { name: 'size', kind: 'size' },
      { name: 'dir', kind: 'word', values: DIRS },
    ],
    outcomes: ['ok'],
    source: 'kernel/dma/mapping.c dma_unmap_page_attrs; drivers/iommu/dma-iommu.c __iommu_dma_unmap',
  },
  {
    name: 'dma.set_mask',
    summary: 'dma_set_mask_and_coherent(dev, DMA_BIT_MASK(bits))',
    args: [
      { name: 'dev', kind: 'bdf' },
      { name: 'bits', kind: 'int' },
    ],
    outcomes: ['ok', 'error'],
    errors: ['EIO'],
    source: 'kernel/dma/mapping.c dma_set_mask, dma_set_coherent_mask',
  },
]);
