/**
 * Random-sequence differential testing: the same calls go to IovaDomain and to the naive
 * reference; every return value, the cached nodes and max32_alloc_size after every call,
 * and periodically the whole state (ranges, magazines, depots) must agree. Used by the
 * unit tests (~50k calls) and by scripts/property-1m.ts (1M calls).
 */
import { ManualClock } from '../clock.js';
import { IovaDomain } from '../domain.js';
import { iovaProfiles } from '../profile.js';
import type { IovaRelease } from '../profile.js';
import type { IovaStats } from '../stats.js';
import { NaiveIovaDomain } from './naive.js';
import { XorShift32 } from './xorshift.js';

export type PropertyMode = 'mixed' | 'rcache' | 'refill';

export interface PropertyConfig {
  seed: number;
  ops: number;
  mode: PropertyMode;
  release: IovaRelease;
  cpus: number;
  granule: number;
  startPfn: number;
  /** Compare ranges, magazines and depots every this many calls. */
  fullCheckEvery: number;
  /** Run the tree's internal invariant check every this many calls (0 = only at the end). */
  treeCheckEvery: number;
}

export interface PropertyResult {
  calls: number;
  mismatch?: string;
  /** The model's counters just before the final drain (coverage of the run). */
  stats?: IovaStats;
}

export type Op =
  | { k: 'alloc'; size: number; limit: number; aligned: boolean }
  | { k: 'allocFast'; size: number; limit: number; flush: boolean; cpu: number }
  | { k: 'free'; pfn: number }
  | { k: 'freeFast'; pfn: number; size: number; cpu: number }
  | { k: 'reserve'; lo: number; hi: number }
  | { k: 'find'; pfn: number }
  | { k: 'advance'; ms: number }
  | { k: 'offline'; cpu: number };

interface Live {
  pfn: number;
  size: number; // size passed by the caller (unrounded for fast allocations)
  fast: boolean;
}

export function defaultConfig(seed: number, ops: number, mode: PropertyMode = 'mixed'): PropertyConfig {
  const r = new XorShift32(seed ^ 0x5bd1e995);
  return {
    seed,
    ops,
    mode,
    release: r.pick(['6.1', '6.12', '6.19'] as const),
    cpus: r.pick([1, 1, 2, 3]),
    granule: r.pick([4096, 4096, 4096, 65536, 512]),
    startPfn: r.pick([1, 1, 0, 2, 7]),
    fullCheckEvery: mode === 'rcache' ? 200 : mode === 'refill' ? 40 : 25,
    treeCheckEvery: mode === 'rcache' ? 1000 : mode === 'refill' ? 7 : 250,
  };
}

/** Both models side by side. */
export class Harness {
  readonly model: IovaDomain;
  readonly naive: NaiveIovaDomain;
  private readonly clockA = new ManualClock();
  private readonly clockB = new ManualClock();
  readonly live: Live[] = [];
  /** Recently fast-freed ranges: limits placed right at their edges probe the magazine bound. */
  readonly recentFast: Live[] = [];
  readonly online: boolean[];
  calls = 0;

  constructor(readonly cfg: PropertyConfig) {
    const profile = iovaProfiles[cfg.release];
    const o = { granule: cfg.granule, startPfn: cfg.startPfn, cpus: cfg.cpus, profile };
    this.model = new IovaDomain({ ...o, clock: this.clockA });
    this.naive = new NaiveIovaDomain({ ...o, clock: this.clockB });
    this.online = new Array<boolean>(cfg.cpus).fill(true);
  }

