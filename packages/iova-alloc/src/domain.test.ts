import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { ANCHOR_PFN, IOVA_MAG_SIZE } from './constants.js';
import { IovaDomain } from './domain.js';
import { IovaError } from './errors.js';
import { iovaProfiles } from './profile.js';

const L32 = 0xfffff;
const dom = (extra: Partial<ConstructorParameters<typeof IovaDomain>[0]> = {}): IovaDomain =>
  new IovaDomain({ granule: 4096, startPfn: 1, ...extra });

describe('__alloc_and_insert_iova_range', () => {
  it('init: dma_32bit_pfn = 1 << (32 - shift), max32 starts there, cached nodes on the anchor', () => {
    const d = dom();
    expect(d.shift).toBe(12);
    expect(d.dma32Pfn).toBe(0x100000);
    expect(d.max32AllocSize).toBe(0x100000);
    expect(d.cachedNodes()).toEqual({ cachedPfnLo: ANCHOR_PFN, cached32PfnLo: ANCHOR_PFN });
    expect(new IovaDomain({ granule: 65536, startPfn: 1 }).dma32Pfn).toBe(0x10000);
  });

  it('aligns to the next power of two only when size_aligned', () => {
    const d = dom();
    expect(d.allocIova(3, L32, true)).toEqual({ pfnLo: 0xffffc, pfnHi: 0xffffe });
    expect(d.allocIova(3, L32, false)).toEqual({ pfnLo: 0xffff9, pfnHi: 0xffffb });
  });

  it('retries once above the original cached node when nothing fits below it', () => {
    const d = dom();
    d.reserveIova(1, 0x7fffe);
    expect(d.allocIova(1, L32, true)).toEqual({ pfnLo: 0xfffff, pfnHi: 0xfffff });
    // A lower limit moves cached32 down to 0x7ffff, leaving free space above it.
    expect(d.allocIova(1, 0x7ffff, true)).toEqual({ pfnLo: 0x7ffff, pfnHi: 0x7ffff });
    expect(d.cachedNodes().cached32PfnLo).toBe(0x7ffff);
    // Below 0x7ffff everything is reserved: first pass fails, retry from the limit.
    expect(d.allocIova(1, L32, true)).toEqual({ pfnLo: 0xffffe, pfnHi: 0xffffe });
    expect(d.max32AllocSize).toBe(0x100000);
  });

  it('the retry pass never goes below the original cached node', () => {
    const d = dom();
    d.reserveIova(1, 0x7fff0);
    d.allocIova(1, 0x7ffff, true); // 0x7ffff, cached32
    d.reserveIova(0x80000, L32); // nothing left above it either
    // Free space exists only in [0x7fff1, 0x7fffe], below the cached node: found by pass 1.
    expect(d.allocIova(2, L32, true)).toEqual({ pfnLo: 0x7fffc, pfnHi: 0x7fffd });
  });

  it('fails when high < size (unsigned wrap), sets max32_alloc_size', () => {
    const d = dom();
    expect(d.allocIova(4, 2, true)).toBeUndefined();
    expect(d.max32AllocSize).toBe(4);
    expect(d.lastError).toBeUndefined();
  });

  it('max32_alloc_size is set by a failing 64-bit request too, and reset by any free below 4 GiB', () => {
    const d = dom();
    d.reserveIova(1, 0x100010);
    expect(d.allocIova(8, 0x100010, true)).toBeUndefined();
    expect(d.max32AllocSize).toBe(8);
    const r = d.reserveIova(0x200000, 0x200000)!;
    d.freeIova(r.pfnLo); // pfn_lo above 4 GiB: no reset
    expect(d.max32AllocSize).toBe(8);
    d.freeIova(5); // frees the big reservation (pfn_lo 1 < 0x100000): reset
    expect(d.max32AllocSize).toBe(0x100000);
  });

  it('a freed node above cached32 moves cached32 to its successor (delete update)', () => {
    const d = dom();
    const a = d.allocIova(1, L32, true)!;
    d.allocIova(1, L32, true); // 0xffffe, cached32
    d.freeIova(a.pfnLo);
    expect(d.cachedNodes().cached32PfnLo).toBe(ANCHOR_PFN);
    // So the next request sees the gap at the top again.
    expect(d.allocIova(1, L32, true)!.pfnLo).toBe(0xfffff);
  });

  it('64-bit requests use cached_node and leave cached32 alone', () => {
    const d = dom();
    const top = 2 ** 36 - 1;
    expect(d.allocIova(16, top, true)!.pfnLo).toBe(2 ** 36 - 16);
    expect(d.cachedNodes()).toEqual({ cachedPfnLo: 2 ** 36 - 16, cached32PfnLo: ANCHOR_PFN });
  });

  it('handles pfns near 2^52 exactly (no 32-bit bitwise truncation)', () => {
    const d = dom();
    const top = 2 ** 52 - 1;
    expect(d.allocIova(33, top, true)).toEqual({ pfnLo: 2 ** 52 - 64, pfnHi: 2 ** 52 - 64 + 32 });
    expect(d.allocIova(1, top, true)!.pfnLo).toBe(2 ** 52 - 65);
  });
});

