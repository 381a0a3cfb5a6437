import { dmaProfiles, type DmaProfile } from '@dmasim/dma-api';
import { iommuProfiles, type IommuProfile } from '@dmasim/iommu-core';
import { pgtableProfiles, type PgtableProfile } from '@dmasim/io-pgtable';
import { VFIO_PROFILES, type VfioProfile } from '@dmasim/vfio-uapi';
import type { IovaProfile } from '@dmasim/iova-alloc';

export type KernelRelease = '6.1' | '6.12' | '6.19';
export const KERNEL_RELEASES: readonly KernelRelease[] = ['6.1', '6.12', '6.19'];
/** The default is the newest modelled release. */
export const DEFAULT_RELEASE: KernelRelease = '6.19';

/**
 * A kernel-release profile: every behaviour switch that differs between releases,
 * gathered from the packages that own them. Code reads switches from here instead
 * of comparing version numbers.
 */
export interface KernelProfile {
  readonly release: KernelRelease;
  /** What the release is known as in distributions. */
  readonly describes: string;
  readonly pgtable: PgtableProfile;
  readonly iommu: IommuProfile;
  readonly dma: DmaProfile;
  readonly vfio: VfioProfile;
  readonly iova: IovaProfile;
}

const DESCRIBES: Record<KernelRelease, string> = {
  '6.1': 'Linux 6.1 (Debian 12 "bookworm")',
  '6.12': 'Linux 6.12 (Debian 13 "trixie")',
  '6.19': 'Linux 6.19 (newest modelled mainline)',
};

export function kernelProfile(release: KernelRelease): KernelProfile {
  return {
    release,
    describes: DESCRIBES[release],
    pgtable: pgtableProfiles[release],
    iommu: iommuProfiles[release],
    dma: dmaProfiles[release],
    vfio: VFIO_PROFILES[release],
    iova: dmaProfiles[release].iova,
  };
}

export function isKernelRelease(s: string): s is KernelRelease {
  return (KERNEL_RELEASES as readonly string[]).includes(s);
}
