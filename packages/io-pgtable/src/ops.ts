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
      {
        name: 'format',
        kind: 'word',
        named: true,
        values: [
          'vtd-ss',
          'x86_64',
          'amd-v1',
          'arm-lpae-s1',
          'arm-lpae-s2',
          'arm-32-lpae-s1',
          'arm-32-lpae-s2',
          'arm-mali-lpae',
          'arm-v7s',
          'apple-dart',
          'apple-dart2',
        ],
      },
      { name: 'aw', kind: 'int', named: true, optional: true, doc: 'vtd-ss address width: 39, 48 (default) or 57' },
      { name: 'levels', kind: 'int', named: true, optional: true, doc: 'x86_64: 4 (default) or 5' },
      { name: 'hpt', kind: 'int', named: true, optional: true, doc: 'amd-v1: host page-table levels the IOMMU supports, 4-6 (default 6)' },
      { name: 'variant', kind: 'word', named: true, optional: true, values: ['intel-fl', 'amd-v2'], doc: 'x86_64 user' },
      { name: 'sp', kind: 'size', named: true, optional: true, doc: 'largest superpage the hardware has: 2M or 1G (1G implies 2M); 4K = none. vtd-ss default none, x86_64 default 1G' },
      { name: 'granule', kind: 'size', named: true, optional: true, doc: 'arm-lpae: 4K (default), 16K or 64K; apple-dart: the page size, 4K or 16K (default)' },
      { name: 'ias', kind: 'int', named: true, optional: true, doc: 'arm-lpae, arm-mali-lpae, apple-dart input address bits (arm-v7s: 32 by default)' },
      { name: 'oas', kind: 'int', named: true, optional: true, doc: 'arm-lpae, arm-mali-lpae, apple-dart (36 or 42) output address bits (arm-v7s: 32 by default)' },
      {
        name: 'flags',
        kind: 'word',
        variadic: true,
        optional: true,
        values: ['snoop', 'no-fc', 'pgsize-4k', 'no-gaps', 'dirty', 'ns', 'no-warn', 'ttbr1', 'outer-wbwa', 'hd', 's2fwb', 'no-perms', 'mtk-ext', 'mtk-ttbr-ext', 'non-coherent'],
        doc: 'snoop: vtd-ss force-snooping (SNP in leaves); no-fc: amd-v1 without FORCE_COHERENCE; pgsize-4k: amd-v1 4K pages only (amd_iommu=pgsize_4k); no-gaps: generic_pt FLUSH_RANGE_NO_GAPS; dirty: vtd-ss / amd-v1 dirty tracking on (SSADE / DTE.HAD: walks set A and D; Linux ≥ 6.7, else EOPNOTSUPP); ns, no-warn, ttbr1, outer-wbwa, hd, s2fwb, no-perms, mtk-ext, mtk-ttbr-ext: the IO_PGTABLE_QUIRK_* of that name (Arm LPAE, v7s); non-coherent: Arm/v7s coherent_walk = false, vtd-ss a non-coherent walk (generic_pt DMA_INCOHERENT)',
      },
    ],
    outcomes: ['ok', 'error'],
    errors: ['EINVAL', 'ENOMEM', 'EOPNOTSUPP'],
    binds: 'page table',
    source:
      'drivers/iommu/io-pgtable.c alloc_io_pgtable_ops (io-pgtable-arm.c, io-pgtable-arm-v7s.c, io-pgtable-dart.c); drivers/iommu/intel/iommu.c paging_domain_alloc; drivers/iommu/generic_pt/iommu_pt.h pt_iommu_init',
  },
  {
    name: 'pgtable.map',
    summary: 'Map [iova, iova+size) to pa, split into page sizes the way iommu_map does',
    args: [
      { name: 'table', kind: 'ref' },
      { name: 'iova', kind: 'u64' },
      { name: 'pa', kind: 'u64' },
      { name: 'size', kind: 'size' },
      {
        name: 'prot',
        kind: 'word',
        named: true,
        optional: true,
        doc: 'r, w, rw or none, optionally followed by -cache, -noexec, -mmio, -priv (e.g. rw-cache-noexec); default rw',
      },
      { name: 'each', kind: 'size', named: true, optional: true, doc: 'map the range as separate iommu_map calls of this many bytes each (as the kernel self-tests loop); the first error stops' },
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
      { name: 'each', kind: 'size', named: true, optional: true, doc: 'unmap as separate iommu_unmap calls of this many bytes each; the value is their sum' },
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
    source: 'Intel VT-d spec §3.6-3.7 (first/second-stage translation, A/D with SSADE); AMD IOMMU spec §2.2 (A/D with DTE.HAD); Arm VMSA (DBM)',
  },
  {
    name: 'pgtable.read_dirty',
    summary:
      'read_and_clear_dirty over [iova, iova+size): prints each range the page table records; the value is their total bytes (dirty entries are cleaned unless no-clear)',
    args: [
      { name: 'table', kind: 'ref' },
      { name: 'iova', kind: 'u64' },
      { name: 'size', kind: 'size' },
      { name: 'no-clear', kind: 'word', values: ['no-clear'], flag: true, optional: true, doc: 'IOMMU_DIRTY_NO_CLEAR: report without cleaning' },
    ],
    outcomes: ['ok', 'error', 'value'],
    errors: ['EINVAL', 'ERANGE', 'EOVERFLOW', 'EOPNOTSUPP', 'EFAULT'],
    source:
      'drivers/iommu/generic_pt/iommu_pt.h read_and_clear_dirty; drivers/iommu/intel/iommu.c intel_iommu_read_and_clear_dirty; drivers/iommu/amd/io_pgtable.c iommu_v1_read_and_clear_dirty; drivers/iommu/io-pgtable-arm.c arm_lpae_read_and_clear_dirty',
  },
  {
    name: 'pgtable.dump',
    summary: 'Print every present entry: level, index, raw value, flags and the IOVA range it maps (or what changed since an earlier dump)',
    args: [
      { name: 'table', kind: 'ref' },
      { name: 'diff', kind: 'ref', named: true, optional: true, doc: 'an earlier dump of the same table: print only the entries added, removed or changed since' },
      { name: 'format', kind: 'word', named: true, optional: true, values: ['text', 'json'], doc: 'text (default) or one JSON object' },
    ],
    outcomes: ['ok'],
    binds: 'a snapshot of the entries, for a later `diff=` or dump_changes()',
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
