import { bufferPhys, type Machine } from '@dmasim/machine';
import { device, num } from './context.js';
import { iovaStat } from './ops/iova-ops.js';
import { dumpChanges, leafCount, maskQuery, pgtableInfo, pteQuery } from './pgtable-queries.js';
import { ScenarioError, isBuffer, type Value } from './values.js';

export type QueryFn = (m: Machine, args: readonly Value[]) => Value;

function one(args: readonly Value[], name: string): Value {
  if (args.length !== 1) throw new ScenarioError(`${name}() takes one argument`);
  return args[0]!;
}

/** Functions usable inside expressions, e.g. `expect group(01:00.0) == group(01:00.1)`. */
export const queryFns: Readonly<Record<string, QueryFn>> = {
  pte: (_m, a) => pteQuery(a),
  leaf_count: (_m, a) => leafCount(a),
  pgtable_info: (_m, a) => pgtableInfo(a),
  dump_changes: (_m, a) => dumpChanges(a),
  mask: (_m, a) => maskQuery(a),
  iova_stat: (_m, a) => {
    if (a.length !== 2) throw new ScenarioError('iova_stat(domain, "name") takes two arguments');
    return iovaStat(a[0], a[1]);
  },
  group: (m, a) => {
    const dev = device(m, one(a, 'group'));
    const g = m.iommu?.groupOf(dev.bdf);
    if (!g) throw new ScenarioError(`${dev.bdf} has no IOMMU group`, [m.iommu ? 'the device is not behind an enabled IOMMU' : 'no IOMMU is enabled on this machine']);
    return BigInt(g.id);
  },
  group_size: (m, a) => {
    const dev = device(m, one(a, 'group_size'));
    return BigInt(m.iommu?.groupOf(dev.bdf)?.devices.length ?? 0);
  },
  group_type: (m, a) => {
    const dev = device(m, one(a, 'group_type'));
    return m.iommu ? m.iommu.groupType(dev.bdf) : 'unknown';
  },
  rid: (m, a) => BigInt(m.requesterId(device(m, one(a, 'rid')))),
  untrusted: (m, a) => (device(m, one(a, 'untrusted')).untrusted ? 1n : 0n),
  is_virtfn: (m, a) => (device(m, one(a, 'is_virtfn')).isVirtfn ? 1n : 0n),
  phys: (_m, a) => {
    const v = one(a, 'phys');
    if (isBuffer(v)) return bufferPhys(v.buf, v.offset);
    throw new ScenarioError('phys() takes a buffer');
  },
  va: (_m, a) => {
    const v = one(a, 'va');
    if (isBuffer(v) && v.buf.va !== undefined) return v.buf.va + v.offset;
    throw new ScenarioError('va() takes a user buffer');
  },
  dma_path: (m, a) => m.dma.pathOf(m.dmaDevice(device(m, one(a, 'dma_path')))),
  iova_to_phys: (m, a) => {
    if (a.length !== 2) throw new ScenarioError('iova_to_phys(dev, iova) takes two arguments');
    const dev = device(m, a[0]);
    const d = m.iommu?.groupOf(dev.bdf)?.domain;
    if (!d) throw new ScenarioError(`${dev.bdf} is not attached to an IOMMU domain`);
    return d.iovaToPhys(num(a[1], 'iova'));
  },
};
