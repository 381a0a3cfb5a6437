/**
 * A container fd (/dev/vfio/vfio): drivers/vfio/container.c. States: empty (no
 * group), grouped (groups, no IOMMU driver), set (IOMMU driver bound).
 */
import type { VfioContext } from './context.js';
import { done, errno } from './errno.js';
import type { Errno, VfioResult } from './errno.js';
import type { IovaRange } from './iova-list.js';
import { Type1Iommu, type1CheckExtensionUnset } from './type1.js';
import type { DmaMapping } from './type1.js';
import type { Type1Info } from './type1-info.js';
import type { MapDmaRequest, UnmapDmaRequest } from './type1-map.js';
import { VFIO } from './uapi-values.js';

export type ContainerState = 'empty' | 'grouped' | 'set';

const NO_DRIVER =
  'container has no IOMMU driver: SET_IOMMU first (needs a group) (vfio_fops_unl_ioctl)';

export class VfioContainer {
  private readonly groupIds: number[] = [];
  private iommu: Type1Iommu | undefined;
  private open = true;

  /** @internal created by Vfio.openContainer */
  constructor(
    private readonly ctx: VfioContext,
    readonly fd: number,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  get state(): ContainerState {
    return this.iommu ? 'set' : this.groupIds.length > 0 ? 'grouped' : 'empty';
  }

  /** `type1` or `type1v2` once SET_IOMMU succeeded. */
  get iommuType(): 'type1' | 'type1v2' | undefined {
    return this.iommu ? (this.iommu.v2 ? 'type1v2' : 'type1') : undefined;
  }

  /** Group ids attached, in attach order. */
  get groups(): readonly number[] {
    return [...this.groupIds];
  }

  private closedFd(): VfioResult<never> | undefined {
    return this.open ? undefined : errno('EBADF', `container fd ${this.fd} is closed`);
  }

  /** VFIO_GET_API_VERSION. */
  getApiVersion(): VfioResult<number> {
    return this.closedFd() ?? done(VFIO.API_VERSION);
  }

  /**
   * VFIO_CHECK_EXTENSION: vfio_container_ioctl_check_extension. Unset: every
   * allowed driver is polled, first positive answer wins; set: only the bound one.
   */
  checkExtension(ext: number): VfioResult<number> {
    const closed = this.closedFd();
    if (closed) return closed;
    if (this.iommu) return done(this.iommu.checkExtension(ext));
    if (this.ctx.type1Loaded) {
      const r = type1CheckExtensionUnset(this.ctx.profile, ext);
      if (r > 0) return done(r);
    }
    // the noiommu pseudo-driver is only allowed for containers of noiommu groups
    if (this.groupIds.length === 0 && this.ctx.noiommuMode && ext === VFIO.NOIOMMU_IOMMU)
      return done(1);
    return done(0);
  }

  /** VFIO_SET_IOMMU: vfio_ioctl_set_iommu. */
  setIommu(type: number): VfioResult<void> {
    const closed = this.closedFd();
    if (closed) return closed;
    if (this.groupIds.length === 0) {
      return errno('EINVAL', 'SET_IOMMU: the container has no group yet (vfio_ioctl_set_iommu)');
    }
    if (this.iommu) return errno('EINVAL', 'SET_IOMMU: an IOMMU driver is already set');
    let ret: Errno = 'ENODEV';
    let why = `SET_IOMMU(${type}): no IOMMU driver supports this type`;
    if (this.ctx.type1Loaded && type1CheckExtensionUnset(this.ctx.profile, type) > 0) {
      const opened = Type1Iommu.open(this.ctx.env, type);
      if (typeof opened === 'string') {
        ret = opened;
        why = `SET_IOMMU(${type}): vfio_iommu_type1_open accepts only TYPE1 and TYPE1v2`;
      } else {
        // __vfio_container_attach_groups: all or nothing
        const attached: number[] = [];
        for (const g of this.groupIds) {
          const r = opened.attachGroup(g);
          if (!r.ok) {
            for (const a of attached.reverse()) opened.detachGroup(a);
            opened.release();
            return r;
          }
          attached.push(g);
        }
        this.iommu = opened;
        return done(undefined);
      }
    }
    return errno(ret, why);
  }

  /** VFIO_IOMMU_GET_INFO (type1). */
  getInfo(argsz = 24): VfioResult<Type1Info> {
    const closed = this.closedFd();
    if (closed) return closed;
    return this.iommu ? this.iommu.getInfo(argsz) : errno('EINVAL', NO_DRIVER);
  }

  /** VFIO_IOMMU_MAP_DMA (type1). */
  mapDma(req: MapDmaRequest): VfioResult<void> {
    const closed = this.closedFd();
    if (closed) return closed;
    return this.iommu ? this.iommu.map(req) : errno('EINVAL', NO_DRIVER);
  }

  /** VFIO_IOMMU_UNMAP_DMA (type1): the bytes unmapped. */
  unmapDma(req: UnmapDmaRequest): VfioResult<bigint> {
    const closed = this.closedFd();
    if (closed) return closed;
    return this.iommu ? this.iommu.unmap(req) : errno('EINVAL', NO_DRIVER);
  }

  /** Current mappings (empty unless set). */
  mappings(): readonly DmaMapping[] {
    return this.iommu?.mappings() ?? [];
  }

  /** The usable IOVA ranges GET_INFO reports. */
  iovaRanges(): readonly IovaRange[] {
    return this.iommu?.iovaRanges() ?? [];
  }

  /** DMA entries left (dma_entry_limit minus mappings), undefined until set. */
  get dmaAvail(): number | undefined {
    return this.iommu?.dmaAvail;
  }

  /** IOMMU domains the container uses, with their groups. */
  domains(): readonly { readonly id: number; readonly groups: readonly number[] }[] {
    return this.iommu?.domains() ?? [];
  }

  /**
   * close(): only the fd goes; the container lives on while groups hold it
   * (vfio_fops_release / vfio_container_put), mappings included.
   */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.ctx.releaseFd(this.fd);
  }

  /** @internal vfio_container_attach_group: claim DMA ownership, attach if set. */
  attachGroup(groupId: number): VfioResult<void> {
    const claim = this.ctx.backend.claimGroup(groupId);
    if (claim !== undefined) {
      return errno(
        claim,
        `group ${groupId}: DMA ownership could not be claimed (a kernel driver owns a device; iommu_group_claim_dma_owner)`,
      );
    }
    if (this.iommu) {
      const r = this.iommu.attachGroup(groupId);
      if (!r.ok) {
        this.ctx.backend.releaseGroup(groupId);
        return r;
      }
    }
    this.groupIds.push(groupId);
    return done(undefined);
  }

  /** @internal vfio_group_detach_container: the last group takes the IOMMU driver with it. */
  detachGroup(groupId: number): void {
    const i = this.groupIds.indexOf(groupId);
    if (i < 0) return;
    this.iommu?.detachGroup(groupId);
    this.ctx.backend.releaseGroup(groupId);
    this.groupIds.splice(i, 1);
    if (this.iommu && this.groupIds.length === 0) {
      this.iommu.release();
      this.iommu = undefined;
    }
  }

  /** @internal */
  get hasIommu(): boolean {
    return this.iommu !== undefined;
  }
}
