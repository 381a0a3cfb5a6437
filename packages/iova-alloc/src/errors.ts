/** Stable error codes for bad input. Kernel-level failures (-ENOMEM) are not errors: they are return values. */
export type IovaErrorCode =
  | 'IOVA_BAD_OPTIONS' // constructor options invalid (granule, startPfn, cpus, profile)
  | 'IOVA_BAD_ARG' // a size, pfn or limit that is not a non-negative integer, or size 0, or lo > hi
  | 'IOVA_PFN_RANGE' // a pfn or limit above what the model (or the kernel's reserve_iova) accepts
  | 'IOVA_CPU_RANGE' // cpu index outside 0..cpus-1
  | 'IOVA_CPU_OFFLINE' // operation on a CPU that was taken offline
  | 'IOVA_LAST_CPU' // offlining the last online CPU
  | 'IOVA_CLOCK_EXTERNAL' // advanceTime() on a domain whose clock belongs to the caller
  | 'ARM_IOVA_BAD_OPTIONS' // ArmBitmapIovaAllocator options invalid
  | 'ARM_IOVA_ERANGE' // arm_iommu_create_mapping: size > 4 GiB (-ERANGE)
  | 'ARM_IOVA_EINVAL' // arm_iommu_create_mapping: size below one page (-EINVAL)
  | 'ARM_IOVA_BAD_FREE'; // __free_iova: an address/size the kernel would BUG() on

/** An error value: stable `code`, a message that says what to do. */
export class IovaError extends Error {
  constructor(
    readonly code: IovaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IovaError';
  }
}

export function isIovaError(x: unknown): x is IovaError {
  return x instanceof IovaError;
}
