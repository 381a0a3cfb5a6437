export { VFIO_RELEASES, isVfioRelease, uapiReleaseForKernel } from './uapi/release.js';
export type { VfioRelease } from './uapi/release.js';
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
export { decodeStruct, encodeStruct } from './uapi/codec.js';
export type { EncodeOptions, FieldValue, StructValues } from './uapi/codec.js';
