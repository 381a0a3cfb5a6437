/**
 * Scenario operations and queries this package offers. Descriptors only: the
 * scenario engine wires them to a machine's topology and group assignment.
 */
import { defineOps, defineQueries } from '@dmasim/op-spec';

export const pciQueries = defineQueries([
  {
    name: 'group',
    summary: 'IOMMU group id of a PCI function (an error if it has no group)',
    args: [{ name: 'dev', kind: 'bdf' }],
    returns: 'int: the group id (/sys/kernel/iommu_groups/N)',
    source: 'drivers/iommu/iommu.c pci_device_group, iommu_group_alloc',
  },
  {
    name: 'group_size',
    summary: 'number of devices in the IOMMU group of a PCI function',
    args: [{ name: 'dev', kind: 'bdf' }],
    returns: 'int: device count of the group',
    source: 'drivers/iommu/iommu.c pci_device_group, iommu_group_add_device',
  },
  {
    name: 'rid',
    summary: 'requester ID the IOMMU sees for DMA from a PCI function (the last DMA alias)',
    args: [{ name: 'dev', kind: 'bdf' }],
    returns: 'int: 16-bit requester ID, bus << 8 | devfn',
    source: 'drivers/pci/search.c pci_for_each_dma_alias',
  },
  {
    name: 'untrusted',
    summary: 'whether the function sits below an external-facing port (pci_dev->untrusted)',
    args: [{ name: 'dev', kind: 'bdf' }],
    returns: 'bool',
    source: 'drivers/pci/probe.c set_pcie_untrusted',
  },
  {
    name: 'is_virtfn',
    summary: 'whether the function is an SR-IOV virtual function (pci_dev->is_virtfn)',
    args: [{ name: 'dev', kind: 'bdf' }],
    returns: 'bool',
    source: 'drivers/pci/iov.c pci_iov_add_virtfn',
  },
]);

export const pciOps = defineOps([
  {
    name: 'pci.groups',
    summary: 'print the /sys/kernel/iommu_groups/N/devices/<bdf> listing',
    args: [],
    outcomes: ['ok', 'value'],
    binds: 'the listing as one string, paths separated by spaces',
    source: 'drivers/iommu/iommu.c iommu_group_add_device (sysfs links under devices/)',
  },
  {
    name: 'pci.tree',
    summary: 'print the PCI tree like `lspci -tv`',
    args: [],
    outcomes: ['ok', 'value'],
    binds: 'the tree as one string',
    source: 'drivers/pci/probe.c pci_scan_child_bus (the hierarchy lspci -t reads from sysfs)',
  },
]);