describe('free_iova / find_iova / reserve_iova', () => {
  it('find and free accept any pfn inside a range; unknown pfns are ignored', () => {
    const d = dom();
    const r = d.allocIova(8, L32, true)!;
    expect(d.findIova(r.pfnLo + 5)).toEqual(r);
    expect(d.findIova(5)).toBeUndefined();
    d.freeIova(12345);
    expect(d.ranges()).toEqual([r]);
    d.freeIova(r.pfnHi);
    expect(d.ranges()).toEqual([]);
  });

  it('merges overlapping reservations the way __adjust_overlap_range does', () => {
    const d = dom();
    expect(d.reserveIova(10, 20)).toEqual({ pfnLo: 10, pfnHi: 20, reserved: true });
    // Extends past the end: the tail becomes a new node.
    expect(d.reserveIova(15, 30)).toEqual({ pfnLo: 21, pfnHi: 30, reserved: true });
    // Starts below a node and ends inside it: that node grows down and is returned.
    expect(d.reserveIova(5, 12)).toEqual({ pfnLo: 5, pfnHi: 20, reserved: true });
    // Spans everything: first node grows down to 0, the rest continue above the last one.
    expect(d.reserveIova(0, 40)).toEqual({ pfnLo: 31, pfnHi: 40, reserved: true });
    expect(d.ranges()).toEqual([
      { pfnLo: 0, pfnHi: 20, reserved: true },
      { pfnLo: 21, pfnHi: 30, reserved: true },
      { pfnLo: 31, pfnHi: 40, reserved: true },
    ]);
  });

  it('a reservation over an allocation grows that node (freeing it frees the whole)', () => {
    const d = dom();
    const r = d.allocIova(4, L32, true)!; // 0xffffc..0xfffff
    expect(d.reserveIova(0xffff0, 0xffffd)).toEqual({ pfnLo: 0xffff0, pfnHi: 0xfffff, reserved: true });
    d.freeIova(r.pfnLo);
    expect(d.ranges()).toEqual([]);
  });

  it('rejects nonsensical pfns with an error value', () => {
    const d = dom();
    expect(d.reserveIova(0, 2 ** 52)).toBeUndefined();
    expect(d.lastError?.code).toBe('IOVA_PFN_RANGE');
    expect(d.reserveIova(9, 3)).toBeUndefined();
    expect(d.lastError?.code).toBe('IOVA_BAD_ARG');
    expect(d.reserveIova(0, 2 ** 52 - 1)).toEqual({ pfnLo: 0, pfnHi: 2 ** 52 - 1, reserved: true });
    expect(d.lastError).toBeUndefined();
  });
});