  /** Apply one call to both models; a description of the first disagreement, if any. */
  apply(op: Op): string | undefined {
    const { model, naive } = this;
    let diff: string | undefined;
    switch (op.k) {
      case 'alloc': {
        const a = model.allocIova(op.size, op.limit, op.aligned);
        diff = same('result', a, naive.allocIova(op.size, op.limit, op.aligned));
        if (a) this.live.push({ pfn: a.pfnLo, size: op.size, fast: false });
        break;
      }
      case 'allocFast': {
        const a = model.allocIovaFast(op.size, op.limit, op.flush, op.cpu);
        diff = same('result', a, naive.allocIovaFast(op.size, op.limit, op.flush, op.cpu));
        if (a !== 0) this.live.push({ pfn: a, size: op.size, fast: true });
        break;
      }
      case 'free':
        model.freeIova(op.pfn);
        naive.freeIova(op.pfn);
        break;
      case 'freeFast':
        this.recentFast.push({ pfn: op.pfn, size: op.size, fast: true });
        if (this.recentFast.length > 64) this.recentFast.shift();
        model.freeIovaFast(op.pfn, op.size, op.cpu);
        naive.freeIovaFast(op.pfn, op.size, op.cpu);
        break;
      case 'reserve':
        diff = same('result', model.reserveIova(op.lo, op.hi), naive.reserveIova(op.lo, op.hi));
        break;
      case 'find':
        diff = same('result', model.findIova(op.pfn), naive.findIova(op.pfn));
        break;
      case 'advance':
        this.clockA.advance(op.ms);
        this.clockB.advance(op.ms);
        model.tick();
        naive.runWork();
        break;
      case 'offline':
        this.online[op.cpu] = false;
        model.offlineCpu(op.cpu);
        naive.offlineCpu(op.cpu);
        break;
    }
    this.calls++;
    if (!diff && model.lastError) diff = `unexpected error ${model.lastError.code}: ${model.lastError.message}`;
    diff ??= this.cheapCompare();
    if (!diff && this.calls % this.cfg.fullCheckEvery === 0) diff = this.fullCompare();
    if (!diff && this.cfg.treeCheckEvery > 0 && this.calls % this.cfg.treeCheckEvery === 0) diff = model.checkInvariants();
    return diff;
  }

  cheapCompare(): string | undefined {
    const c = this.model.cachedNodes();
    return (
      same('cached', c.cachedPfnLo, this.naive.cachedPfnLo) ??
      same('cached32', c.cached32PfnLo, this.naive.cached32PfnLo) ??
      same('max32', this.model.max32AllocSize, this.naive.max32AllocSize) ??
      same('range count', this.model.rangeCount, this.naive.nodes.length - 1)
    );
  }

  fullCompare(): string | undefined {
    const snap = this.model.rcacheSnapshot();
    return (
      same('ranges', this.model.ranges(), this.naive.ranges()) ??
      same(
        'magazines',
        snap.map((b) => b.cpus),
        this.naive.rcacheContents(),
      ) ??
      same(
        'depots',
        snap.map((b) => b.depot),
        this.naive.depotContents(),
      )
    );
  }

  /** Flush every cache through a failing alloc_iova_fast, free every range: nothing may be left. */
  drain(): string | undefined {
    const cpu = this.online.indexOf(true);
    this.model.allocIovaFast(2 ** 40, 0, true, cpu);
    this.naive.allocIovaFast(2 ** 40, 0, true, cpu);
    for (const r of this.model.ranges()) {
      this.model.freeIova(r.pfnLo);
      this.naive.freeIova(r.pfnLo);
    }
    const s = this.model.stats();
    return (
      this.fullCompare() ??
      this.cheapCompare() ??
      this.model.checkInvariants() ??
      (this.model.rangeCount !== 0 ? `drain left ${this.model.rangeCount} ranges` : undefined) ??
      (s.cachedPfnLo !== Number.MAX_SAFE_INTEGER || s.cached32PfnLo !== Number.MAX_SAFE_INTEGER
        ? 'cached nodes not back on the anchor after drain'
        : undefined) ??
      (s.cachedPfns !== 0 ? 'pfns left in magazines after the flush' : undefined)
    );
  }
}

