import { fls, isCount, orderBase2, roundupPowOfTwo, POW2 } from './bits.js';
import { ManualClock } from './clock.js';
import type { IovaClock } from './clock.js';
import {
  ANCHOR_PFN,
  IOVA_DEPOT_DELAY_MS,
  IOVA_RANGE_CACHE_MAX_SIZE,
  MAX_GLOBAL_MAGS,
  MAX_PFN,
} from './constants.js';
import { IovaError } from './errors.js';
import type { IovaErrorCode } from './errors.js';
import { DEFAULT_IOVA_PROFILE } from './profile.js';
import type { IovaProfile } from './profile.js';
import { Magazine, makeRcaches } from './rcache.js';
import type { Rcache } from './rcache.js';
import { SETTLE, allocBesidePending } from './pending-free.js';
import type { PendingFree } from './pending-free.js';
import { searchPass } from './search.js';
import { fragmentation, freeIn, summarizeTree } from './stats.js';
import type { IovaStats } from './stats.js';
import { IovaTree, NODE_RESERVED } from './tree.js';
import { checkTree } from './tree-check.js';
import { checkOptions } from './options.js';
import type { IovaDomainOptions } from './options.js';

export type { IovaDomainOptions } from './options.js';


/** An inclusive range of granule frame numbers. */
export interface IovaRange {
  readonly pfnLo: number;
  readonly pfnHi: number;
  /** Present (true) when the range was created or touched by reserveIova. */
  readonly reserved?: boolean;
}

/** What one magazine pair / depot holds, for explanations and tests. */
export interface RcacheSnapshot {
  readonly bucket: number;
  readonly cpus: readonly { readonly loaded: readonly number[]; readonly prev: readonly number[] }[];
  /** Full magazines, the next one to be popped last. */
  readonly depot: readonly (readonly number[])[];
  /** When the depot-trim work is due (ms), if pending. */
  readonly workDueMs?: number;
}

/**
 * A Linux IOVA domain (drivers/iommu/iova.c, include/linux/iova.h): the rbtree allocator
 * with its cached nodes and 32-bit fast-fail, reservations, and the per-CPU rcache
 * (magazines + depot). Returns exactly the pfns Linux returns for the same calls.
 *
 * Bad input (non-integers, size 0, pfns above the model's range, unknown CPUs) makes a
 * call fail the way the kernel call would report failure (undefined / 0 / no-op) and
 * sets `lastError` to an IovaError with a stable code; a valid call clears it.
 */
export class IovaDomain {
  readonly granule: number;
  readonly shift: number;
  readonly startPfn: number;
  readonly dma32Pfn: number;
  readonly cpus: number;
  readonly profile: IovaProfile;
  readonly topPfn: number;
  /** The error of the most recent call, if its input was rejected. */
  lastError: IovaError | undefined;

  private readonly tree = new IovaTree();
  /**
   * cached_node / cached32_node, named by pfn_lo (the tree has no stable node handles;
   * a pfn_lo names one range). ANCHOR_PFN is the anchor. A freed cached node is replaced
   * by its successor (__cached_rbnode_delete_update) and reserve_iova moving a cached
   * range's pfn_lo down updates the name, so a name always denotes a live range.
   */
  private cached: number;
  private cached32: number;
  /** The last tree free, still in the tree until the next call (pending-free.ts). */
  private readonly pend: PendingFree = { lo: -1, hi: -1, gapLo: 0, next: 0 };
  private max32: number;
  private readonly clock: IovaClock;
  private readonly ownClock: ManualClock | undefined;
  private readonly rcaches: Rcache[];
  private readonly online: boolean[];
  private onlineCount: number;
  private nextDueMs = Infinity;
  private readonly reserveLimit: number;
  private hits = 0;
  private misses = 0;
  private bypass = 0;
  private trims = 0;
  private flushes = 0;
  private notFound = 0;
  private depotFull = 0;

