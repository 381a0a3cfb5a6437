import { defineOps, defineQueries } from '@dmasim/op-spec';

/** Scenario operations and queries of the IOMMU core. */
export const iommuOps = defineOps([
  {
    name: 'device',
    summary: 'A device-initiated DMA read or write through the IOMMU (bytes on success, a fault record otherwise)',
    args: [
      { name: 'dev', kind: 'bdf' },
      { name: 'access', kind: 'word', values: ['read', 'write'] },
      { name: 'addr', kind: 'expr', doc: 'the bus address the device puts on the wire' },
      { name: 'len', kind: 'size' },
      { name: 'fill', kind: 'u64', named: true, optional: true, doc: 'byte value a write stores (default 0x5a)' },
    ],
    outcomes: ['ok', 'bytes', 'fault'],
    source: 'drivers/iommu/intel/dmar.c dmar_fault, dmar_fault_do_one; VT-d spec ch. 3 (DMA remapping)',
  },
]);

export const iommuQueries = defineQueries([
  {
    name: 'group_type',
    summary: 'The group sysfs `type` of the device\'s IOMMU group (identity, DMA, DMA-FQ, …)',
    args: [{ name: 'dev', kind: 'bdf' }],
    returns: 'string',
    source: 'drivers/iommu/iommu.c iommu_group_show_type',
  },
  {
    name: 'iova_to_phys',
    summary: 'iommu_iova_to_phys on the device\'s current domain',
    args: [
      { name: 'dev', kind: 'bdf' },
      { name: 'iova', kind: 'u64' },
    ],
    returns: 'u64',
    source: 'drivers/iommu/iommu.c iommu_iova_to_phys',
  },
]);
