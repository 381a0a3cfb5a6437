/**
 * Kernel-release switches of the VFIO model. `@dmasim/machine` composes this
 * into the kernel profile a scenario picks with its `kernel` line.
 */
import type { VfioRelease } from '../uapi/release.js';

export type VfioKernel = '6.1' | '6.12' | '6.19';

export interface VfioProfile {
  readonly kernel: VfioKernel;
  /** Header release whose struct layouts and numbers this kernel exposes. */
  readonly uapi: VfioRelease;
  /**
   * MAP/UNMAP wrap-around of iova+size-1 (or vaddr+size-1) fails with EOVERFLOW,
   * checked first (after size==0), with exact arithmetic so a range may end at
   * 2^64-1. Before: EINVAL after the alignment checks, and lookups computed
   * `iova + size` modulo 2^64. drivers/vfio/vfio_iommu_type1.c vfio_dma_do_map,
   * vfio_dma_do_unmap; series "vfio/type1: fix unmap overflow" (6.18).
   */
  readonly overflowIsEOVERFLOW: boolean;
  /** type1 answers CHECK_EXTENSION(VFIO_TYPE1_NESTING_IOMMU) and opens it (removed in 6.13). */
  readonly nestingExtension: boolean;
  /**
   * Info capabilities are padded to 8 bytes and GET_INFO copies back
   * min(argsz, sizeof(info)); before, no padding and 20 bytes once argsz >= 20.
   * Commit a881b496941f "vfio: align capability structures" (6.6).
   */
  readonly alignedInfoCaps: boolean;
  /** vfio_iommu_type1.dma_entry_limit module parameter default (U16_MAX). */
  readonly dmaEntryLimit: number;
  /** vfio_iommu_type1.allow_unsafe_interrupts default. */
  readonly allowUnsafeInterrupts: boolean;
  /** Kernel default RLIMIT_MEMLOCK (MLOCK_LIMIT): 8 MiB since 5.16. */
  readonly defaultMemlockLimit: bigint;
}

const base = {
  dmaEntryLimit: 65535,
  allowUnsafeInterrupts: false,
  defaultMemlockLimit: 8n << 20n,
} as const;

export const VFIO_PROFILES: Readonly<Record<VfioKernel, VfioProfile>> = {
  '6.1': {
    ...base,
    kernel: '6.1',
    uapi: '6.1',
    overflowIsEOVERFLOW: false,
    nestingExtension: true,
    alignedInfoCaps: false,
  },
  '6.12': {
    ...base,
    kernel: '6.12',
    uapi: '6.12',
    overflowIsEOVERFLOW: false,
    nestingExtension: true,
    alignedInfoCaps: true,
  },
  '6.19': {
    ...base,
    kernel: '6.19',
    uapi: '7.2',
    overflowIsEOVERFLOW: true,
    nestingExtension: false,
    alignedInfoCaps: true,
  },
};

/** The newest modelled release, the default. */
export const DEFAULT_VFIO_PROFILE: VfioProfile = VFIO_PROFILES['6.19'];

export function vfioProfile(kernel: string): VfioProfile | undefined {
  return (VFIO_PROFILES as Partial<Record<string, VfioProfile>>)[kernel];
}