function same(what: string, a: unknown, b: unknown): string | undefined {
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja === jb ? undefined : `${what}: model ${ja} != naive ${jb}`;
}

export function runProperty(cfg: PropertyConfig): PropertyResult {
  const h = new Harness(cfg);
  const gen = cfg.mode === 'rcache' ? rcacheOps(cfg, h) : cfg.mode === 'refill' ? refillOps(cfg, h) : mixedOps(cfg, h);
  for (const op of gen) {
    const diff = h.apply(op);
    if (diff) return { calls: h.calls, mismatch: `${JSON.stringify(cfg)} call ${h.calls} ${JSON.stringify(op)}: ${diff}` };
  }
  const stats = h.model.stats();
  const end = h.drain();
  return end ? { calls: h.calls, mismatch: `${JSON.stringify(cfg)} drain: ${end}`, stats } : { calls: h.calls, stats };
}

function pickCpu(rng: XorShift32, h: Harness, prefer0: boolean): number {
  if (prefer0 && h.online[0] && rng.chance(0.8)) return 0;
  for (;;) {
    const c = rng.int(h.online.length);
    if (h.online[c]) return c;
  }
}

function takeLive(rng: XorShift32, h: Harness): Live | undefined {
  if (h.live.length === 0) return undefined;
  const i = rng.int(h.live.length);
  const v = h.live[i]!;
  h.live[i] = h.live[h.live.length - 1]!;
  h.live.pop();
  return v;
}

