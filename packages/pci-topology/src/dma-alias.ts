/**
 * DMA requester-ID aliases: drivers/pci/search.c pci_for_each_dma_alias and
 * drivers/pci/pci.c pci_devs_are_dma_aliases.
 */
import { pciDevId } from './bdf.js';
import type { PciTopology } from './topology.js';
import type { PciDevice } from './types.js';

export interface DmaAlias {
  /** The device the kernel passes to the callback (the device itself or a bridge). */
  dev: PciDevice;
  /** The 16-bit requester ID (bus << 8 | devfn). */
  rid: number;
}

/**
 * Every requester ID the IOMMU may see for `dev`, in the order the kernel visits them:
 * the device's own RID, its quirk aliases (same bus), then one entry per bridge on the
 * way up that rewrites the requester ID. The last entry is what arrives at the root.
 * (pci_real_dma_dev / VMD is not modelled: a device is its own DMA device.)
 */
export function pciForEachDmaAlias(_topo: PciTopology, dev: PciDevice): DmaAlias[] {
  const out: DmaAlias[] = [{ dev, rid: pciDevId(dev.bus, dev.devfn) }];
  for (const devfn of dev.dmaAliasDevfns) out.push({ dev, rid: pciDevId(dev.bus, devfn) });
  for (let bus = dev.onBus; !bus.isRoot; bus = bus.parent!) {
    // Skip virtual buses (a VF's bus without a bridge).
    const tmp = bus.self;
    if (!tmp) continue;
    // Stop at the bridge the translation unit is associated with.
    if (tmp.flags.bridgeXlateRoot) return out;
    if (tmp.isPcie) {
      switch (tmp.pcieType) {
        case 'root-port':
        case 'upstream-port':
        case 'downstream-port':
          continue;
        case 'pcie-to-pci-bridge':
          // PCIe-to-PCI/X bridges take ownership: (secondary bus, devfn 00.0).
          out.push({ dev: tmp, rid: pciDevId(tmp.secondaryBus!, 0) });
          continue;
        case 'pci-to-pcie-bridge':
          out.push({ dev: tmp, rid: pciDevId(tmp.bus, tmp.devfn) });
          continue;
        default:
          // Other PCIe types cannot be bridges; nothing to add.
          continue;
      }
    }
    out.push(
      tmp.flags.pcieBridgeAlias
        ? { dev: tmp, rid: pciDevId(tmp.secondaryBus!, 0) }
        : { dev: tmp, rid: pciDevId(tmp.bus, tmp.devfn) },
    );
  }
  return out;
}

/** The requester ID that reaches the root complex (the last alias). */
export function pciRequesterId(topo: PciTopology, dev: PciDevice): number {
  const all = pciForEachDmaAlias(topo, dev);
  return all[all.length - 1]!.rid;
}

/** drivers/pci/pci.c pci_devs_are_dma_aliases: either device lists the other's devfn as an alias. */
export function pciDevsAreDmaAliases(a: PciDevice, b: PciDevice): boolean {
  return a.dmaAliasDevfns.includes(b.devfn) || b.dmaAliasDevfns.includes(a.devfn);
}
