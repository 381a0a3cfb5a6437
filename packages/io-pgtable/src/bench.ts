import { PageAllocator, PhysMem } from '@dmasim/physmem';
import { createVtdSecondStage, createX86_64 } from './create.js';
import { IotlbGather } from './gather.js';
import { pgtableProfiles } from './profile.js';
import type { Release } from './profile.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import type { IoPageTable } from './types.js';

export interface BenchRow {
  name: string;
  medianNs: number;
  target?: number;
  note?: string;
}

const RW = IOMMU_READ | IOMMU_WRITE;
const N = 16384; // pages per batch (32 leaf tables)
const BATCHES = 31;
const WARMUP = 12;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function table(kind: 'vtd' | 'x86', release: Release): IoPageTable {
  const mem = new PhysMem({ size: 8n << 30n });
  const pages = new PageAllocator(mem);
  const profile = pgtableProfiles[release];
  return kind === 'vtd'
    ? createVtdSecondStage({ mem, pages, profile, addressWidth: 48 })
    : createX86_64({ mem, pages, profile, levels: 4, variant: 'intel-fl' });
}

/** Populates the tables for [0, N pages) and empties the leaves again, so maps find their tables. */
function warm(pt: IoPageTable): void {
  pt.mapPages(0n, 0x100000000n, 0x1000n, N, RW);
  const g = new IotlbGather();
  for (let i = 0; i < N; i++) pt.unmapPages(BigInt(i) * 4096n, 0x1000n, 1, g);
  pt.releaseGathered(g);
}

function timeBatches(setup: () => void, body: () => void, perBatch: number): number {
  const out: number[] = [];
  for (let b = 0; b < BATCHES + WARMUP; b++) {
    setup();
    const t0 = performance.now();
    body();
    const dt = performance.now() - t0;
    if (b >= WARMUP) out.push((dt * 1e6) / perBatch); // first batches let the JIT settle
  }
  return median(out);
}

function benchOne(name: string, pt: IoPageTable, rows: BenchRow[]): void {
  warm(pt);
  const iovas = Array.from({ length: N }, (_, i) => BigInt(i) * 4096n);
  const pas = Array.from({ length: N }, (_, i) => 0x100000000n + BigInt(i) * 4096n);
  const g = new IotlbGather();
  const clear = () => {
    for (let i = 0; i < N; i++) pt.unmapPages(iovas[i]!, 0x1000n, 1, g);
    pt.releaseGathered(g);
    pt.events.length = 0; // the event log grows with every unmap
  };
  rows.push({
    name: `${name}: map 4K`,
    medianNs: timeBatches(clear, () => {
      for (let i = 0; i < N; i++) pt.mapPages(iovas[i]!, pas[i]!, 0x1000n, 1, RW);
    }, N),
    target: 60,
  });
  const runs = N / 256;
  rows.push({
    name: `${name}: map 256×4K contiguous`,
    medianNs: timeBatches(clear, () => {
      for (let r = 0; r < runs; r++) pt.mapPages(iovas[r * 256]!, pas[r * 256]!, 0x1000n, 256, RW);
    }, runs),
    target: 1000,
  });
  const probes = iovas.map((a) => a + 0x10n);
  let misses = 0;
  rows.push({
    name: `${name}: iova_to_phys`,
    medianNs: timeBatches(() => undefined, () => {
      for (let i = 0; i < N; i++) if (pt.iovaToPhys(probes[i]!) === 0n) misses++;
    }, N),
    target: 40,
  });
  rows.push({
    name: `${name}: walk (device read)`,
    medianNs: timeBatches(() => undefined, () => {
      for (let i = 0; i < N; i++) if (!pt.walk(probes[i]!, 'read').ok) misses++;
    }, N),
    note: 'no target; the step list is built only when read',
  });
  if (misses !== 0) rows.push({ name: `${name}: ERROR ${misses} lookups missed`, medianNs: 0 });
}

/** Medians in ns per operation for the page-table hot paths. */
export function runPgtableBench(): BenchRow[] {
  const rows: BenchRow[] = [];
  benchOne('vtd-ss 6.12 (intel/iommu.c)', table('vtd', '6.12'), rows);
  benchOne('vtd-ss 6.19 (generic_pt)', table('vtd', '6.19'), rows);
  benchOne('x86_64 6.19 (generic_pt)', table('x86', '6.19'), rows);
  return rows;
}
