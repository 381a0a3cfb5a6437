import { dmaOps } from '@dmasim/dma-api';
import { iommuOps, iommuQueries } from '@dmasim/iommu-core';
import { machineOps, machineQueries } from '@dmasim/machine';
import type { OpSpec, QuerySpec } from '@dmasim/op-spec';
import { pciOps, pciQueries } from '@dmasim/pci-topology';
import { vfioOps } from '@dmasim/vfio-uapi';
import { iovaOps, iovaQueries } from '@dmasim/iova-alloc';
import { pgtableOps, pgtableQueries } from '@dmasim/io-pgtable';
import type { ExecContext } from './context.js';
import type { OpResult } from './op-result.js';
import { deviceAccess } from './ops/device-ops.js';
import { pciGroups, pciTree } from './ops/pci-ops.js';
import {
  iovaAlloc,
  iovaAllocFast,
  iovaFind,
  iovaFree,
  iovaFreeFast,
  iovaInit,
  iovaOfflineCpu,
  iovaReserve,
} from './ops/iova-ops.js';
import { mapSingle, setMask, unmapSingle } from './ops/dma-ops.js';
import { pgtableCreate, pgtableDump, pgtableIovaToPhys, pgtableMap, pgtableReadDirty, pgtableUnmap, pgtableWalk } from './ops/pgtable-ops.js';
import { pgtableEngineQueries } from './pgtable-queries.js';
import { kmalloc, memFill, memRead, timeAdvance, userMmap } from './ops/machine-ops.js';
import {
  vfioBind,
  vfioCheckExtension,
  vfioContainer,
  vfioGetInfo,
  vfioGroup,
  vfioGroupSetContainer,
  vfioIoctlNumber,
  vfioMapDma,
  vfioSetIommu,
  vfioUnmapDma,
} from './ops/vfio-ops.js';
import { queryFns, type QueryFn } from './queries.js';

export type OpExecutor = (ctx: ExecContext) => OpResult;

export interface RegisteredOp {
  readonly spec: OpSpec;
  readonly run: OpExecutor;
}

const executors: Readonly<Record<string, OpExecutor>> = {
  kmalloc,
  'user.mmap': userMmap,
  'mem.fill': memFill,
  'mem.read': memRead,
  'time.advance': timeAdvance,
  'dma.map_single': mapSingle,
  'dma.unmap_single': unmapSingle,
  'dma.set_mask': setMask,
  device: deviceAccess,
  'pci.groups': pciGroups,
  'pci.tree': pciTree,
  'vfio.bind': vfioBind,
  'vfio.container': vfioContainer,
  'vfio.group': vfioGroup,
  'vfio.group_set_container': vfioGroupSetContainer,
  'vfio.set_iommu': vfioSetIommu,
  'vfio.map_dma': vfioMapDma,
  'vfio.unmap_dma': vfioUnmapDma,
  'vfio.get_info': vfioGetInfo,
  'vfio.check_extension': vfioCheckExtension,
  'vfio.ioctl_number': vfioIoctlNumber,
  'iova.init': iovaInit,
  'iova.alloc': iovaAlloc,
  'iova.alloc_fast': iovaAllocFast,
  'iova.free': iovaFree,
  'iova.free_fast': iovaFreeFast,
  'iova.reserve': iovaReserve,
  'iova.find': iovaFind,
  'iova.offline_cpu': iovaOfflineCpu,
  'pgtable.create': pgtableCreate,
  'pgtable.map': pgtableMap,
  'pgtable.unmap': pgtableUnmap,
  'pgtable.iova_to_phys': pgtableIovaToPhys,
  'pgtable.walk': pgtableWalk,
  'pgtable.dump': pgtableDump,
  'pgtable.read_dirty': pgtableReadDirty,
};

const allSpecs: readonly OpSpec[] = [...machineOps, ...dmaOps, ...iommuOps, ...vfioOps, ...iovaOps, ...pgtableOps, ...pciOps];
const allQueries: readonly QuerySpec[] = [...machineQueries, ...iommuQueries, ...pciQueries, ...iovaQueries, ...pgtableQueries, ...pgtableEngineQueries];

/**
 * The op registry: every operation a scenario may use, from the packages that
 * model it (their OpSpec tables) joined with the engine's executor for it.
 */
export const opRegistry: ReadonlyMap<string, RegisteredOp> = new Map(
  allSpecs.filter((s) => s.name in executors).map((s) => [s.name, { spec: s, run: executors[s.name]! }]),
);

export const queryRegistry: ReadonlyMap<string, { spec: QuerySpec; fn: QueryFn }> = new Map(
  allQueries.filter((q) => q.name in queryFns).map((q) => [q.name, { spec: q, fn: queryFns[q.name]! }]),
);

/** Specs a package declares that the engine does not run yet (reported by tests and docs). */
export function unwiredOps(): string[] {
  return allSpecs.filter((s) => !(s.name in executors)).map((s) => s.name);
}

export function unwiredQueries(): string[] {
  return allQueries.filter((q) => !(q.name in queryFns)).map((q) => q.name);
}

export { executors as opExecutors };