  /** init_iova_domain + iova_domain_init_rcaches. Throws IovaError on bad options; see `create`. */
  constructor(opts: IovaDomainOptions) {
    const err = checkOptions(opts);
    if (err) throw err;
    this.granule = opts.granule;
    this.shift = fls(opts.granule) - 1;
    this.startPfn = opts.startPfn;
    // iova.c init_iova_domain: dma_32bit_pfn = 1UL << (32 - iova_shift)
    this.dma32Pfn = POW2[32 - this.shift]!;
    this.max32 = this.dma32Pfn;
    this.cpus = opts.cpus ?? 1;
    this.profile = opts.profile ?? DEFAULT_IOVA_PROFILE;
    // reserve_iova rejects pfns above ULLONG_MAX >> shift; the model also stops below the anchor.
    this.reserveLimit = Math.min(2 ** (64 - this.shift) - 1, MAX_PFN);
    this.topPfn = opts.topPfn ?? this.reserveLimit;
    if (opts.clock) {
      this.clock = opts.clock;
      this.ownClock = undefined;
    } else {
      this.ownClock = new ManualClock();
      this.clock = this.ownClock;
    }
    this.tree.insert(ANCHOR_PFN, ANCHOR_PFN, 0);
    this.cached = ANCHOR_PFN;
    this.cached32 = ANCHOR_PFN;
    this.rcaches = makeRcaches(this.cpus);
    this.online = new Array<boolean>(this.cpus).fill(true);
    this.onlineCount = this.cpus;
  }

  /** Like the constructor, but returns the error value instead of throwing. */
  static create(opts: IovaDomainOptions): IovaDomain | IovaError {
    const err = checkOptions(opts);
    return err ?? new IovaDomain(opts);
  }

  /** iova.c max32_alloc_size: 32-bit requests of at least this many granules fail fast. */
  get max32AllocSize(): number {
    return this.max32;
  }

  // ------------------------------------------------------------- tree API

  /** iova.c alloc_iova: size granules at or below limitPfn (inclusive), top-down. */
  allocIova(size: number, limitPfn: number, sizeAligned: boolean): IovaRange | undefined {
    if (!this.checkSizeLimit(size, limitPfn)) return undefined;
    this.catchUp();
    const pfn = this.allocRange(size, limitPfn + 1, sizeAligned);
    // A new range is never reserved: build it from pfn and size, not through the cursor.
    return pfn < 0 ? undefined : { pfnLo: pfn, pfnHi: pfn + size - 1 };
  }

  /** iova.c find_iova: the range containing pfn. */
  findIova(pfn: number): IovaRange | undefined {
    if (!this.checkPfn(pfn)) return undefined;
    this.settle();
    this.catchUp();
    const t = this.tree;
    return !t.seekContaining(pfn) || t.curLo() === ANCHOR_PFN ? undefined : this.rangeAtCursor();
  }

  /** iova.c free_iova: free the range containing pfn; an unknown pfn is a silent no-op. */
  freeIova(pfn: number): void {
    if (!this.checkPfn(pfn)) return;
    this.catchUp();
    this.freePfn(pfn);
  }

