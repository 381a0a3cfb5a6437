/**
 * Errno names the VFIO model returns, with their Linux x86 numbers. The brief's
 * set plus EBADF/EBADFD (GROUP_SET_CONTAINER fd checks) and EIO (type1 domain
 * allocation failure).
 */
export type Errno =
  | 'EINVAL'
  | 'EEXIST'
  | 'ENOENT'
  | 'EBUSY'
  | 'EPERM'
  | 'ENOMEM'
  | 'ENODEV'
  | 'EFAULT'
  | 'ENOSPC'
  | 'E2BIG'
  | 'ENOTTY'
  | 'EOVERFLOW'
  | 'EACCES'
  | 'EAGAIN'
  | 'EBADF'
  | 'EBADFD'
  | 'EIO';

export const ERRNO_NUMBERS: Readonly<Record<Errno, number>> = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  ENOTTY: 25,
  ENOSPC: 28,
  EOVERFLOW: 75,
  EBADFD: 77,
};

/** The outcome of one VFIO call: a value, or the errno Linux returns and why. */
export type VfioResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errno: Errno; readonly message: string };

export function done<T>(value: T): VfioResult<T> {
  return { ok: true, value };
}

export function errno<T = never>(e: Errno, message: string): VfioResult<T> {
  return { ok: false, errno: e, message };
}

export function isErrno(v: unknown): v is Errno {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(ERRNO_NUMBERS, v);
}
