import { dmaBitMask } from '@dmasim/physmem';

/** The DMA-relevant part of a struct device. */
export class DmaDevice {
  /** *dev->dma_mask; PCI enumeration sets 32 bits (drivers/pci/probe.c). */
  dmaMask: bigint;
  coherentDmaMask: bigint;
  /** dev->bus_dma_limit (0 = none). */
  busDmaLimit = 0n;
  /** dev->iommu->pci_32bit_workaround (dma-iommu.c iommu_setup_dma_ops). */
  pci32bitWorkaround: boolean;
  /** dev->dma_coherent: x86 devices are cache-coherent. */
  coherent = true;

  constructor(
    /** dev_name with the driver string, as log lines print it ("nvme 0000:01:00.0"). */
    readonly name: string,
    /** A stable key for the device (its BDF). */
    readonly key: string,
    readonly isPci: boolean,
    readonly untrusted: boolean,
    maskBits: number,
    forceDac: boolean,
  ) {
    this.dmaMask = dmaBitMask(maskBits);
    this.coherentDmaMask = dmaBitMask(maskBits);
    this.pci32bitWorkaround = isPci && !forceDac;
  }
}
