import type { VfioBackend } from './backend.js';
import type { Type1Env, VfioProcess } from './process.js';
import type { VfioProfile } from './profile.js';

/** Shared by every fd of one Vfio instance (one process on one machine). */
export interface VfioContext {
  readonly backend: VfioBackend;
  readonly profile: VfioProfile;
  readonly process: VfioProcess;
  readonly env: Type1Env;
  /** vfio_iommu_type1 module loaded. */
  readonly type1Loaded: boolean;
  /** vfio.enable_unsafe_noiommu_mode. */
  readonly noiommuMode: boolean;
  /** Lowest free fd number, bound to the object `make` builds for it. */
  allocFd<T extends object>(make: (fd: number) => T): T;
  lookupFd(fd: number): object | undefined;
  releaseFd(fd: number): void;
  /** The group's last reference is gone: /dev/vfio/<id> may be opened again. */
  groupReleased(groupId: number): void;
}