describe('a free waits in the tree for the next allocation (pending-free.ts)', () => {
  const sizes1 = (d: IovaDomain, n: number): number[] => Array.from({ length: n }, () => d.allocIova(1, L32, true)!.pfnLo);

  it('is invisible: count, find, double free, ranges and the invariant check see it freed', () => {
    const d = dom();
    sizes1(d, 5); // 0xfffff .. 0xffffb
    d.freeIova(0xffffd);
    expect(d.rangeCount).toBe(4);
    expect(d.checkInvariants()).toBeUndefined(); // checks the pending record against the tree
    expect(d.findIova(0xffffd)).toBeUndefined();
    d.freeIova(0xffffd); // free_iova of an unknown pfn: a no-op
    expect(d.ranges().map((r) => r.pfnLo)).toEqual([0xffffb, 0xffffc, 0xffffe, 0xfffff]);
    expect(d.stats().liveRanges).toBe(4);
  });

  it('the hole above cached32: the delete update moved cached32 to the successor, whose gap it is', () => {
    const d = dom();
    sizes1(d, 10); // cached32 = 0xffff6
    d.freeIova(0xffffb);
    expect(d.cachedNodes().cached32PfnLo).toBe(0xffffc);
    expect(d.allocIova(1, L32, true)).toEqual({ pfnLo: 0xffffb, pfnHi: 0xffffb });
    expect(d.cachedNodes().cached32PfnLo).toBe(0xffffb);
    expect(d.checkInvariants()).toBeUndefined();
  });

  it('the hole below cached32: the walk from cached32 reaches it first', () => {
    const d = dom();
    sizes1(d, 10);
    d.freeIova(0xffffb);
    d.allocIova(1, L32, true); // cached32 = 0xffffb
    d.freeIova(0xffff8);
    expect(d.cachedNodes().cached32PfnLo).toBe(0xffffb);
    expect(d.allocIova(1, L32, true)).toEqual({ pfnLo: 0xffff8, pfnHi: 0xffff8 });
    expect(d.rangeCount).toBe(10);
  });

  it('a smaller request takes the top of the hole and leaves the rest free; a bigger one goes below', () => {
    const d = dom();
    for (let i = 0; i < 3; i++) d.allocIova(4, L32, true); // [0xffff4..7] [0xffff8..b] [0xffffc..f]
    d.freeIova(0xffff9);
    expect(d.allocIova(2, L32, true)).toEqual({ pfnLo: 0xffffa, pfnHi: 0xffffb });
    expect(d.stats().freePages32).toBe(0xffff4 - 1 + 2);
    expect(d.allocIova(2, L32, true)).toEqual({ pfnLo: 0xffff8, pfnHi: 0xffff9 });

    const e = dom();
    for (let i = 0; i < 3; i++) e.allocIova(4, L32, true);
    e.freeIova(0xffff8);
    // 8 aligned to 8 does not fit in [0xffff8, 0xffffc): the next gap down, below 0xffff4.
    expect(e.allocIova(8, L32, true)).toEqual({ pfnLo: 0xfffe8, pfnHi: 0xfffef });
    expect(e.ranges().map((r) => [r.pfnLo, r.pfnHi])).toEqual([
      [0xfffe8, 0xfffef],
      [0xffff4, 0xffff7],
      [0xffffc, 0xfffff],
    ]);
  });

  it('any other call carries the removal out first: a reservation over the hole is a new node', () => {
    const d = dom();
    for (let i = 0; i < 3; i++) d.allocIova(4, L32, true);
    d.freeIova(0xffff8);
    expect(d.reserveIova(0xffff8, 0xffff9)).toEqual({ pfnLo: 0xffff8, pfnHi: 0xffff9, reserved: true });
    expect(d.checkInvariants()).toBeUndefined();
    expect(d.allocIova(2, L32, true)).toEqual({ pfnLo: 0xffffa, pfnHi: 0xffffb });
  });
});

