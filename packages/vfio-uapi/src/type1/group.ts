/**
 * A group fd (/dev/vfio/<id>) and the device fds it hands out: drivers/vfio/group.c.
 */
import { VfioContainer } from './container.js';
import type { VfioContext } from './context.js';
import { done, errno } from './errno.js';
import type { VfioResult } from './errno.js';
import { VFIO } from './uapi-values.js';

/** A device fd from GROUP_GET_DEVICE_FD. Its ioctls are not modelled here. */
export class VfioDevice {
  private open = true;

  /** @internal */
  constructor(
    readonly fd: number,
    readonly name: string,
    private readonly onClose: () => void,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.onClose();
  }
}

export class VfioGroup {
  private container: VfioContainer | undefined;
  /** group->container_users: 1 for the container, +1 per device opened at least once. */
  private containerUsers = 0;
  private readonly openCounts = new Map<string, number>();
  private fdOpen = true;

  /** @internal created by Vfio.openGroup */
  constructor(
    private readonly ctx: VfioContext,
    readonly fd: number,
    readonly groupId: number,
  ) {}

  get isOpen(): boolean {
    return this.fdOpen;
  }

  /** The container set with SET_CONTAINER, if any. */
  get currentContainer(): VfioContainer | undefined {
    return this.container;
  }

  private closedFd(): VfioResult<never> | undefined {
    return this.fdOpen ? undefined : errno('EBADF', `group fd ${this.fd} is closed`);
  }

  /** VFIO_GROUP_GET_STATUS: vfio_group_ioctl_get_status. */
  getStatus(argsz = 8): VfioResult<{ readonly flags: number }> {
    const closed = this.closedFd();
    if (closed) return closed;
    if (argsz < 8) return errno('EINVAL', `GROUP_GET_STATUS: argsz ${argsz} < 8`);
    if (!this.ctx.backend.groupExists(this.groupId)) {
      return errno('ENODEV', `group ${this.groupId} is being torn down`);
    }
    if (this.container) {
      return done({ flags: VFIO.GROUP_FLAGS_VIABLE | VFIO.GROUP_FLAGS_CONTAINER_SET });
    }
    return done({
      flags: this.ctx.backend.groupViable(this.groupId) ? VFIO.GROUP_FLAGS_VIABLE : 0,
    });
  }

  /**
   * VFIO_GROUP_SET_CONTAINER: vfio_group_ioctl_set_container. `target` is a
   * container or an fd number (the int the ioctl argument points to).
   */
  setContainer(target: VfioContainer | number): VfioResult<void> {
    const closed = this.closedFd();
    if (closed) return closed;
    const obj =
      typeof target === 'number' ? this.ctx.lookupFd(target) : target.isOpen ? target : undefined;
    if (!obj)
      return errno(
        'EBADF',
        `SET_CONTAINER: fd ${typeof target === 'number' ? target : target.fd} is not open`,
      );
    if (this.container) {
      return errno('EINVAL', `SET_CONTAINER: group ${this.groupId} is already in a container`);
    }
    if (!this.ctx.backend.groupExists(this.groupId)) {
      return errno('ENODEV', `group ${this.groupId} is being torn down`);
    }
    if (!(obj instanceof VfioContainer)) {
      return errno('EBADFD', 'SET_CONTAINER: the fd is neither a VFIO container nor an iommufd');
    }
    const r = obj.attachGroup(this.groupId);
    if (!r.ok) return r;
    this.container = obj;
    this.containerUsers = 1;
    return done(undefined);
  }

  /** VFIO_GROUP_UNSET_CONTAINER: vfio_group_ioctl_unset_container. */
  unsetContainer(): VfioResult<void> {
    const closed = this.closedFd();
    if (closed) return closed;
    if (!this.container)
      return errno('EINVAL', `UNSET_CONTAINER: group ${this.groupId} has no container`);
    if (this.containerUsers !== 1) {
      return errno(
        'EBUSY',
        `UNSET_CONTAINER: group ${this.groupId} has device fds open; close them first`,
      );
    }
    this.detach();
    return done(undefined);
  }

  /**
   * VFIO_GROUP_GET_DEVICE_FD: the name is looked up first (ENODEV), then the
   * container must be set (vfio_df_group_open / vfio_group_use_container).
   */
  getDeviceFd(name: string): VfioResult<VfioDevice> {
    const closed = this.closedFd();
    if (closed) return closed;
    const names = this.ctx.backend.groupDevices?.(this.groupId) ?? [];
    if (!names.includes(name)) {
      return errno('ENODEV', `GET_DEVICE_FD: no device '${name}' in group ${this.groupId}`);
    }
    if (!this.container)
      return errno('EINVAL', 'GET_DEVICE_FD: the group has no container (SET_CONTAINER first)');
    if (!this.container.hasIommu) {
      return errno('EINVAL', 'GET_DEVICE_FD: the container has no IOMMU driver (SET_IOMMU first)');
    }
    const count = (this.openCounts.get(name) ?? 0) + 1;
    this.openCounts.set(name, count);
    if (count === 1) this.containerUsers++;
    return done(
      this.ctx.allocFd(
        (fd) =>
          new VfioDevice(fd, name, () => {
            this.deviceClosed(name, fd);
          }),
      ),
    );
  }

  private deviceClosed(name: string, fd: number): void {
    this.ctx.releaseFd(fd);
    const left = (this.openCounts.get(name) ?? 1) - 1;
    if (left > 0) {
      this.openCounts.set(name, left);
      return;
    }
    this.openCounts.delete(name);
    this.containerUsers--;
    // device fds hold the group file: its release runs after the last one closes
    if (!this.fdOpen && this.openCounts.size === 0) this.release();
  }

  /** close(): detaches from the container unless device fds still hold the group. */
  close(): void {
    if (!this.fdOpen) return;
    this.fdOpen = false;
    this.ctx.releaseFd(this.fd);
    if (this.openCounts.size === 0) this.release();
  }

  private detach(): void {
    this.container?.detachGroup(this.groupId);
    this.container = undefined;
    this.containerUsers = 0;
  }

  /** vfio_group_fops_release. */
  private release(): void {
    this.detach();
    this.ctx.groupReleased(this.groupId);
  }
}