  /**
   * iova.c reserve_iova: mark [pfnLo, pfnHi] as unavailable, merging into overlapping
   * ranges (their pfn_lo moves down to cover the request). Returns the range that now
   * covers the end of the request, or undefined when the pfns are out of range.
   */
  reserveIova(pfnLo: number, pfnHi: number): IovaRange | undefined {
    this.lastError = undefined;
    if (!isCount(pfnLo) || !isCount(pfnHi) || pfnLo > pfnHi) {
      this.fail('IOVA_BAD_ARG', `reserveIova(${String(pfnLo)}, ${String(pfnHi)}): need integers with pfnLo <= pfnHi`);
      return undefined;
    }
    if (pfnHi > this.reserveLimit) {
      this.fail(
        'IOVA_PFN_RANGE',
        `reserveIova: pfn ${pfnHi} is above ${this.reserveLimit} (reserve_iova rejects pfns above ULLONG_MAX >> shift, and the model stops below the anchor)`,
      );
      return undefined;
    }
    this.settle();
    this.catchUp();
    const t = this.tree;
    let lo = pfnLo;
    const hi = pfnHi;
    // Nodes entirely below lo never overlap; start at the first node reaching lo. The
    // anchor lies above every reservable pfn, so the walk always ends on a node > hi.
    t.seekHiAtLeast(lo);
    while (t.curLo() <= hi) {
      // iova.c __adjust_overlap_range
      const nodeLo = t.curLo();
      if (lo < nodeLo) {
        t.setCurLo(lo);
        if (this.cached === nodeLo) this.cached = lo;
        if (this.cached32 === nodeLo) this.cached32 = lo;
      }
      if (hi > t.curHi()) lo = t.curHi() + 1;
      t.setCurFlags(t.curFlags() | NODE_RESERVED);
      if (lo >= t.curLo() && hi <= t.curHi()) return this.rangeAtCursor();
      t.stepNext();
    }
    // iova.c __insert_new_range: the new range goes into the gap below the cursor's node.
    t.insertBeforeCursor(lo, hi, NODE_RESERVED);
    return this.rangeAtCursor();
  }

  // ------------------------------------------------------------ rcache API

  /**
   * iova.c alloc_iova_fast: sizes below 32 granules are rounded up to a power of two;
   * try the CPU's magazines, then the tree (size-aligned); on tree failure with
   * flushRcache, free every cached pfn back to the tree and retry once. 0 on failure.
   */
  allocIovaFast(size: number, limitPfn: number, flushRcache: boolean, cpu = 0): number {
    if (!this.checkSizeLimit(size, limitPfn) || !this.checkCpu(cpu)) return 0;
    this.catchUp();
    if (size < 1 << (IOVA_RANGE_CACHE_MAX_SIZE - 1)) size = roundupPowOfTwo(size);
    const limitExcl = limitPfn + 1;
    const pfn = this.rcacheGet(size, limitExcl, cpu);
    if (pfn !== 0) return pfn;
    let got = this.allocRange(size, limitExcl, true);
    if (got < 0) {
      if (!flushRcache) return 0;
      this.flushes++;
      this.flushAllCaches();
      got = this.allocRange(size, limitExcl, true);
      if (got < 0) return 0;
    }
    return got;
  }

  /**
   * iova.c free_iova_fast: park pfn in the CPU's magazine for its size bucket
   * (order_base_2(size)); sizes above 32 granules go straight back to the tree.
   */
  freeIovaFast(pfn: number, size: number, cpu = 0): void {
    this.lastError = undefined;
    if (!isCount(size) || size === 0 || !isCount(pfn)) {
      this.fail('IOVA_BAD_ARG', `freeIovaFast(${String(pfn)}, ${String(size)}): need integers, size >= 1`);
      return;
    }
    if (pfn > MAX_PFN || size > MAX_PFN) {
      this.fail('IOVA_PFN_RANGE', `freeIovaFast: pfn/size above ${MAX_PFN}`);
      return;
    }
    if (!this.checkCpu(cpu)) return;
    this.catchUp();
    if (!this.rcacheInsert(pfn, size, cpu)) this.freePfn(pfn);
  }

  // -------------------------------------------------------- time and CPUs

  /**
   * Run every depot-trim work item (iova.c iova_depot_work_func, 6.7+) whose due time has
   * come on the domain clock. Each run happens at its own due time: it frees one depot
   * magazine while depot_size > online CPUs and reschedules itself 100 ms later, so a
   * long clock jump runs the chain as if time had passed continuously. Items due at the
   * same instant run in bucket order. Public calls catch up the same way first.
   */
  runDueWork(): void {
    this.lastError = undefined;
    this.catchUp();
  }

  /** Alias of runDueWork, for the scenario engine's clock tick. */
  tick(): void {
    this.runDueWork();
  }