/** Mixed calls; regimes change every 1000 calls. */
function* mixedOps(cfg: PropertyConfig, h: Harness): Generator<Op> {
  const rng = new XorShift32(cfg.seed);
  const dma32 = h.model.dma32Pfn;
  // A crowded low window makes failures, retries, max32 resets and wraps common.
  const window = rng.pick([64, 300, 2048, 6000]);
  //   tree-alloc fast-alloc free reserve find rnd-free advance offline
  const regimes = [
    [22, 28, 28, 6, 5, 2, 8, 1], // churn
    [3, 75, 15, 0, 2, 0, 5, 0], // fast-allocation burst
    [2, 6, 82, 0, 2, 0, 8, 0], // draining burst
    [45, 5, 40, 4, 3, 1, 2, 0], // 32-bit tree fragmentation
  ];
  let regime = 0;
  let burstSize = 1;
  const limit = (): number => {
    if (regime !== 0) return rng.chance(0.85) ? dma32 - 1 : rng.pick([2 ** 40 - 1, rng.range(window, dma32)]);
    const c = rng.int(10);
    if (c < 4) return rng.range(0, window); // includes limits below the size: wrap
    if (c < 6) return dma32 - 1;
    if (c < 7) return rng.range(dma32 - window, dma32 - 1);
    if (c < 8) return rng.range(dma32, dma32 + window);
    return rng.pick([2 ** 36 - 1, 2 ** 40 - 1, h.model.topPfn]);
  };
  const size = (): number => (rng.chance(0.9) ? rng.range(1, 40) : rng.range(41, 700));
  for (let step = 0; step < cfg.ops; step++) {
    if (step % 1000 === 0) {
      regime = rng.int(regimes.length);
      burstSize = rng.pick([1, 2, 3, 4, 16]);
    }
    let x = rng.int(100);
    let kind = 0;
    const w = regimes[regime]!;
    while (kind < w.length - 1 && x >= w[kind]!) x -= w[kind++]!;
    const prefer0 = regime !== 0;
    switch (kind) {
      case 0:
        if (rng.chance(0.1)) {
          // Ranges straddling the 32-bit boundary (pfn_lo below dma_32bit_pfn, pfn_hi above).
          yield { k: 'alloc', size: rng.range(2, 64), limit: dma32 + rng.range(0, 40), aligned: rng.chance(0.3) };
          break;
        }
        if (rng.chance(0.03)) {
          // A 64-bit failure: max32_alloc_size is set on any failure, not only 32-bit ones.
          yield { k: 'alloc', size: 2 ** rng.range(37, 42) + rng.int(5), limit: 2 ** 36 - 1, aligned: rng.chance(0.5) };
          break;
        }
        yield { k: 'alloc', size: size(), limit: limit(), aligned: rng.chance(0.8) };
        break;
      case 1: {
        if (h.recentFast.length > 0 && rng.chance(0.25)) {
          // A limit at the very edge of a cached range: pfn + rounded size - 1, +-1.
          const v = rng.pick(h.recentFast);
          const rounded = v.size < 32 ? 2 ** Math.ceil(Math.log2(v.size)) : v.size;
          const l = Math.max(0, v.pfn + rounded - 1 + rng.range(-1, 1));
          yield { k: 'allocFast', size: v.size, limit: l, flush: rng.chance(0.5), cpu: pickCpu(rng, h, prefer0) };
          break;
        }
        const s = regime === 1 ? (rng.chance(0.9) ? burstSize : rng.pick([1, 2, 8, 32, 33])) : size();
        yield { k: 'allocFast', size: s, limit: limit(), flush: rng.chance(0.7), cpu: pickCpu(rng, h, prefer0) };
        break;
      }
      case 2: {
        const v = takeLive(rng, h);
        if (!v) break;
        if (v.fast && rng.chance(0.9)) yield { k: 'freeFast', pfn: v.pfn, size: v.size, cpu: pickCpu(rng, h, prefer0) };
        else yield { k: 'free', pfn: v.pfn + rng.int(v.size) }; // any pfn inside frees the range
        break;
      }
      case 3: {
        const lo = rng.chance(0.5) ? rng.range(0, window) : rng.range(dma32 - window, dma32 + window);
        yield { k: 'reserve', lo, hi: lo + (rng.chance(0.7) ? rng.range(0, 8) : rng.range(9, 400)) };
        break;
      }
      case 4: {
        const p = rng.chance(0.5) && h.live.length > 0 ? rng.pick(h.live).pfn : rng.range(0, dma32 + window);
        yield { k: 'find', pfn: p };
        break;
      }
      case 5:
        yield { k: 'free', pfn: rng.range(0, dma32 + window) };
        break;
      case 6:
        yield { k: 'advance', ms: rng.pick([0, 10, 50, 99, 100, 101, 250, 1000]) };
        break;
      default:
        if (h.online.filter(Boolean).length > 1) yield { k: 'offline', cpu: pickCpu(rng, h, false) };
    }
  }
}

/**
 * Magazine- and depot-heavy rounds: allocate N fast ranges of one bucket, free most of
 * them fast in random order (filling magazines, pushing depots, overflowing the 6.1
 * 32-magazine depot for large N), let time pass (trims), and repeat.
 */
