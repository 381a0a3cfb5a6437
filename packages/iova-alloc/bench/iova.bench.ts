/**
 * IOVA allocator benchmarks. Run: node scripts/dmasim-node.mjs packages/iova-alloc/bench/iova.bench.ts
 * (from the repo root) or `node ../../scripts/dmasim-node.mjs bench/iova.bench.ts` here.
 * `runIovaBench()` returns the rows for the root `pnpm bench` table.
 *
 * (a) alloc_iova_fast + free_iova_fast of one granule served by the CPU's magazine.
 * (b) tree alloc_iova + free_iova with N live ranges: free a random range, allocate the
 *     same size again (it lands in the hole just freed). When the freed range lies below
 *     the cached node, Linux walks every node in between; the naive reference does that
 *     walk (plus O(n) array search/splice), the model answers in O(log n).
 *     The N one-granule ranges fill [TOP - N + 1, TOP] and every allocation refills the
 *     hole the free just made (the only gap above the cached node's floor), so the live
 *     set never changes: the harness picks a random pfn in that window and checks that
 *     the allocation returns it. (Keeping the pfns in an array instead would add the
 *     harness's own random read of an 8 MB array, a cache miss of ~150 ns at 1M ranges,
 *     to every iteration: the allocator's cost, not the harness's, is what is measured.)
 *     IovaDomain keeps a freed range in the tree until the next call and lets an
 *     allocation that refills its hole overwrite it in place (src/pending-free.ts), which
 *     is what this loop does. The "two holes at a time" rows free two ranges before
 *     allocating twice, so one removal is carried out and one allocation goes through
 *     the ordinary search and insertion: the cost without that shortcut.
 */
import { pathToFileURL } from 'node:url';
import { IovaDomain } from '../src/domain.js';
import { iovaProfiles } from '../src/profile.js';
import { ManualClock } from '../src/clock.js';
import { NaiveIovaDomain } from '../src/testing/naive.js';
import { XorShift32 } from '../src/testing/xorshift.js';

export interface BenchRow {
  readonly name: string;
  readonly medianNs: number;
  readonly target?: number;
  readonly note?: string;
}

const LIMIT64 = 2 ** 40 - 1;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median ns per iteration of `body(iters)` over `runs` timed runs after `warm` untimed ones. */
function measure(body: (iters: number) => void, iters: number, runs: number, warm = 2): number {
  for (let i = 0; i < warm; i++) body(iters);
  const per: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    body(iters);
    per.push(Number(process.hrtime.bigint() - t0) / iters);
  }
  return median(per);
}

function benchRcache(): BenchRow {
  const d = new IovaDomain({ granule: 4096, startPfn: 1 });
  d.freeIovaFast(d.allocIovaFast(1, 0xfffff, true), 1); // one pfn parked in the magazine
  const ns = measure(
    (n) => {
      for (let i = 0; i < n; i++) d.freeIovaFast(d.allocIovaFast(1, 0xfffff, true), 1);
    },
    200_000,
    15,
  );
  return { name: 'iova: alloc_iova_fast+free_iova_fast (rcache hit)', medianNs: ns, target: 50 };
}

interface TreeSetup {
  free(pfn: number): void;
  alloc(): number;
  /** Live ranges: the one-granule ranges TOP - n + 1 .. TOP. */
  n: number;
}

/** The highest pfn below 2^40: the first top-down allocation. */
const TOP = LIMIT64;

/** n one-granule ranges allocated top-down below 2^40 (contiguous), via the model. */
function modelSetup(n: number): TreeSetup {
  const d = new IovaDomain({ granule: 4096, startPfn: 1 });
  for (let i = 0; i < n; i++) d.allocIova(1, LIMIT64, true);
  return {
    free: (p) => {
      d.freeIova(p);
    },
    alloc: () => d.allocIova(1, LIMIT64, true)!.pfnLo,
    n,
  };
}