  /** Advance the domain's own clock by ms and run the work that became due. */
  advanceTime(ms: number): void {
    this.lastError = undefined;
    if (!this.ownClock) {
      this.fail('IOVA_CLOCK_EXTERNAL', 'advanceTime: this domain reads the caller\'s clock; advance that clock and call tick()');
      return;
    }
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      this.fail('IOVA_BAD_ARG', `advanceTime(${String(ms)}): need a finite number of milliseconds >= 0`);
      return;
    }
    this.ownClock.advance(ms);
    this.catchUp();
  }

  /** iova.c iova_cpuhp_dead: a CPU went offline; its magazines go back to the tree. */
  offlineCpu(cpu: number): void {
    this.lastError = undefined;
    if (!this.checkCpu(cpu)) return;
    if (this.onlineCount === 1) {
      this.fail('IOVA_LAST_CPU', `offlineCpu(${cpu}): the last online CPU cannot go offline`);
      return;
    }
    this.catchUp();
    this.online[cpu] = false;
    this.onlineCount--;
    this.freeCpuCachedIovas(cpu);
  }

  /** Bring an offlined CPU back (its magazines are empty). */
  onlineCpu(cpu: number): void {
    this.lastError = undefined;
    if (!isCount(cpu) || cpu >= this.cpus) {
      this.fail('IOVA_CPU_RANGE', `onlineCpu(${String(cpu)}): CPUs are 0..${this.cpus - 1}`);
      return;
    }
    this.catchUp();
    if (!this.online[cpu]) {
      this.online[cpu] = true;
      this.onlineCount++;
    }
  }

  // ----------------------------------------------------------- inspection

  /** All ranges in pfn order, excluding the anchor. */
  ranges(): IovaRange[] {
    this.settle();
    const out: IovaRange[] = [];
    this.tree.forEach((lo, hi, flags) => {
      if (lo !== ANCHOR_PFN) out.push(flags & NODE_RESERVED ? { pfnLo: lo, pfnHi: hi, reserved: true } : { pfnLo: lo, pfnHi: hi });
    });
    return out;
  }

  stats(): IovaStats {
    this.settle();
    const s = summarizeTree(this.tree);
    const f32 = freeIn(this.tree, this.startPfn, this.dma32Pfn - 1);
    const fAll = freeIn(this.tree, this.startPfn, this.topPfn);
    let cachedPfns = 0;
    for (const rc of this.rcaches) {
      for (const c of rc.cpus) cachedPfns += c.loaded.size + c.prev.size;
      for (const m of rc.depot) cachedPfns += m.size;
    }
    return {
      ...s,
      cachedPfns,
      freePages32: f32.free,
      freePages: fAll.free,
      largestFreeGap32: f32.largest,
      largestFreeGap: fAll.largest,
      fragmentation32: fragmentation(f32.free, f32.largest),
      fragmentation: fragmentation(fAll.free, fAll.largest),
      rcacheHits: this.hits,
      rcacheMisses: this.misses,
      rcacheBypass: this.bypass,
      depotSizes: this.rcaches.map((r) => r.depot.length),
      depotTrims: this.trims,
      depotFullFrees: this.depotFull,
      rcacheFlushes: this.flushes,
      magazinePfnsNotFound: this.notFound,
      max32AllocSize: this.max32,
      cachedPfnLo: this.cached,
      cached32PfnLo: this.cached32,
      onlineCpus: this.onlineCount,
    };
  }

  /** Ranges in the tree, excluding the anchor (O(1)). */
  get rangeCount(): number {
    return this.tree.count - (this.pend.lo < 0 ? 1 : 2);
  }

  /** pfn_lo of cached_node and cached32_node (ANCHOR_PFN = the anchor): where the next search starts. */
  cachedNodes(): { cachedPfnLo: number; cached32PfnLo: number } {
    return { cachedPfnLo: this.cached, cached32PfnLo: this.cached32 };
  }

  /** Magazines and depots per bucket (copies). */
  rcacheSnapshot(): RcacheSnapshot[] {
    return this.rcaches.map((rc) => ({
      bucket: rc.bucket,
      cpus: rc.cpus.map((c) => ({ loaded: magPfns(c.loaded), prev: magPfns(c.prev) })),
      depot: rc.depot.map(magPfns),
      ...(rc.workPending ? { workDueMs: rc.workDueMs } : {}),
    }));
  }

  /** Internal consistency check (tests): undefined when the tree is sound. */
  checkInvariants(): string | undefined {
    const bad = checkTree(this.tree);
    if (bad !== undefined) return bad;
    const p = this.pend;
    if (p.lo < 0) return undefined;
    const t = this.tree;
    if (!t.seekContaining(p.lo) || t.curLo() !== p.lo || t.curHi() !== p.hi) return `pending free [${p.lo}, ${p.hi}] is not in the tree`;
    if (t.curGapLo() !== p.gapLo || t.nextLo() !== p.next) return `pending free [${p.lo}, ${p.hi}]: neighbours changed`;
    if (this.cached === p.lo || this.cached32 === p.lo) return `pending free [${p.lo}, ${p.hi}] is a cached node`;
    return undefined;
  }

  // ------------------------------------------------------------ internals

  /** The range under the tree cursor. */
  private rangeAtCursor(): IovaRange {
    const t = this.tree;
    return t.curFlags() & NODE_RESERVED
      ? { pfnLo: t.curLo(), pfnHi: t.curHi(), reserved: true }
      : { pfnLo: t.curLo(), pfnHi: t.curHi() };
  }

  /**
   * iova.c __alloc_and_insert_iova_range (+ __cached_rbnode_insert_update). Returns the
   * new range's pfn_lo (the tree cursor is on it) or -1.
   */
  private allocRange(size: number, limitExcl: number, sizeAligned: boolean): number {
    // align_mask = ~0UL << fls_long(size - 1): alignment 2^k; k = -1 marks "no alignment".
    const k = sizeAligned ? fls(size - 1) : -1;
    const is32 = limitExcl <= this.dma32Pfn;
    if (is32 && size >= this.max32) return -1; // iova32_full fast-fail
    const start = is32 ? this.cached32 : this.cached;
    let pfn = SETTLE;
    if (this.pend.lo >= 0) {
      pfn = allocBesidePending(this.tree, this.pend, start, limitExcl, size, k, this.startPfn);
      if (pfn === SETTLE) this.settle();
    }
    if (pfn === SETTLE) {
      pfn = this.searchAndInsert(start, limitExcl, size, k);
      if (pfn < 0) {
        this.max32 = size; // set on any failure, consulted only for 32-bit limits
        return -1;
      }
    }
    // iova.c __cached_rbnode_insert_update
    if (pfn + size - 1 < this.dma32Pfn) this.cached32 = pfn;
    else this.cached = pfn;
    return pfn;
  }

  /** Both passes of the search from the start node, then the insertion; the new pfn_lo or -1. */
  private searchAndInsert(start: number, limitExcl: number, size: number, k: number): number {
    const t = this.tree;
    t.seekContaining(start);
    const retryPfn = t.curHi();
    let pfn = searchPass(t, limitExcl, size, k, this.startPfn);
    if (pfn < 0 && retryPfn < limitExcl) {
      // Retry once above the original cached node, from the node at the limit
      // (iova_find_limit; the anchor for 64-bit limits — equivalent, see search.ts).
      t.seekHiAtLeast(limitExcl);
      pfn = searchPass(t, limitExcl, size, k, retryPfn + 1);
    }
    if (pfn >= 0) t.insertBeforeCursor(pfn, pfn + size - 1, 0);
    return pfn;
  }

  /** free_iova's tree part; the removal itself waits for the next call (pending-free.ts). */
  private freePfn(pfn: number): void {
    this.settle();
    const t = this.tree;
    if (!t.seekContaining(pfn) || t.curLo() === ANCHOR_PFN) return;
    const p = this.pend;
    p.lo = t.curLo();
    p.hi = t.curHi();
    p.gapLo = t.curGapLo();
    p.next = this.cachedDeleteUpdate(p.lo, p.hi);
  }

  /** Carry out the pending removal, if any. */
  private settle(): void {
    const p = this.pend;
    if (p.lo < 0) return;
    const t = this.tree;
    t.seekContaining(p.lo);
    t.removeAtCursor();
    p.lo = -1;
  }

  /**
   * iova.c __cached_rbnode_delete_update for the range under the tree cursor, about to be
   * removed; returns the lo of its successor (rb_next: never NIL, the anchor is above).
   */
  private cachedDeleteUpdate(lo: number, hi: number): number {
    const next = this.tree.nextLo();
    if (lo === this.cached32 || (hi < this.dma32Pfn && lo >= this.cached32)) this.cached32 = next;
    if (lo < this.dma32Pfn) this.max32 = this.dma32Pfn;
    if (lo >= this.cached) this.cached = next;
    return next;
  }

  /** iova.c remove_iova on the range under the tree cursor: __cached_rbnode_delete_update, then rb_erase. */
  private removeAtCursor(): void {
    const t = this.tree;
    this.cachedDeleteUpdate(t.curLo(), t.curHi());
    t.removeAtCursor();
  }

  /** iova.c iova_rcache_get / __iova_rcache_get / iova_magazine_pop. */
  private rcacheGet(size: number, limitExcl: number, cpu: number): number {
    const b = orderBase2(size);
    if (b >= IOVA_RANGE_CACHE_MAX_SIZE) {
      this.bypass++;
      return 0;
    }
    const rc = this.rcaches[b]!;
    const cr = rc.cpus[cpu]!;
    if (cr.loaded.size === 0) {
      if (cr.prev.size !== 0) cr.swap();
      else if (rc.depot.length > 0) cr.loaded = rc.depot.pop()!; // the empty loaded is freed
      else {
        this.misses++;
        return 0;
      }
    }
    // limit_pfn - size in unsigned long: wraps to a huge bound when limit < size.
    const maxPfn = limitExcl >= size ? limitExcl - size : Infinity;
    const pfn = cr.loaded.pop(maxPfn);
    if (pfn === 0) this.misses++;
    else this.hits++;
    return pfn;
  }

  /** iova.c iova_rcache_insert / __iova_rcache_insert. */
  private rcacheInsert(pfn: number, size: number, cpu: number): boolean {
    const b = orderBase2(size);
    if (b >= IOVA_RANGE_CACHE_MAX_SIZE) return false;
    const rc = this.rcaches[b]!;
    const cr = rc.cpus[cpu]!;
    if (!cr.loaded.full()) {
      cr.loaded.push(pfn);
      return true;
    }
    if (!cr.prev.full()) {
      cr.swap();
      cr.loaded.push(pfn);
      return true;
    }
    let toFree: Magazine | undefined;
    if (this.profile.depot === 'list-trim') {
      rc.depot.push(cr.loaded); // iova_depot_push
      this.scheduleWork(rc, this.clock.now() + IOVA_DEPOT_DELAY_MS);
    } else if (rc.depot.length < MAX_GLOBAL_MAGS) {
      rc.depot.push(cr.loaded);
    } else {
      toFree = cr.loaded; // depot full (≤ 6.6): this magazine goes back to the tree
      this.depotFull++;
    }
    cr.loaded = new Magazine();
    cr.loaded.push(pfn);
    if (toFree) this.freeMagazinePfns(toFree);
    return true;
  }

  /** iova.c iova_magazine_free_pfns */
  private freeMagazinePfns(mag: Magazine): void {
    this.settle();
    for (let i = 0; i < mag.size; i++) {
      const t = this.tree;
      if (!t.seekContaining(mag.pfns[i]!) || t.curLo() === ANCHOR_PFN) {
        this.notFound++; // WARN_ON(!iova)
        continue;
      }
      this.removeAtCursor();
    }
    mag.size = 0;
  }

  /** iova.c free_cpu_cached_iovas */
  private freeCpuCachedIovas(cpu: number): void {
    for (const rc of this.rcaches) {
      const cr = rc.cpus[cpu]!;
      this.freeMagazinePfns(cr.loaded);
      this.freeMagazinePfns(cr.prev);
    }
  }

  /** alloc_iova_fast's flush: free_cpu_cached_iovas for each online CPU, then free_global_cached_iovas. */
  private flushAllCaches(): void {
    for (let c = 0; c < this.cpus; c++) if (this.online[c]) this.freeCpuCachedIovas(c);
    for (const rc of this.rcaches) {
      if (this.profile.depot === 'list-trim') {
        // 6.7+: pop from the list head, newest first
        while (rc.depot.length > 0) this.freeMagazinePfns(rc.depot.pop()!);
      } else {
        // ≤ 6.6: depot[0..depot_size-1], oldest first
        for (const m of rc.depot) this.freeMagazinePfns(m);
        rc.depot.length = 0;
      }
    }
  }

  /** schedule_delayed_work: a no-op while the work is already pending. */
  private scheduleWork(rc: Rcache, dueMs: number): void {
    if (rc.workPending) return;
    rc.workPending = true;
    rc.workDueMs = dueMs;
    if (dueMs < this.nextDueMs) this.nextDueMs = dueMs;
  }

  private catchUp(): void {
    if (this.nextDueMs === Infinity) return;
    const now = this.clock.now();
    if (this.nextDueMs > now) return;
    for (;;) {
      let due: Rcache | undefined;
      for (const rc of this.rcaches) {
        if (rc.workPending && rc.workDueMs <= now && (!due || rc.workDueMs < due.workDueMs)) due = rc;
      }
      if (!due) break;
      due.workPending = false;
      // iova.c iova_depot_work_func, running at its due time
      if (due.depot.length > this.onlineCount) {
        this.trims++;
        this.freeMagazinePfns(due.depot.pop()!);
        this.scheduleWork(due, due.workDueMs + IOVA_DEPOT_DELAY_MS);
      }
    }
    this.nextDueMs = Infinity;
    for (const rc of this.rcaches) if (rc.workPending && rc.workDueMs < this.nextDueMs) this.nextDueMs = rc.workDueMs;
  }

  private fail(code: IovaErrorCode, message: string): void {
    this.lastError = new IovaError(code, message);
  }

  private checkSizeLimit(size: number, limitPfn: number): boolean {
    this.lastError = undefined;
    if (!isCount(size) || size === 0 || !isCount(limitPfn)) {
      this.fail('IOVA_BAD_ARG', `size ${String(size)} / limit ${String(limitPfn)}: need integers, size >= 1`);
      return false;
    }
    if (size > MAX_PFN || limitPfn > MAX_PFN) {
      this.fail(
        'IOVA_PFN_RANGE',
        `size/limit above ${MAX_PFN}: the model keeps pfns below 2^53; clamp the limit (e.g. to the aperture) first`,
      );
      return false;
    }
    return true;
  }

  private checkPfn(pfn: number): boolean {
    this.lastError = undefined;
    if (!isCount(pfn)) {
      this.fail('IOVA_BAD_ARG', `pfn ${String(pfn)}: need a non-negative integer`);
      return false;
    }
    if (pfn > MAX_PFN) {
      this.fail('IOVA_PFN_RANGE', `pfn ${pfn} is above ${MAX_PFN}`);
      return false;
    }
    return true;
  }

  private checkCpu(cpu: number): boolean {
    if (!isCount(cpu) || cpu >= this.cpus) {
      this.fail('IOVA_CPU_RANGE', `cpu ${String(cpu)}: CPUs are 0..${this.cpus - 1}`);
      return false;
    }
    if (!this.online[cpu]) {
      this.fail('IOVA_CPU_OFFLINE', `cpu ${cpu} is offline; use an online CPU or onlineCpu(${cpu})`);
      return false;
    }
    return true;
  }
}

function magPfns(m: Magazine): number[] {
  return Array.from(m.pfns.subarray(0, m.size));
}
