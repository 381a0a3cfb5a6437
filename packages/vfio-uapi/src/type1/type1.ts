/**
 * One type1 IOMMU backend instance (the `iommu_data` of a container after
 * SET_IOMMU): drivers/vfio/vfio_iommu_type1.c.
 */
import type { Errno, VfioResult } from './errno.js';
import type { IovaRange } from './iova-list.js';
import type { Type1Env } from './process.js';
import { attachGroup, detachGroup } from './type1-attach.js';
import { getInfo } from './type1-info.js';
import type { Type1Info } from './type1-info.js';
import { mapDma, unmapDma } from './type1-map.js';
import type { MapDmaRequest, UnmapDmaRequest } from './type1-map.js';
import { PAGE_MASK, PAGE_SHIFT, removeDma } from './type1-state.js';
import type { Type1State } from './type1-state.js';
import type { VfioProfile } from './profile.js';
import { VFIO } from './uapi-values.js';

/** A mapping as userspace sees it. */
export interface DmaMapping {
  readonly iova: bigint;
  readonly size: bigint;
  readonly vaddr: bigint;
  readonly read: boolean;
  readonly write: boolean;
  /** False between UNMAP_DMA(VADDR) and MAP_DMA(VADDR). */
  readonly vaddrValid: boolean;
  /** Pages pinned and counted in locked_vm. */
  readonly pinnedPages: number;
}

/**
 * vfio_iommu_type1_check_extension() with no container data (`iommu == NULL`),
 * as vfio_container_ioctl_check_extension and vfio_ioctl_set_iommu ask it.
 */
export function type1CheckExtensionUnset(profile: VfioProfile, ext: number): number {
  switch (ext) {
    case VFIO.TYPE1_IOMMU:
    case VFIO.TYPE1v2_IOMMU:
    case VFIO.UNMAP_ALL:
      return 1;
    case VFIO.TYPE1_NESTING_IOMMU:
      return profile.nestingExtension ? 1 : 0;
    default:
      // UPDATE_VADDR and DMA_CC need a container
      return 0;
  }
}

export class Type1Iommu {
  private readonly s: Type1State;

  private constructor(env: Type1Env, v2: boolean, nesting: boolean) {
    this.s = {
      env,
      v2,
      nesting,
      dmas: [],
      dmaAvail: env.dmaEntryLimit,
      domains: [],
      iovaList: [],
      pgsizeBitmap: PAGE_MASK,
      vaddrInvalidCount: 0,
    };
  }

  /** vfio_iommu_type1_open(): TYPE1 (v1), TYPE1v2, or (<= 6.12) TYPE1_NESTING; else EINVAL. */
  static open(env: Type1Env, type: number): Type1Iommu | Errno {
    if (type === VFIO.TYPE1_IOMMU) return new Type1Iommu(env, false, false);
    if (type === VFIO.TYPE1v2_IOMMU) return new Type1Iommu(env, true, false);
    if (type === VFIO.TYPE1_NESTING_IOMMU && env.profile.nestingExtension) {
      return new Type1Iommu(env, true, true);
    }
    return 'EINVAL';
  }

  get v2(): boolean {
    return this.s.v2;
  }

  get dmaAvail(): number {
    return this.s.dmaAvail;
  }

  get pgsizeBitmap(): bigint {
    return this.s.pgsizeBitmap;
  }

  /** vfio_iommu_type1_check_extension() on this container. */
  checkExtension(ext: number): number {
    switch (ext) {
      case VFIO.UPDATE_VADDR:
        return 1; // no emulated (mdev) groups in this model
      case VFIO.DMA_CC_IOMMU:
        return this.s.domains.every((d) => d.coherent) ? 1 : 0;
      default:
        return type1CheckExtensionUnset(this.s.env.profile, ext);
    }
  }

  attachGroup(groupId: number): VfioResult<void> {
    return attachGroup(this.s, groupId);
  }

  detachGroup(groupId: number): void {
    detachGroup(this.s, groupId);
  }

  /** vfio_iommu_type1_release(): everything unmapped and unpinned. */
  release(): void {
    for (const dma of [...this.s.dmas]) removeDma(this.s, dma);
    for (const d of this.s.domains) {
      for (const g of d.groups) this.s.env.backend.detachGroup?.(d.id, g);
      this.s.env.backend.freeDomain?.(d.id);
    }
    this.s.domains.length = 0;
  }

  map(req: MapDmaRequest): VfioResult<void> {
    return mapDma(this.s, req);
  }

  unmap(req: UnmapDmaRequest): VfioResult<bigint> {
    return unmapDma(this.s, req);
  }

  getInfo(argsz: number): VfioResult<Type1Info> {
    return getInfo(this.s, argsz);
  }

  mappings(): readonly DmaMapping[] {
    return this.s.dmas.map((d) => ({
      iova: d.iova,
      size: d.size,
      vaddr: d.vaddr,
      read: (d.prot & 1) !== 0,
      write: (d.prot & 2) !== 0,
      vaddrValid: !d.vaddrInvalid,
      pinnedPages: d.locked,
    }));
  }

  iovaRanges(): readonly IovaRange[] {
    return this.s.iovaList.map((r) => ({ ...r }));
  }

  /** Domain ids in attach order, each with its groups. */
  domains(): readonly { readonly id: number; readonly groups: readonly number[] }[] {
    return this.s.domains.map((d) => ({ id: d.id, groups: [...d.groups] }));
  }

  /** Bytes of user memory pinned by this container. */
  pinnedBytes(): bigint {
    return this.s.dmas.reduce((n, d) => n + (BigInt(d.locked) << PAGE_SHIFT), 0n);
  }
}
