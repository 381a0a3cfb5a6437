import type { VfioBackend } from './backend.js';
import type { VfioProfile } from './profile.js';

/** The calling process as the model sees it (one per Vfio instance). */
export interface VfioProcess {
  /** mm->locked_vm in 4 KiB pages, shared by every container of the process. */
  lockedVm: number;
  /** capable(CAP_IPC_LOCK): RLIMIT_MEMLOCK is not enforced (still counted). */
  readonly capIpcLock: boolean;
}

/** Everything one IOMMU backend instance needs from its surroundings. */
export interface Type1Env {
  readonly backend: VfioBackend;
  readonly profile: VfioProfile;
  readonly process: VfioProcess;
  readonly dmaEntryLimit: number;
  readonly allowUnsafeInterrupts: boolean;
  readonly disableHugepages: boolean;
  /** Appends one kernel log line. */
  log(line: string): void;
}
