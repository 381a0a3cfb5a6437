/**
 * Kernel behaviour that changed between releases, as data. `@dmasim/machine`
 * composes this into the kernel-release profile a scenario picks.
 */
export type Release = '6.1' | '6.12' | '6.19';

export interface PgtableProfile {
  readonly release: Release;
  /**
   * Intel VT-d page-table code. `legacy-wo-as-rw`: drivers/iommu/intel/iommu.c `__domain_mapping`
   * (ORs bit 0 into every leaf, so a write-only leaf reads R|W; WARN-and-keep on overlap; unmap
   * rounds up to the large page). `generic-pt`: drivers/iommu/generic_pt fmt/vtdss.h + fmt/x86_64.h.
   */
  readonly vtd: 'legacy-wo-as-rw' | 'generic-pt';
  /** AMD: drivers/iommu/amd/io_pgtable.c + io_pgtable_v2.c (`legacy`) or generic_pt amdv1/x86_64. */
  readonly amd: 'legacy' | 'generic-pt';
  /** io-pgtable-arm: partial unmap of a block splits it (old) or WARNs and returns 0 (new). */
  readonly armPartialUnmap: 'split' | 'refuse';
  /** io-pgtable-arm stage-2 pgd concatenation rule (old "≤16 entries at level 0" vs `arm_lpae_concat_mandatory`). */
  readonly armS2Concat: 'legacy' | 'mandatory';
  /** Legacy Intel first-level leaves and tables carry XD (bit 63): true in 6.1, gone by 6.12. */
  readonly intelFlXd: boolean;
  /**
   * Legacy `intel_iommu_unmap` on an IOVA beyond the domain width: `bug` = BUG_ON (6.1, logged
   * as a kernel BUG line, returns 0), `zero` = returns 0 silently (≥ 6.4).
   */
  readonly vtdUnmapBeyondWidth: 'bug' | 'zero';
  /**
   * IOTLB flush range when `switch_to_super_page` replaces lower tables: `slot` = one superpage
   * (6.1 `iommu_flush_iotlb_psi(…, start_pfn, lvl_pages …)`), `range` = from the slot to the end of
   * the whole superpage run (6.12 `cache_tag_flush_range(start, end)`).
   */
  readonly vtdSuperpageFlush: 'slot' | 'range';
  /** Legacy amd/io_pgtable_v2.c honours 5-level guest tables (amd_iommu_gpt_level); 6.1 is 4-level only. */
  readonly amdV2FiveLevel: boolean;
  /** io-pgtable-arm map with neither READ nor WRITE: `noop` returns 0 having mapped nothing (≤ 6.13), `EINVAL` (newer). */
  readonly armNoPermMap: 'noop' | 'EINVAL';
  /**
   * io-pgtable-arm `__arm_lpae_unmap` TLB order: `leaves` = tlb_add_page only for removed leaves, in the
   * same loop as tlb_flush_walk for tables (6.1); `all` = tables first (flush_walk + free), then
   * tlb_add_page for every cleared entry (the batched non-coherent unmap, FLAG: believed ≥ 6.10).
   */
  readonly armUnmapAddPage: 'leaves' | 'all';
}

export const pgtableProfiles: Record<Release, PgtableProfile> = {
  '6.1': {
    release: '6.1',
    vtd: 'legacy-wo-as-rw',
    amd: 'legacy',
    armPartialUnmap: 'split',
    armS2Concat: 'legacy',
    intelFlXd: true,
    vtdUnmapBeyondWidth: 'bug',
    vtdSuperpageFlush: 'slot',
    amdV2FiveLevel: false,
    armNoPermMap: 'noop',
    armUnmapAddPage: 'leaves',
  },
  '6.12': {
    release: '6.12',
    vtd: 'legacy-wo-as-rw',
    amd: 'legacy',
    armPartialUnmap: 'split',
    armS2Concat: 'legacy',
    intelFlXd: false,
    vtdUnmapBeyondWidth: 'zero',
    vtdSuperpageFlush: 'range',
    amdV2FiveLevel: true,
    armNoPermMap: 'noop',
    armUnmapAddPage: 'all',
  },
  '6.19': {
    release: '6.19',
    vtd: 'generic-pt',
    amd: 'generic-pt',
    armPartialUnmap: 'refuse',
    armS2Concat: 'mandatory',
    intelFlXd: false,
    vtdUnmapBeyondWidth: 'zero',
    vtdSuperpageFlush: 'range',
    amdV2FiveLevel: true,
    armNoPermMap: 'EINVAL',
    armUnmapAddPage: 'all',
  },
};
