import { PageAllocator, PhysMem } from '@dmasim/physmem';
import { createAmdV1, createArmLpae, createVtdSecondStage, createX86_64 } from './create.js';
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

function table(kind: 'vtd' | 'x86' | 'amd' | 'arm', release: Release): IoPageTable {
  const mem = new PhysMem({ size: 8n << 30n });
  const pages = new PageAllocator(mem);
  const profile = pgtableProfiles[release];
  switch (kind) {
    case 'vtd':
      return createVtdSecondStage({ mem, pages, profile, addressWidth: 48 });
    case 'x86':
      return createX86_64({ mem, pages, profile, levels: 4, variant: 'intel-fl' });
    case 'amd':
      return createAmdV1({ mem, pages, profile });
    case 'arm':
      return createArmLpae({ mem, pages, profile, stage: 1, granule: '4K', ias: 48, oas: 48 });
  }
}

/** Populates the tables for [0, N pages) and empties the leaves again, so maps find their tables. */
function warm(pt: IoPageTable): void {
  // iommu_map's loop: Arm maps at most to the end of one leaf table per call
  for (let done = 0n; done < BigInt(N) * 4096n; ) {
    const r = pt.mapPages(done, 0x100000000n + done, 0x1000n, N - Number(done / 4096n), RW);
    if (r.errno || r.mapped === 0n) throw new Error(`bench warm-up: map failed (${r.errno ?? 'nothing mapped'})`);
    done += r.mapped;
  }
  const g = new IotlbGather();
  for (let i = 0; i < N; i++) pt.unmapPages(BigInt(i) * 4096n, 0x1000n, 1, g);
  pt.releaseGathered(g);
}

/** Body time (ms) to run before measuring: the JIT's optimizing tier compiles in the background. */
const WARMUP_MS = 40;

function timeBatches(setup: () => void, body: () => void, perBatch: number): number {
  const out: number[] = [];
  let warm = 0;
  for (let b = 0; out.length < BATCHES; b++) {
    setup();
    const t0 = performance.now();
    body();
    const dt = performance.now() - t0;
    // the first batches (at least WARMUP of them and WARMUP_MS of body time) let the JIT settle
    if (b >= WARMUP && warm >= WARMUP_MS) out.push((dt * 1e6) / perBatch);
    else warm += dt;
  }
  return median(out);
}

function benchTable(name: string, pt: IoPageTable, rows: BenchRow[]): void {
  warm(pt);
  const iovas = Array.from({ length: N }, (_, i) => BigInt(i) * 4096n);
  const pas = Array.from({ length: N }, (_, i) => 0x100000000n + BigInt(i) * 4096n);
  const g = new IotlbGather();
  const clear = () => {
    // iommu_unmap of each 1 MiB run (few calls: the set-up leaves little garbage for the GC to
    // collect inside the timed batches)
    for (let i = 0; i < N; i += 256) pt.unmapPages(iovas[i]!, 0x1000n, 256, g);
    pt.releaseGathered(g);
    pt.events.length = 0; // the event log grows with every unmap
  };
  const out: BenchRow[] = [];
  out.push({
    name: `${name}: map 4K`,
    medianNs: timeBatches(clear, () => {
      for (let i = 0; i < N; i++) pt.mapPages(iovas[i]!, pas[i]!, 0x1000n, 1, RW);
    }, N),
    target: 60,
  });
  const probes = iovas.map((a) => a + 0x10n);
  let misses = 0;
  out.push({
    name: `${name}: iova_to_phys`,
    medianNs: timeBatches(() => undefined, () => {
      for (let i = 0; i < N; i++) if (pt.iovaToPhys(probes[i]!) === 0n) misses++;
    }, N),
    target: 40,
  });
  out.push({
    name: `${name}: walk (device read)`,
    medianNs: timeBatches(() => undefined, () => {
      for (let i = 0; i < N; i++) if (!pt.walk(probes[i]!, 'read').ok) misses++;
    }, N),
    note: 'no target; the step list is built only when read',
  });
  const runs = N / 256;
  // iommu_map → iommu_pgsize: the largest page size of the bitmap the 1 MiB-aligned run allows
  let pgsize = 0x1000n;
  for (let s = 0x100000n; s > 0x1000n; s >>= 1n) {
    if ((pt.pgsizeBitmap & s) !== 0n) {
      pgsize = s;
      break;
    }
  }
  const count = Number(0x100000n / pgsize);
  out.splice(1, 0, {
    name: `${name}: map 256×4K contiguous`,
    medianNs: timeBatches(clear, () => {
      for (let r = 0; r < runs; r++) pt.mapPages(iovas[r * 256]!, pas[r * 256]!, pgsize, count, RW);
    }, runs),
    target: 1000,
    ...(pgsize !== 0x1000n ? { note: `iommu_map passes ${pgsize >= 0x100000n ? `${pgsize >> 20n}M` : `${pgsize >> 10n}K`}×${count}` } : {}),
  });
  if (misses !== 0) out.push({ name: `${name}: ERROR ${misses} lookups missed`, medianNs: 0 });
  rows.push(...out);
}

/** Medians in ns per operation for the page-table hot paths (`only`: names containing one of these words). */
export function runPgtableBench(only?: readonly string[]): BenchRow[] {
  const rows: BenchRow[] = [];
  const benchOne = (name: string, make: () => IoPageTable, out: BenchRow[]) => {
    if (!only || only.some((w) => name.includes(w))) benchTable(name, make(), out);
  };
  benchOne('vtd-ss 6.12 (intel/iommu.c)', () => table('vtd', '6.12'), rows);
  benchOne('vtd-ss 6.19 (generic_pt)', () => table('vtd', '6.19'), rows);
  benchOne('x86_64 6.19 (generic_pt)', () => table('x86', '6.19'), rows);
  benchOne('amd-v1 6.12 (amd/io_pgtable.c)', () => table('amd', '6.12'), rows);
  benchOne('amd-v1 6.19 (generic_pt)', () => table('amd', '6.19'), rows);
  benchOne('arm-lpae-s1 4K 6.19 (io-pgtable-arm.c)', () => table('arm', '6.19'), rows);
  return rows;
}
