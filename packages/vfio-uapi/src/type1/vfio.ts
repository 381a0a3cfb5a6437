/**
 * One process using VFIO on one machine (the backend): opens containers and
 * groups, owns the fd numbers, the process's locked_vm and the kernel log lines
 * VFIO prints. Several Vfio instances on one backend are several processes.
 * Deterministic: fds are the lowest free number from 3, nothing depends on time.
 */
import type { VfioBackend } from './backend.js';
import { VfioContainer } from './container.js';
import type { VfioContext } from './context.js';
import { done, errno } from './errno.js';
import type { VfioResult } from './errno.js';
import { VfioGroup } from './group.js';
import type { Type1Env, VfioProcess } from './process.js';
import { DEFAULT_VFIO_PROFILE } from './profile.js';
import type { VfioProfile } from './profile.js';

/** Open group nodes per machine (backend): a group has one opener system-wide. */
const OPEN_GROUPS = new WeakMap<VfioBackend, Set<number>>();

export interface VfioOptions {
  /** Kernel release behaviour; default the newest (6.19). */
  readonly profile?: VfioProfile;
  /** vfio_iommu_type1.dma_entry_limit (read at SET_IOMMU). Default: the profile's, 65535. */
  readonly dmaEntryLimit?: number;
  /** vfio_iommu_type1.allow_unsafe_interrupts. Default false. */
  readonly allowUnsafeInterrupts?: boolean;
  /** vfio_iommu_type1.disable_hugepages: map one page per iommu_map. Default false. */
  readonly disableHugepages?: boolean;
  /** vfio_iommu_type1 is loaded. Default true; false makes every CHECK_EXTENSION 0. */
  readonly type1Loaded?: boolean;
  /** vfio.enable_unsafe_noiommu_mode. Default false. */
  readonly enableUnsafeNoiommuMode?: boolean;
  /** The process has CAP_IPC_LOCK. Default false. */
  readonly capIpcLock?: boolean;
  /** Bytes the process already has in locked_vm (mlock). Default 0. */
  readonly lockedBytes?: bigint;
}

export class Vfio implements VfioContext {
  readonly profile: VfioProfile;
  readonly process: VfioProcess;
  readonly env: Type1Env;
  readonly type1Loaded: boolean;
  readonly noiommuMode: boolean;
  /** Kernel log lines, oldest first. */
  readonly log: string[] = [];
  private readonly fds = new Map<number, object>();
  private readonly openGroups: Set<number>;

  constructor(
    readonly backend: VfioBackend,
    options: VfioOptions = {},
  ) {
    this.profile = options.profile ?? DEFAULT_VFIO_PROFILE;
    let open = OPEN_GROUPS.get(backend);
    if (!open) {
      open = new Set();
      OPEN_GROUPS.set(backend, open);
    }
    this.openGroups = open;
    this.process = {
      lockedVm: Number((options.lockedBytes ?? 0n) >> 12n),
      capIpcLock: options.capIpcLock ?? false,
    };
    this.type1Loaded = options.type1Loaded ?? true;
    this.noiommuMode = options.enableUnsafeNoiommuMode ?? false;
    this.env = {
      backend,
      profile: this.profile,
      process: this.process,
      dmaEntryLimit: options.dmaEntryLimit ?? this.profile.dmaEntryLimit,
      allowUnsafeInterrupts: options.allowUnsafeInterrupts ?? this.profile.allowUnsafeInterrupts,
      disableHugepages: options.disableHugepages ?? false,
      log: (line) => this.log.push(line),
    };
  }

  /** mm->locked_vm of the process, in bytes. */
  get lockedBytes(): bigint {
    return BigInt(this.process.lockedVm) << 12n;
  }

  /** open("/dev/vfio/vfio"): always succeeds (mode 0666). */
  openContainer(): VfioContainer {
    return this.allocFd((fd) => new VfioContainer(this, fd));
  }

  /** open("/dev/vfio/<id>"): vfio_group_fops_open. */
  openGroup(groupId: number): VfioResult<VfioGroup> {
    if (!this.backend.groupExists(groupId)) {
      return errno(
        'ENOENT',
        `/dev/vfio/${groupId} does not exist: bind a device of group ${groupId} to vfio-pci`,
      );
    }
    if (this.openGroups.has(groupId)) {
      return errno('EBUSY', `/dev/vfio/${groupId} is already open (one opener at a time)`);
    }
    this.openGroups.add(groupId);
    return done(this.allocFd((fd) => new VfioGroup(this, fd, groupId)));
  }

  /** An fd of some other file (e.g. /dev/null), for SET_CONTAINER fd checks. */
  openOtherFile(): number {
    let fd = -1;
    this.allocFd((n) => {
      fd = n;
      return { kind: 'other-file' };
    });
    return fd;
  }

  /** Closes an fd from openOtherFile(). */
  closeOtherFile(fd: number): void {
    const obj = this.fds.get(fd);
    if (obj && !(obj instanceof VfioContainer) && !(obj instanceof VfioGroup)) this.fds.delete(fd);
  }

  /** @internal */
  allocFd<T extends object>(make: (fd: number) => T): T {
    let fd = 3;
    while (this.fds.has(fd)) fd++;
    const obj = make(fd);
    this.fds.set(fd, obj);
    return obj;
  }

  /** @internal */
  lookupFd(fd: number): object | undefined {
    return this.fds.get(fd);
  }

  /** @internal */
  releaseFd(fd: number): void {
    this.fds.delete(fd);
  }

  /** @internal */
  groupReleased(groupId: number): void {
    this.openGroups.delete(groupId);
  }
}
