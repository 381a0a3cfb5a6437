export { IOMMU_CACHE, IOMMU_MMIO, IOMMU_NOEXEC, IOMMU_PRIV, IOMMU_READ, IOMMU_WRITE, formatProt, parseProt } from './prot.js';
export { pgtableProfiles } from './profile.js';
export type { PgtableProfile, Release } from './profile.js';
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
export { createAmdV1, createArmLpae, createVtdSecondStage, createX86_64 } from './create.js';
export type { AmdV1Config, ArmLpaeConfig, VtdSecondStageConfig, X86_64Config } from './create.js';
export type { ArmLpaeTable, ArmS1Registers, ArmS2Registers } from './arm-lpae.js';

export { runPgtableBench } from './bench.js';
export type { BenchRow } from './bench.js';
export { pgtableOps, pgtableQueries } from './ops.js';
