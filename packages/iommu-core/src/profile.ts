/** Kernel releases whose iommu-core behaviour dmasim models. */
export type Release = '6.1' | '6.12' | '6.19';

/** iommu-core behaviour that changed between releases. */
export interface IommuProfile {
  readonly release: Release;
  /**
   * iommu_subsys_init printed "Default domain type: %s %s\n" until the format became
   * "%s%s" with the suffix carrying its own space: 6.1 leaves a trailing space.
   */
  readonly subsysLogTrailingSpace: boolean;
  /**
   * intel/iommu.c device_def_domain_type: hardware without pass-through support
   * (ecap PT clear) forces DMA domains (≈6.8+).
   */
  readonly intelNoPtForcesDma: boolean;
}

export const iommuProfiles: Readonly<Record<Release, IommuProfile>> = {
  '6.1': { release: '6.1', subsysLogTrailingSpace: true, intelNoPtForcesDma: false },
  '6.12': { release: '6.12', subsysLogTrailingSpace: false, intelNoPtForcesDma: true },
  '6.19': { release: '6.19', subsysLogTrailingSpace: false, intelNoPtForcesDma: true },
};
