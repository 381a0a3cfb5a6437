import { defineOps, defineQueries } from '@dmasim/op-spec';

const ERRNOS = ['EINVAL', 'EEXIST', 'EADDRINUSE', 'ERANGE', 'ENXIO', 'EOVERFLOW', 'ENOMEM', 'EFAULT'] as const;

/**
 * Standalone page-table operations for scenarios (descriptors only; the scenario engine
 * wires the executors). A table `T` is bound by `T = pgtable.create …` and uses the
 * kernel release of the scenario's `kernel` line.
 */
export const pgtableOps = defineOps([
  {
    name: 'pgtable.create',
    summary: 'Allocate an IO page table of a format (top-level table from simulated RAM)',
    args: [
      { name: 'format', kind: 'word', named: true, values: ['vtd-ss', 'x86_64', 'amd-v1', 'arm-lpae-s1', 'arm-lpae-s2'] },
      { name: 'aw', kind: 'int', named: true, optional: true, doc: 'vtd-ss address width: 39, 48 (default) or 57' },
      { name: 'levels', kind: 'int', named: true, optional: true, doc: 'x86_64: 4 (default) or 5' },
      { name: 'hpt', kind: 'int', named: true, optional: true, doc: 'amd-v1: host page-table levels the IOMMU supports, 4-6 (default 6)' },
      { name: 'variant', kind: 'word', named: true, optional: true, values: ['intel-fl', 'amd-v2'], doc: 'x86_64 user' },
      { name: 'sp', kind: 'word', named: true, optional: true, values: ['none', '2M', '2M+1G'], doc: 'large pages the hardware has' },
      { name: 'snoop', kind: 'word', flag: true, optional: true, values: ['snoop'], doc: 'vtd-ss force-snooping (SNP in leaves)' },
      { name: 'granule', kind: 'size', named: true, optional: true, doc: 'arm-lpae: 4K (default), 16K or 64K' },
      { name: 'ias', kind: 'int', named: true, optional: true, doc: 'arm-lpae input address bits' },
      { name: 'oas', kind: 'int', named: true, optional: true, doc: 'arm-lpae output address bits' },
    ],
    outcomes: ['ok', 'error'],
    errors: ['EINVAL', 'ENOMEM'],
    binds: 'page table',
    source: 'drivers/iommu/io-pgtable.c alloc_io_pgtable_ops; drivers/iommu/intel/iommu.c paging_domain_alloc; drivers/iommu/generic_pt/iommu_pt.h pt_iommu_init',
  },
  {
    name: 'pgtable.map',
    summary: 'Map [iova, iova+size) to pa, split into page sizes the way iommu_map does',
    args: [
      { name: 'table', kind: 'ref' },
      { name: 'iova', kind: 'u64' },
      { name: 'pa', kind: 'u64' },
      { name: 'size', kind: 'size' },
      { name: 'prot', kind: 'word', named: true, optional: true, values: ['r', 'w', 'rw', 'none'], doc: 'default rw' },
    ],
    outcomes: ['ok', 'error', 'value'],
    errors: [...ERRNOS],
    source: 'drivers/iommu/iommu.c __iommu_map → ops->map_pages',
  },
  {
    name: 'pgtable.unmap',
    summary: 'Unmap [iova, iova+size); the value is the number of bytes the page table reports unmapped',
    args: [
      { name: 'table', kind: 'ref' },
      { name: 'iova', kind: 'u64' },
      { name: 'size', kind: 'size' },
    ],
    outcomes: ['ok', 'value'],
    source: 'drivers/iommu/iommu.c __iommu_unmap → ops->unmap_pages',
  },
  {
    name: 'pgtable.iova_to_phys',
    summary: 'Software lookup of an IOVA (0 when untranslated)',
    args: [
      { name: 'table', kind: 'ref' },
      { name: 'iova', kind: 'u64' },
    ],
    outcomes: ['value'],
    source: 'drivers/iommu/io-pgtable*.c iova_to_phys; drivers/iommu/intel/iommu.c intel_iommu_iova_to_phys',
  },
  {
    name: 'pgtable.walk',
    summary: 'What the IOMMU hardware does for one DMA: the physical address, or the fault and the level it hit',
    args: [
      { name: 'table', kind: 'ref' },
      { name: 'iova', kind: 'u64' },
      { name: 'access', kind: 'word', values: ['read', 'write'] },
    ],
    outcomes: ['value', 'fault'],
    source: 'Intel VT-d spec §3.6-3.7 (first/second-stage translation); AMD IOMMU spec §2.2; Arm VMSA',
  },
  {
    name: 'pgtable.dump',
    summary: 'Print every present entry: level, index, raw value, flags and the IOVA range it maps',
    args: [{ name: 'table', kind: 'ref' }],
    outcomes: ['ok'],
    source: 'drivers/iommu/intel/debugfs.c (domain_translation_struct); drivers/iommu/io-pgtable-arm.c pgtable_walk',
  },
]);

export const pgtableQueries = defineQueries([
  {
    name: 'pte',
    summary: 'Raw 64-bit entry at a level on the path of an IOVA (0 when the path stops above that level)',
    args: [
      { name: 'table', kind: 'ref' },
      { name: 'iova', kind: 'u64' },
      { name: 'level', kind: 'int', doc: 'kernel level numbering of the format (VT-d/x86: 1 = 4K leaf; AMD v1: 0; Arm: 3)' },
    ],
    returns: 'u64',
    source: 'drivers/iommu/intel/iommu.c pgtable_walk (DMAR debug dump); io-pgtable formats',
  },
]);
