export {
  PAGE_SHIFT,
  PAGE_SIZE,
  U64_MASK,
  alignDown,
  alignUp,
  bitLength,
  dmaBitMask,
  formatSize,
  hex,
  pageOffset,
  parseSize,
  pfnOf,
  pfnToAddr,
} from './address.js';
export { PhysMem, PhysMemError } from './memory.js';
export type { PhysMemOptions, RamRange } from './memory.js';
export { PageAllocator } from './page-alloc.js';
export type { AllocRequest } from './page-alloc.js';
