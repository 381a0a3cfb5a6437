/**
 * Kernel behaviour that changed between releases, as data. `@dmasim/machine`
 * composes this into the kernel-release profile a scenario picks.
 */
export type Release = '6.1' | '6.12' | '6.19';

/** include/linux/io-pgtable.h IO_PGTABLE_QUIRK_* (without the prefix). */
export type IoPgtableQuirk =
  | 'ARM_NS'
  | 'NO_PERMS'
  | 'ARM_MTK_EXT'
  | 'ARM_MTK_TTBR_EXT'
  | 'ARM_TTBR1'
  | 'ARM_OUTER_WBWA'
  | 'ARM_HD'
  | 'ARM_S2FWB'
  | 'NO_WARN';

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
  /**
   * io-pgtable-arm and io-pgtable-arm-v7s: partial unmap of a block / large page / supersection splits
   * it (old) or WARNs and returns 0 (new; the "Remove split on unmap behavior" series, ~6.14).
   */
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
  /**
   * io-pgtable-arm, -arm-v7s and -dart map with neither READ nor WRITE: `noop` returns 0 having mapped
   * nothing (≤ 6.13), `EINVAL` (newer; one patch changed all three).
   */
  readonly armNoPermMap: 'noop' | 'EINVAL';
  /**
   * io-pgtable-arm `__arm_lpae_unmap` TLB order: `leaves` = tlb_add_page only for removed leaves, in the
   * same loop as tlb_flush_walk for tables (6.1); `all` = tables first (flush_walk + free), then
   * tlb_add_page for every cleared entry (the batched non-coherent unmap, FLAG: believed ≥ 6.10).
   */
  readonly armUnmapAddPage: 'leaves' | 'all';
  /**
   * The IO_PGTABLE_QUIRK_* bits this release's include/linux/io-pgtable.h defines. ARM_HD came with
   * SMMUv3 dirty tracking (after 6.1), ARM_S2FWB with SMMUv3 nesting (6.13/6.14) and NO_WARN for the
   * GPU drivers (6.16/6.17); FLAG: exact releases from the patch dates, not from tags.
   */
  readonly ioPgtableQuirks: readonly IoPgtableQuirk[];
  /**
   * io-pgtable-dart.c: `two` = fixed two table levels under up to four TTBRs (≤ 6.17); `multi` = two
   * or three table levels, at most one TTBR for 16K DARTs (the t602x "4-level" rework, ~6.18, FLAG).
   */
  readonly dartLevels: 'two' | 'multi';
  /**
   * io-pgtable-dart.c `dart_init_pte` set APPLE_DART1_PTE_PROT_SP_DIS (bit 1) on every leaf, DART2 too,
   * where bit 1 means NO_CACHE; the 2025 fix "Only set subpage protection disable for DART 1" moved it
   * into `dart_prot_to_pte` for DART1 only (FLAG: also backported to stable trees).
   */
  readonly dartSpDisOnDart2: boolean;
  /**
   * intel/iommu.c and amd/iommu.c offer `iommu_dirty_ops` (VT-d second-stage SSADE via
   * `intel_pasid_setup_dirty_tracking`, AMD DTE.HAD via `amd_iommu_set_dirty_tracking`): added in
   * 6.7, so false for 6.1. In 6.19 the ops are generic_pt's `read_and_clear_dirty` for vtdss/amdv1.
   */
  readonly iommuDirty: boolean;
}

const QUIRKS_6_1: readonly IoPgtableQuirk[] = ['ARM_NS', 'NO_PERMS', 'ARM_MTK_EXT', 'ARM_MTK_TTBR_EXT', 'ARM_TTBR1', 'ARM_OUTER_WBWA'];

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
    ioPgtableQuirks: QUIRKS_6_1,
    dartLevels: 'two',
    dartSpDisOnDart2: true,
    iommuDirty: false,
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
    ioPgtableQuirks: [...QUIRKS_6_1, 'ARM_HD'],
    dartLevels: 'two',
    dartSpDisOnDart2: true,
    iommuDirty: true,
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
    ioPgtableQuirks: [...QUIRKS_6_1, 'ARM_HD', 'ARM_S2FWB', 'NO_WARN'],
    dartLevels: 'multi',
    dartSpDisOnDart2: false,
    iommuDirty: true,
  },
};