describe('rcache', () => {
  it('swaps loaded and prev: the 128th free goes into a fresh magazine after the swap', () => {
    const d = dom();
    const pfns = Array.from({ length: 128 }, () => d.allocIovaFast(1, L32, true));
    for (const p of pfns) d.freeIovaFast(p, 1);
    const b0 = d.rcacheSnapshot()[0]!.cpus[0]!;
    expect(b0.prev).toHaveLength(IOVA_MAG_SIZE);
    expect(b0.loaded).toEqual([pfns[127]]);
    expect(d.allocIovaFast(1, L32, true)).toBe(pfns[127]);
    // loaded is empty now: the next get swaps prev in and pops its last pfn
    expect(d.allocIovaFast(1, L32, true)).toBe(pfns[126]);
    expect(d.stats().rcacheHits).toBe(2);
  });

  it('pops the highest-index pfn under the limit and fills the hole with the last one', () => {
    const d = dom();
    // Decreasing limits: each search starts at the node at its limit.
    const c = d.allocIovaFast(1, 0x300, true);
    const b = d.allocIovaFast(1, 0x200, true);
    const a = d.allocIovaFast(1, 0x100, true);
    expect([a, b, c]).toEqual([0x100, 0x200, 0x300]);
    for (const p of [0x300, 0x100, 0x200]) d.freeIovaFast(p, 1);
    expect(d.allocIovaFast(1, 0x1ff, true)).toBe(0x100);
    expect(d.rcacheSnapshot()[0]!.cpus[0]!.loaded).toEqual([0x300, 0x200]);
    // Nothing suitable in loaded: a miss (prev is not consulted), served by the tree.
    expect(d.allocIovaFast(1, 0xff, true)).toBe(0xff);
    expect(d.stats().rcacheMisses).toBe(4); // 3 empty lookups at first + this one
  });

  it('a limit below the size makes limit_pfn - size wrap: any cached pfn is accepted', () => {
    const d = dom();
    const p = d.allocIovaFast(2, L32, true);
    d.freeIovaFast(p, 2);
    expect(d.allocIovaFast(2, 0, true)).toBe(p);
  });

  it('sizes above 32 granules bypass the rcache both ways; 3 granules cache in the 4-granule bucket', () => {
    const d = dom();
    const big = d.allocIovaFast(33, L32, true);
    d.freeIovaFast(big, 33);
    expect(d.findIova(big)).toBeUndefined();
    const three = d.allocIovaFast(3, L32, true);
    expect(d.findIova(three)).toEqual({ pfnLo: three, pfnHi: three + 3 }); // rounded to 4
    d.freeIovaFast(three, 3);
    expect(d.rcacheSnapshot()[2]!.cpus[0]!.loaded).toEqual([three]);
    expect(d.stats().rcacheBypass).toBe(1);
  });

  it('flush_rcache: on tree failure every cached pfn goes back and the tree is retried once', () => {
    const d = dom();
    d.reserveIova(1, 0xfffef); // 16 free pages at the top
    const ps = Array.from({ length: 16 }, () => d.allocIovaFast(1, L32, true));
    expect(ps.includes(0)).toBe(false);
    for (const p of ps) d.freeIovaFast(p, 1);
    expect(d.allocIovaFast(2, L32, false)).toBe(0);
    expect(d.stats().cachedPfns).toBe(16);
    expect(d.allocIovaFast(2, L32, true)).toBe(0xffffe);
    const s = d.stats();
    expect(s.cachedPfns).toBe(0);
    expect(s.rcacheFlushes).toBe(1);
  });

  it('per-CPU magazines: a CPU going offline returns its pfns to the tree', () => {
    const d = dom({ cpus: 2 });
    const p = d.allocIovaFast(1, L32, true, 1);
    d.freeIovaFast(p, 1, 1);
    expect(d.allocIovaFast(1, L32, true, 0)).not.toBe(p); // CPU 0 does not see CPU 1's cache
    expect(d.findIova(p)).toBeDefined();
    d.offlineCpu(1);
    expect(d.findIova(p)).toBeUndefined();
    expect(d.stats().onlineCpus).toBe(1);
    expect(d.allocIovaFast(1, L32, true, 1)).toBe(0);
    expect(d.lastError?.code).toBe('IOVA_CPU_OFFLINE');
    d.offlineCpu(0);
    expect(d.lastError?.code).toBe('IOVA_LAST_CPU');
    d.allocIovaFast(1, L32, true, 2);
    expect(d.lastError?.code).toBe('IOVA_CPU_RANGE');
    d.onlineCpu(1);
    expect(d.stats().onlineCpus).toBe(2);
  });
});

