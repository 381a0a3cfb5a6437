import { defineOps, defineQueries } from '@dmasim/op-spec';

/**
 * Scenario operations on a bare IOVA domain. Units follow the kernel API: sizes are in
 * granules (pages of the domain's granule), pfns and limits are granule frame numbers
 * (address >> shift), limits are inclusive; only `granule` is in bytes.
 */
export const iovaOps = defineOps([
  {
    name: 'iova.init',
    summary: 'create an IOVA domain (init_iova_domain + iova_domain_init_rcaches) and bind it',
    args: [
      { name: 'granule', kind: 'size', named: true, optional: true, doc: 'bytes per granule, power of two ≤ 64K; default 4K' },
      { name: 'start', kind: 'u64', named: true, optional: true, doc: 'start_pfn: lowest pfn handed out; default 1' },
      { name: 'cpus', kind: 'int', named: true, optional: true, doc: 'possible CPUs (one magazine pair each per bucket); default 1' },
    ],
    outcomes: ['ok', 'error'],
    errors: ['EINVAL'],
    binds: 'an IOVA domain',
    source: 'drivers/iommu/iova.c init_iova_domain, iova_domain_init_rcaches',
  },
  {
    name: 'iova.alloc',
    summary: 'allocate `size` granules at or below `limit`, top-down from the cached node (alloc_iova)',
    args: [
      { name: 'domain', kind: 'ref' },
      { name: 'size', kind: 'int', doc: 'granules (pages), not bytes' },
      { name: 'limit', kind: 'u64', doc: 'highest usable pfn, inclusive (dma_limit >> shift)' },
      { name: 'aligned', kind: 'word', values: ['aligned'], flag: true, optional: true, doc: 'size_aligned: align to roundup_pow_of_two(size)' },
    ],
    outcomes: ['value', 'error'],
    errors: ['ENOMEM'],
    binds: 'the pfn_lo of the new range',
    source: 'drivers/iommu/iova.c alloc_iova, __alloc_and_insert_iova_range',
  },
  {
    name: 'iova.alloc_fast',
    summary: 'allocate through the per-CPU rcache, falling back to the tree (alloc_iova_fast); 0 means failure',
    args: [
      { name: 'domain', kind: 'ref' },
      { name: 'size', kind: 'int', doc: 'granules; below 32 rounded up to a power of two' },
      { name: 'limit', kind: 'u64', doc: 'highest usable pfn, inclusive' },
      { name: 'flush', kind: 'word', values: ['flush'], flag: true, optional: true, doc: 'flush_rcache: on tree failure free all cached pfns and retry once' },
      { name: 'cpu', kind: 'int', named: true, optional: true, doc: 'CPU whose magazines are used; default 0' },
    ],
    outcomes: ['value', 'error'],
    errors: ['ENOMEM'],
    binds: 'the allocated pfn',
    source: 'drivers/iommu/iova.c alloc_iova_fast, iova_rcache_get, iova_magazine_pop',
  },
  {
    name: 'iova.free',
    summary: 'free the range containing `pfn` back to the tree (free_iova); unknown pfns are ignored',
    args: [
      { name: 'domain', kind: 'ref' },
      { name: 'pfn', kind: 'u64', doc: 'any pfn inside the range' },
    ],
    outcomes: ['ok'],
    source: 'drivers/iommu/iova.c free_iova, remove_iova, __cached_rbnode_delete_update',
  },
  {
    name: 'iova.free_fast',
    summary: 'park a range in the per-CPU rcache (free_iova_fast); ranges over 32 granules go to the tree',
    args: [
      { name: 'domain', kind: 'ref' },
      { name: 'pfn', kind: 'u64', doc: 'pfn_lo returned by iova.alloc_fast' },
      { name: 'size', kind: 'int', doc: 'granules, as passed to iova.alloc_fast (unrounded)' },
      { name: 'cpu', kind: 'int', named: true, optional: true, doc: 'CPU whose magazines receive it; default 0' },
    ],
    outcomes: ['ok'],
    source: 'drivers/iommu/iova.c free_iova_fast, iova_rcache_insert, iova_depot_push',
  },
  {
    name: 'iova.reserve',
    summary: 'reserve [lo, hi] so it is never allocated, merging into overlapping ranges (reserve_iova)',
    args: [
      { name: 'domain', kind: 'ref' },
      { name: 'lo', kind: 'u64', doc: 'first pfn' },
      { name: 'hi', kind: 'u64', doc: 'last pfn, inclusive' },
    ],
    outcomes: ['ok', 'value', 'error'],
    errors: ['EINVAL'],
    binds: 'the pfn_lo of the range now covering the request',
    source: 'drivers/iommu/iova.c reserve_iova, __adjust_overlap_range, __insert_new_range',
  },
  {
    name: 'iova.find',
    summary: 'the range containing `pfn` (find_iova)',
    args: [
      { name: 'domain', kind: 'ref' },
      { name: 'pfn', kind: 'u64' },
    ],
    outcomes: ['value', 'error'],
    errors: ['ENOENT'],
    binds: 'the pfn_lo of the containing range',
    source: 'drivers/iommu/iova.c find_iova, private_find_iova',
  },
  {
    name: 'iova.offline_cpu',
    summary: "take a CPU offline: its magazines go back to the tree (CPU hotplug 'iommu/iova:dead')",
    args: [
      { name: 'domain', kind: 'ref' },
      { name: 'cpu', kind: 'int' },
    ],
    outcomes: ['ok', 'error'],
    errors: ['EINVAL', 'EBUSY'],
    source: 'drivers/iommu/iova.c iova_cpuhp_dead, free_cpu_cached_iovas',
  },
]);

/** Functions usable in scenario expressions on a bound IOVA domain. */
export const iovaQueries = defineQueries([
  {
    name: 'iova_stat',
    summary:
      'A statistic of an IOVA domain by name: liveRanges, reservedRanges, allocatedPages, cachedPfns, freePages32, freePages, rcacheHits, rcacheMisses, rcacheBypass, depotTrims, depotFullFrees, rcacheFlushes, max32AllocSize, cachedPfnLo, cached32PfnLo, depot0..depot5',
    args: [
      { name: 'domain', kind: 'ref' },
      { name: 'name', kind: 'string' },
    ],
    returns: 'int',
    source: 'drivers/iommu/iova.c (struct iova_domain, iova_rcache state)',
  },
]);
