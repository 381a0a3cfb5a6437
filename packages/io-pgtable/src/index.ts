export { IOMMU_CACHE, IOMMU_MMIO, IOMMU_NOEXEC, IOMMU_PRIV, IOMMU_READ, IOMMU_WRITE, formatProt, parseProt } from './prot.js';
export { pgtableProfiles } from './profile.js';
export type { IoPgtableQuirk, PgtableProfile, Release } from './profile.js';
export { IotlbGather } from './gather.js';
export type { FlushOps, TlbEvent } from './gather.js';
export { PgtableError } from './errors.js';
export type {
  Errno,
  IoPageTable,
  MapResult,
  PageTableConfig,
  PageTableStats,
  PteDumpRow,
  WalkFault,
  WalkResult,
  WalkStep,
} from './types.js';
export {
  createAmdV1,
  createAppleDart,
  createArmLpae,
  createArmV7s,
  createMaliLpae,
  createVtdSecondStage,
  createX86_64,
} from './create.js';
export type {
  AmdV1Config,
  AppleDartConfig,
  ArmLpaeConfig,
  ArmV7sConfig,
  MaliLpaeConfig,
  VtdSecondStageConfig,
  X86_64Config,
} from './create.js';
export type { AppleDartRegisters, AppleDartTable } from './apple-dart.js';
export type { ArmV7sRegisters, ArmV7sTable } from './arm-v7s.js';
export type { SlabStats } from './v7s-slab.js';
export type { ArmLpaeTable } from './arm-lpae.js';
export type { ArmLpaeVariant, ArmMaliRegisters, ArmS1Registers, ArmS2Registers } from './arm-lpae-config.js';
export { IOMMU_DIRTY_NO_CLEAR } from './dirty.js';
export type { DirtyRange, DirtyResult } from './dirty.js';

export { diffDumps } from './dump-diff.js';
export type { DumpChange, DumpDiff } from './dump-diff.js';

export { runPgtableBench } from './bench.js';
export type { BenchRow } from './bench.js';
export { pgtableOps, pgtableQueries } from './ops.js';
