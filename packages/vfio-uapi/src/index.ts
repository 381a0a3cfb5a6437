// uAPI: releases, ioctl numbers, constants, struct layouts, codecs
export { VFIO_RELEASES, isVfioRelease, uapiReleaseForKernel } from './uapi/release.js';
export type { Ranged, VfioRelease } from './uapi/release.js';
export {
  decodeIoctl,
  ioctlInfo,
  ioctlNumber,
  listConstants,
  listIoctls,
  listStructs,
  structLayout,
  uapiConstant,
} from './uapi/api.js';
export type { DecodedIoctl, IoctlInfo } from './uapi/api.js';
export type { UapiConstant } from './uapi/registry.js';
export type { CIntType } from './uapi/cexpr.js';
export type { ElementType, FieldLayout, StructLayout } from './uapi/layout.js';
export type { ScalarType } from './uapi/ctypes.js';
export type { UapiHeader } from './uapi/struct-def.js';
export type { FdKind, IommuBackendKind, IoctlArg } from './uapi/ioctl-def.js';
export type { IocDirection } from './uapi/ioc.js';
export { decodeStruct, encodeStruct } from './uapi/codec.js';
export type { EncodeOptions, FieldValue, StructValues } from './uapi/codec.js';
export type { UapiError, UapiErrorCode, UapiResult } from './uapi/result.js';

// type1: the legacy container/group model
export { ERRNO_NUMBERS } from './type1/errno.js';
export type { Errno, VfioResult } from './type1/errno.js';
export type { ReservedRegion, VfioBackend } from './type1/backend.js';
export { DEFAULT_VFIO_PROFILE, VFIO_PROFILES, vfioProfile } from './type1/profile.js';
export type { VfioKernel, VfioProfile } from './type1/profile.js';
export { Vfio } from './type1/vfio.js';
export type { VfioOptions } from './type1/vfio.js';
export { VfioContainer } from './type1/container.js';
export type { ContainerState } from './type1/container.js';
export { VfioDevice, VfioGroup } from './type1/group.js';
export type { DmaMapping } from './type1/type1.js';
export type { MapDmaRequest, UnmapDmaRequest } from './type1/type1-map.js';
export type { InfoCap, Type1Info } from './type1/type1-info.js';
export type { IovaRange } from './type1/iova-list.js';
export { VFIO_EXTENSIONS } from './type1/uapi-values.js';
export { SimpleVfioBackend, X86_MSI_REGION } from './type1/simple-backend.js';
export type {
  DomainMapping,
  SimpleBackendOptions,
  SimpleGroupSpec,
} from './type1/simple-backend.js';

// scenario operations
export { vfioOps } from './ops.js';
