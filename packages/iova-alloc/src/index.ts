export { IovaDomain } from './domain.js';
export type { IovaDomainOptions, IovaRange, RcacheSnapshot } from './domain.js';
export type { IovaStats, FreeGap } from './stats.js';
export { ManualClock } from './clock.js';
export type { IovaClock } from './clock.js';
export { DEFAULT_IOVA_PROFILE, iovaProfiles } from './profile.js';
export type { IovaProfile, IovaRelease } from './profile.js';
export { IovaError, isIovaError } from './errors.js';
export type { IovaErrorCode } from './errors.js';
export {
  ANCHOR_PFN,
  IOVA_DEPOT_DELAY_MS,
  IOVA_MAG_SIZE,
  IOVA_RANGE_CACHE_MAX_SIZE,
  MAX_GLOBAL_MAGS,
  MAX_PFN,
} from './constants.js';
export { ArmBitmapIovaAllocator } from './arm-bitmap.js';
export type { ArmBitmapOptions } from './arm-bitmap.js';
export { iovaOps, iovaQueries } from './ops.js';
