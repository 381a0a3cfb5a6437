import { describe, expect, it } from 'vitest';
import { alignDown } from './bits.js';
import { IovaTree, NIL } from './tree.js';
import { XorShift32 } from './testing/xorshift.js';

/** Linear reference for highestFitBelow: walk every node below the bound from the top. */
function linearHighestFit(t: IovaTree, bound: number, size: number, k: number): number {
  const nodes: number[] = [];
  t.forEach((i) => nodes.push(i));
  for (let n = nodes.length - 1; n >= 0; n--) {
    const i = nodes[n]!;
    if (t.lo(i) >= bound) continue;
    const g0 = t.gapLo(i);
    const g1 = t.lo(i);
    if (g1 < size) continue;
    const a = alignDown(g1 - size, k < 0 ? 1 : 2 ** k);
    if (a >= g0) return i;
  }
  return NIL;
}

describe('IovaTree (augmented AVL)', () => {
  it('keeps order, gaps, aggregates and balance through random inserts and removals', () => {
    for (const base of [0, 2 ** 40, 2 ** 52]) {
      const rng = new XorShift32(base + 7);
      const t = new IovaTree(4);
      t.insert(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0);
      const live: number[] = [];
      for (let step = 0; step < 3000; step++) {
        if (live.length > 0 && rng.chance(0.45)) {
          const j = rng.int(live.length);
          t.remove(live[j]!);
          live[j] = live[live.length - 1]!;
          live.pop();
        } else {
          const lo = base + rng.int(4000);
          const hi = lo + rng.int(6);
          let clash = false;
          t.forEach((i) => {
            if (lo <= t.hi(i) && hi >= t.lo(i)) clash = true;
          });
          if (!clash) live.push(t.insert(lo, hi, 0));
        }
        if (step % 97 === 0) expect(t.check()).toBeUndefined();
      }
      expect(t.check()).toBeUndefined();
      expect(t.count).toBe(live.length + 1);
    }
  });

  it('highestFitBelow finds exactly what a linear walk finds, for every size and alignment', () => {
    const rng = new XorShift32(99);
    const t = new IovaTree();
    t.insert(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0);
    let lo = 3;
    for (let n = 0; n < 400; n++) {
      const len = rng.range(1, 40);
      t.insert(lo, lo + len - 1, 0);
      lo += len + rng.pick([0, 0, 1, 2, 3, 5, 7, 8, 13, 16, 31, 33, 64, 100]);
    }
    expect(t.check()).toBeUndefined();
    for (let q = 0; q < 3000; q++) {
      const size = rng.range(1, 130);
      const aligned = rng.chance(0.8);
      const k = aligned ? Math.ceil(Math.log2(size)) : -1;
      const bound = rng.chance(0.1) ? Number.MAX_SAFE_INTEGER : rng.range(0, lo + 10);
      expect(t.highestFitBelow(bound, size, k)).toBe(linearHighestFit(t, bound, size, k));
    }
  });

  it('finds ranges by any pfn inside them and walks neighbours', () => {
    const t = new IovaTree();
    const anchor = t.insert(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0);
    const a = t.insert(10, 19, 0);
    const b = t.insert(40, 40, 0);
    expect(t.findContaining(15)).toBe(a);
    expect(t.findContaining(20)).toBe(NIL);
    expect(t.succ(a)).toBe(b);
    expect(t.pred(b)).toBe(a);
    expect(t.succ(b)).toBe(anchor);
    expect(t.lowestHiAtLeast(20)).toBe(b);
    expect(t.lowestHiAtLeast(19)).toBe(a);
    expect(t.gapLo(b)).toBe(20);
  });
});