/** The same state built directly into the naive reference (building it call by call is O(n^2)). */
function naiveSetup(n: number): TreeSetup {
  const d = new NaiveIovaDomain({ granule: 4096, startPfn: 1, clock: new ManualClock(), profile: iovaProfiles['6.19'] });
  const top = BigInt(TOP);
  const nodes = [];
  for (let i = n - 1; i >= 0; i--) nodes.push({ lo: top - BigInt(i), hi: top - BigInt(i), reserved: false });
  d.nodes = [...nodes, d.anchor];
  d.cached = d.nodes[0]!; // the last (lowest) allocation, as after n top-down allocations
  return {
    free: (p) => {
      d.freeIova(p);
    },
    alloc: () => d.allocIova(1, LIMIT64, true)!.pfnLo,
    n,
  };
}

function churn(s: TreeSetup, rng: XorShift32): (iters: number) => void {
  return (iters) => {
    const n = s.n;
    for (let i = 0; i < iters; i++) {
      const p = TOP - rng.int(n);
      s.free(p);
      if (s.alloc() !== p) throw new Error(`iova bench: allocation did not refill the hole at ${p}`);
    }
  };
}

/** Free two random ranges, then allocate twice: the allocations refill both holes. */
function churnPairs(s: TreeSetup, rng: XorShift32): (iters: number) => void {
  return (iters) => {
    const n = s.n;
    for (let i = 0; i < iters; i++) {
      const p = TOP - rng.int(n);
      let q = TOP - rng.int(n - 1);
      if (q <= p) q--; // distinct from p
      s.free(p);
      s.free(q);
      const a = s.alloc();
      const b = s.alloc();
      if (!((a === p && b === q) || (a === q && b === p))) throw new Error(`iova bench: holes ${p}, ${q} refilled as ${a}, ${b}`);
    }
  };
}

function benchTree(n: number, withNaive: boolean): BenchRow[] {
  const ours = modelSetup(n);
  const iters = n >= 1_000_000 ? 200_000 : 100_000;
  const oursNs = measure(churn(ours, new XorShift32(n)), iters, 9);
  const pairsRow: BenchRow = {
    name: `iova: tree free_iova+alloc_iova, ${n.toLocaleString('en')} live, two holes at a time`,
    medianNs: measure(churnPairs(ours, new XorShift32(n + 1)), iters / 2, 9) / 2,
    note: 'per free+alloc; half the allocations take the ordinary search and insertion',
  };
  const row: BenchRow = {
    name: `iova: tree free_iova+alloc_iova, ${n.toLocaleString('en')} live`,
    medianNs: oursNs,
    ...(n >= 1_000_000 ? { target: 1000 } : {}),
  };
  if (!withNaive) return [row, pairsRow];
  const naive = naiveSetup(n);
  const naiveIters = n >= 1_000_000 ? 10 : n >= 100_000 ? 40 : 2000;
  const naiveNs = measure(churn(naive, new XorShift32(n)), naiveIters, 5, 1);
  const ratio = naiveNs / oursNs;
  return [
    { ...row, note: `naive (Linux-style linear walk) ${fmt(naiveNs)}/op, ratio naive/ours ${ratio.toFixed(0)}x` },
    {
      name: `iova: naive linear-walk reference, ${n.toLocaleString('en')} live`,
      medianNs: naiveNs,
      note: 'kernel-literal walk plus O(n) array search/splice; for the ratio only',
    },
    pairsRow,
  ];
}

function fmt(ns: number): string {
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(1)} ns`;
}

export function runIovaBench(opts: { naive?: boolean; sizes?: readonly number[] } = {}): BenchRow[] {
  const rows: BenchRow[] = [benchRcache()];
  for (const n of opts.sizes ?? [1_000, 100_000, 1_000_000]) rows.push(...benchTree(n, opts.naive ?? true));
  return rows;
}

function printTable(rows: readonly BenchRow[]): void {
  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'benchmark'.padEnd(w)}  ${'median'.padStart(10)}  ${'target'.padStart(8)}  note`);
  for (const r of rows) {
    const t = r.target === undefined ? '' : `${r.medianNs <= r.target ? '✓' : '✗'} ${fmt(r.target)}`;
    console.log(`${r.name.padEnd(w)}  ${fmt(r.medianNs).padStart(10)}  ${t.padStart(8)}  ${r.note ?? ''}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printTable(runIovaBench());
}