describe('depot (6.7+ list with 100 ms trim; 6.1 fixed 32-slot array)', () => {
  /**
   * Allocate and free n one-granule ranges on CPU 0. Free #128 swaps, #255 pushes the
   * loaded magazine (frees #128..#254), and every 127 frees after that push another:
   * p pushes need n = 128 + 127 p.
   */
  const fill = (d: IovaDomain, n: number): number[] => {
    const ps = Array.from({ length: n }, () => d.allocIovaFast(1, L32, true));
    for (const p of ps) d.freeIovaFast(p, 1);
    return ps;
  };

  it('pushes the full loaded magazine and trims one per 100 ms while depot > online CPUs', () => {
    const clock = new ManualClock(1000);
    const d = dom({ clock });
    const ps = fill(d, 128 + 127 * 2); // two pushes
    expect(d.stats().depotSizes[0]).toBe(2);
    expect(d.rcacheSnapshot()[0]!.workDueMs).toBe(1100);
    // The magazines hold frees #128..#254 and #255..#381 (1-based), in push order.
    expect(d.rcacheSnapshot()[0]!.depot).toEqual([ps.slice(127, 254), ps.slice(254, 381)]);
    clock.advance(99);
    d.tick();
    expect(d.stats().depotSizes[0]).toBe(2);
    clock.advance(1);
    d.tick();
    // One magazine (the newest) went back to the tree; the work re-armed for 1200.
    const s = d.stats();
    expect(s.depotSizes[0]).toBe(1);
    expect(s.depotTrims).toBe(1);
    expect(d.findIova(ps[300]!)).toBeUndefined();
    expect(d.findIova(ps[200]!)).toBeDefined();
    expect(d.rcacheSnapshot()[0]!.workDueMs).toBe(1200);
    clock.advance(100);
    d.tick();
    expect(d.stats().depotSizes[0]).toBe(1); // 1 is not > 1 online CPU: stops, no re-arm
    expect(d.rcacheSnapshot()[0]!.workDueMs).toBeUndefined();
  });

  it('a long clock jump runs the self-rescheduling chain at its own 100 ms steps', () => {
    const d = dom();
    fill(d, 128 + 127 * 5);
    expect(d.stats().depotSizes[0]).toBe(5);
    d.advanceTime(1000);
    const s = d.stats();
    expect(s.depotSizes[0]).toBe(1);
    expect(s.depotTrims).toBe(4);
  });

  it('a pending work is not pushed back by later depot pushes', () => {
    const clock = new ManualClock();
    const d = dom({ clock });
    fill(d, 128 + 127); // push at t=0
    clock.advance(60);
    fill(d, 127); // another push at t=60: schedule_delayed_work is a no-op
    expect(d.rcacheSnapshot()[0]!.workDueMs).toBe(100);
  });

  it('the depot is consulted only when both magazines are empty, newest first', () => {
    const d = dom();
    const ps = fill(d, 128 + 127 * 2);
    // Drain loaded (1) and prev (127): the 129th get pulls the newest depot magazine.
    for (let i = 0; i < 128; i++) d.allocIovaFast(1, L32, true);
    expect(d.stats().depotSizes[0]).toBe(2);
    expect(d.allocIovaFast(1, L32, true)).toBe(ps[380]);
    expect(d.stats().depotSizes[0]).toBe(1);
    expect(d.rcacheSnapshot()[0]!.cpus[0]!.loaded).toEqual(ps.slice(254, 380));
  });

  it('6.1: no trim work; a full 32-magazine depot sends the loaded magazine back to the tree', () => {
    const d = dom({ profile: iovaProfiles['6.1'] });
    const ps = fill(d, 128 + 127 * 33);
    const s = d.stats();
    expect(s.depotSizes[0]).toBe(32);
    expect(s.depotFullFrees).toBe(1);
    // The 33rd full magazine (frees #4192..#4318) was freed to the tree.
    expect(d.findIova(ps[4191]!)).toBeUndefined();
    expect(d.findIova(ps[4317]!)).toBeUndefined();
    expect(d.findIova(ps[4190]!)).toBeDefined();
    d.advanceTime(10_000);
    expect(d.stats().depotSizes[0]).toBe(32);
    expect(d.rcacheSnapshot()[0]!.workDueMs).toBeUndefined();
  });
});

