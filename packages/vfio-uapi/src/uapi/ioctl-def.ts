import type { Ranged } from './release.js';
import type { UapiHeader } from './struct-def.js';

/** Which file descriptor an ioctl is issued on. */
export type FdKind = 'container' | 'group' | 'device' | 'iommufd' | 'mig-data';

/** For container ioctls handled by one IOMMU backend only. */
export type IommuBackendKind = 'type1' | 'spapr';

/** How the third ioctl argument is passed. */
export type IoctlArg =
  | { readonly by: 'none' }
  | { readonly by: 'value'; readonly type: string }
  | { readonly by: 'pointer'; readonly type: string };

export interface IoctlDef extends Ranged {
  readonly name: string;
  /** The request macro's body, e.g. `_IO(VFIO_TYPE, VFIO_BASE + 13)`. */
  readonly expr: string;
  readonly fd: FdKind;
  /** Only meaningful on a container whose IOMMU backend is this one. */
  readonly iommu?: IommuBackendKind;
  /** Only on a device opened through its cdev (/dev/vfio/devices/vfioX). */
  readonly cdevOnly?: boolean;
  readonly arg: IoctlArg;
}

export interface IoctlTable {
  readonly header: UapiHeader;
  readonly defs: readonly IoctlDef[];
}

export const NONE: IoctlArg = { by: 'none' };
export const byValue = (type: string): IoctlArg => ({ by: 'value', type });
export const ptr = (type: string): IoctlArg => ({ by: 'pointer', type });