function* rcacheOps(cfg: PropertyConfig, h: Harness): Generator<Op> {
  const rng = new XorShift32(cfg.seed);
  const dma32 = h.model.dma32Pfn;
  let emitted = 0;
  while (emitted < cfg.ops) {
    const size = rng.pick([1, 2, 3, 4, 5, 8, 16, 31, 32]);
    // Big single-CPU rounds overflow the 6.1 depot (2 x 127 + 32 x 127 = 4318 cached pfns).
    const big = rng.chance(0.2);
    const n = big ? rng.range(5000, 6500) : rng.range(50, 900);
    const cpuOf = (): number => (big ? h.online.indexOf(true) : pickCpu(rng, h, true));
    const lim = rng.chance(0.8) ? dma32 - 1 : rng.pick([2 ** 40 - 1, rng.range(dma32 >> 1, dma32)]);
    for (let i = 0; i < n && emitted < cfg.ops; i++, emitted++) {
      const l = rng.chance(0.05) ? rng.range(0, dma32) : lim;
      yield { k: 'allocFast', size, limit: l, flush: rng.chance(0.9), cpu: cpuOf() };
      if (rng.chance(0.1)) {
        const v = takeLive(rng, h);
        if (v) {
          emitted++;
          yield v.fast ? { k: 'freeFast', pfn: v.pfn, size: v.size, cpu: cpuOf() } : { k: 'free', pfn: v.pfn };
        }
      }
    }
    const frac = big ? 1 : rng.pick([0.5, 0.9, 1]);
    let toFree = Math.floor(h.live.length * frac);
    while (toFree-- > 0 && emitted < cfg.ops) {
      const v = takeLive(rng, h)!;
      emitted++;
      yield v.fast ? { k: 'freeFast', pfn: v.pfn, size: v.size, cpu: cpuOf() } : { k: 'free', pfn: v.pfn };
      if (rng.chance(0.01)) {
        emitted++;
        yield { k: 'advance', ms: rng.pick([30, 100, 150]) };
      }
    }
    emitted++;
    yield { k: 'advance', ms: rng.pick([0, 99, 100, 350, 2000]) };
    if (h.online.filter(Boolean).length > 1 && rng.chance(0.1)) {
      emitted++;
      yield { k: 'offline', cpu: pickCpu(rng, h, false) };
    }
  }
}

/**
 * Free-then-allocate pairs on the tree: the allocation after a free usually lands in the
 * hole (IovaDomain keeps the freed range in the tree until then: pending-free.ts). Sizes
 * the same, a little larger or smaller, or unrelated; limits at, inside and just around
 * the hole, at 4 GiB and 64-bit; now and then a second free, a reservation, a find or an
 * rcache call between the two, which must carry out the pending removal first.
 */
function* refillOps(cfg: PropertyConfig, h: Harness): Generator<Op> {
  const rng = new XorShift32(cfg.seed);
  const dma32 = h.model.dma32Pfn;
  const window = rng.pick([64, 300, 2048]);
  const low = rng.chance(0.5); // a crowded window at the bottom (limits below the sizes, wraps)
  const limitFor = (v: Live | undefined): number => {
    const c = rng.int(10);
    if (v && c < 4) return Math.max(0, v.pfn + v.size - 1 + rng.range(-3, 3));
    if (c < 6) return dma32 - 1;
    if (c < 8) return low ? rng.range(0, window) : rng.range(dma32 - window, dma32 - 1);
    return rng.pick([2 ** 40 - 1, dma32 + rng.int(window)]);
  };
  const sizeLike = (v: Live | undefined): number => {
    if (!v || rng.chance(0.15)) return rng.range(1, 70);
    return rng.chance(0.6) ? v.size : Math.max(1, v.size + rng.range(-3, 3));
  };
  let emitted = 0;
  while (emitted < cfg.ops) {
    if (h.live.length < 40 || rng.chance(0.15)) {
      emitted++;
      yield { k: 'alloc', size: sizeLike(undefined), limit: limitFor(undefined), aligned: rng.chance(0.8) };
      continue;
    }
    const v = takeLive(rng, h)!;
    emitted++;
    yield { k: 'free', pfn: v.pfn + rng.int(v.size) };
    const between = rng.int(40);
    if (between === 0) yield { k: 'reserve', lo: v.pfn, hi: v.pfn + rng.int(v.size) };
    else if (between === 1) yield { k: 'find', pfn: v.pfn };
    else if (between === 2) yield { k: 'free', pfn: v.pfn }; // a double free: a no-op
    else if (between === 3) {
      const w = takeLive(rng, h);
      if (w) yield { k: 'free', pfn: w.pfn };
    } else if (between === 4) yield { k: 'allocFast', size: sizeLike(v), limit: limitFor(v), flush: true, cpu: 0 };
    if (between <= 4) emitted++;
    emitted++;
    yield { k: 'alloc', size: sizeLike(v), limit: limitFor(v), aligned: rng.chance(0.8) };
  }
}