describe('inputs, errors and statistics', () => {
  it('options are checked: create returns an error value, the constructor throws it', () => {
    const e = IovaDomain.create({ granule: 3000, startPfn: 1 });
    expect(e).toBeInstanceOf(IovaError);
    expect((e as IovaError).code).toBe('IOVA_BAD_OPTIONS');
    expect(() => new IovaDomain({ granule: 4096, startPfn: -1 })).toThrow(IovaError);
    expect(IovaDomain.create({ granule: 4096, startPfn: 1, cpus: 0 })).toBeInstanceOf(IovaError);
    expect(IovaDomain.create({ granule: 4096, startPfn: 1 })).toBeInstanceOf(IovaDomain);
  });

  it('bad call arguments fail like the kernel call and leave a coded lastError', () => {
    const d = dom();
    expect(d.allocIova(0, L32, true)).toBeUndefined();
    expect(d.lastError?.code).toBe('IOVA_BAD_ARG');
    expect(d.allocIovaFast(1.5, L32, true)).toBe(0);
    expect(d.lastError?.code).toBe('IOVA_BAD_ARG');
    expect(d.allocIova(1, 2 ** 53 - 1, true)).toBeUndefined();
    expect(d.lastError?.code).toBe('IOVA_PFN_RANGE');
    d.freeIovaFast(5, 0);
    expect(d.lastError?.code).toBe('IOVA_BAD_ARG');
    expect(d.allocIova(1, L32, true)).toBeDefined();
    expect(d.lastError).toBeUndefined();
    d.advanceTime(-5);
    expect(d.lastError?.code).toBe('IOVA_BAD_ARG');
    const ext = dom({ clock: new ManualClock() });
    ext.advanceTime(10);
    expect(ext.lastError?.code).toBe('IOVA_CLOCK_EXTERNAL');
  });

  it('stats: free space, largest gap and fragmentation over the 32-bit zone and overall', () => {
    const d = dom({ topPfn: 0x1fffff });
    let s = d.stats();
    expect(s.freePages32).toBe(0xfffff); // pfns 1..0xfffff
    expect(s.largestFreeGap32).toEqual({ pfnLo: 1, pages: 0xfffff });
    expect(s.fragmentation32).toBe(0);
    d.reserveIova(0x80000, 0x80000); // split the 32-bit zone in two halves
    d.allocIova(1, L32, true);
    s = d.stats();
    expect(s.freePages32).toBe(0xfffff - 2);
    expect(s.largestFreeGap32).toEqual({ pfnLo: 1, pages: 0x7ffff });
    expect(s.fragmentation32).toBeCloseTo(1 - 0x7ffff / (0xfffff - 2), 12);
    expect(s.freePages).toBe(0x1fffff - 2);
    expect(s.largestFreeGap).toEqual({ pfnLo: 0x100000, pages: 0x100000 });
    expect(s.liveRanges).toBe(1);
    expect(s.reservedRanges).toBe(1);
    expect(s.allocatedPages).toBe(1);
  });

  it('ranges() lists allocations and reservations in pfn order without the anchor', () => {
    const d = dom();
    d.allocIova(2, L32, true);
    d.reserveIova(5, 6);
    expect(d.ranges()).toEqual([
      { pfnLo: 5, pfnHi: 6, reserved: true },
      { pfnLo: 0xffffe, pfnHi: 0xfffff },
    ]);
    expect(d.rangeCount).toBe(2);
  });
});
