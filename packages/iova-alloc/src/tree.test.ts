import { describe, expect, it } from 'vitest';
import { alignDown } from './bits.js';
import { gapOrder, gapRoom, summaryFits } from './gap-summary.js';
import { checkTree } from './tree-check.js';
import { IovaTree, NIL } from './tree.js';
import { XorShift32 } from './testing/xorshift.js';

const TOP = Number.MAX_SAFE_INTEGER;

/** A sorted array of [lo, hi] kept beside the tree: the reference for every query. */
class Ref {
  readonly r: [number, number][] = [];
  add(lo: number, hi: number): void {
    let i = 0;
    while (i < this.r.length && this.r[i]![0] < lo) i++;
    this.r.splice(i, 0, [lo, hi]);
  }
  overlaps(lo: number, hi: number): boolean {
    return this.r.some(([a, b]) => lo <= b && hi >= a);
  }
  gapLo(i: number): number {
    return i === 0 ? 0 : this.r[i - 1]![1] + 1;
  }
  /** Highest i with lo < bound whose gap fits (the kernel's linear walk, gap by gap). */
  highestFit(bound: number, size: number, k: number): number {
    for (let i = this.r.length - 1; i >= 0; i--) {
      const lo = this.r[i]![0];
      if (lo >= bound || lo < size) continue;
      if (alignDown(lo - size, k < 0 ? 1 : 2 ** k) >= this.gapLo(i)) return i;
    }
    return -1;
  }
}

/**
 * A 4-slot-node tree (and its Ref) holding the anchor and n ranges: range i starts at
 * base + i * step + rand(jitter) and is up to maxLen + 1 long (rand(maxLen + 1)).
 */
function spacedTree(rng: XorShift32, n: number, base: number, step: number, jitter: number, maxLen: number): { t: IovaTree; ref: Ref } {
  const t = new IovaTree({ leafCap: 4, innerCap: 4 });
  const ref = new Ref();
  t.insert(TOP, TOP, 0);
  ref.add(TOP, TOP);
  for (let i = 0; i < n; i++) {
    const lo = base + i * step + rng.int(jitter);
    const hi = lo + rng.int(maxLen + 1);
    t.insert(lo, hi, 0);
    ref.add(lo, hi);
  }
  return { t, ref };
}

/** Random inserts, removals and lo moves on a tree with small nodes, against Ref. */
function churn(leafCap: number, innerCap: number, seed: number, steps: number, span: number): number {
  const rng = new XorShift32(seed);
  const t = new IovaTree({ leafCap, innerCap });
  const ref = new Ref();
  t.insert(TOP, TOP, 0);
  ref.add(TOP, TOP);
  // Bursts of inserts then bursts of removals make the tree grow deep and shrink again.
  let growing = true;
  let maxHeight = 0;
  for (let step = 0; step < steps; step++) {
    maxHeight = Math.max(maxHeight, t.height);
    if (step % 500 === 0) growing = rng.chance(0.6);
    const live = ref.r.length - 1;
    const op = rng.int(100);
    if (live > 0 && (op < (growing ? 25 : 70))) {
      const [lo] = ref.r[rng.int(live)]!;
      expect(t.seekContaining(lo)).toBe(true);
      const next = t.nextLo();
      const i = ref.r.findIndex(([a]) => a === lo);
      expect(next).toBe(ref.r[i + 1]![0]);
      t.removeAtCursor();
      ref.r.splice(i, 1);
    } else if (live > 0 && op < (growing ? 30 : 75)) {
      // reserve_iova-style: move a range's lo down into its gap.
      const i = rng.int(live);
      const [lo, hi] = ref.r[i]!;
      const g0 = ref.gapLo(i);
      if (g0 < lo) {
        const nlo = lo - 1 - rng.int(lo - g0);
        expect(t.seekContaining(hi)).toBe(true);
        t.setCurLo(nlo);
        ref.r[i] = [nlo, hi];
      }
    } else {
      const lo = rng.int(span);
      const hi = lo + rng.pick([0, 0, 1, 3, 7, 20]);
      if (!ref.overlaps(lo, hi)) {
        t.insert(lo, hi, rng.chance(0.1) ? 1 : 0);
        expect(t.curLo()).toBe(lo);
        ref.add(lo, hi);
      }
    }
    if (step % 53 === 0) expect(checkTree(t)).toBeUndefined();
    if (step % 7 === 0) {
      // Queries: containment, lowest hi >= x, and the fit search from a random node.
      const x = rng.int(span + 10);
      const i = ref.r.findIndex(([a, b]) => a <= x && x <= b);
      expect(t.seekContaining(x)).toBe(i >= 0);
      if (i >= 0) expect(t.curLo()).toBe(ref.r[i]![0]);
      const h = ref.r.findIndex(([, b]) => b >= x);
      expect(t.seekHiAtLeast(x)).toBe(true);
      expect(t.curLo()).toBe(ref.r[h]![0]);
      const size = rng.pick([1, 1, 2, 3, 4, 5, 8, 13, 16, 30]);
      const k = rng.chance(0.8) ? Math.ceil(Math.log2(size)) : -1;
      const want = ref.highestFit(t.curLo(), size, k);
      const got = t.highestFitBelowCursor(size, k);
      expect(got).toBe(want >= 0);
      if (got) {
        expect(t.curLo()).toBe(ref.r[want]![0]);
        expect(t.curGapLo()).toBe(ref.gapLo(want));
      }
    }
  }
  expect(checkTree(t)).toBeUndefined();
  expect(t.count).toBe(ref.r.length);
  const all: number[][] = [];
  t.forEach((lo, hi) => all.push([lo, hi]));
  expect(all).toEqual(ref.r);
  return maxHeight;
}

describe('gap summaries (gap-summary.ts)', () => {
  it('summaryFits of one gap equals the direct alignment test, for every small gap', () => {
    const wrong: string[] = [];
    let fits = 0;
    for (let g0 = 0; g0 < 70; g0++) {
      for (let g1 = g0; g1 < g0 + 70; g1++) {
        const j = gapOrder(g0, g1);
        const r = gapRoom(g0, g1, j);
        for (let size = 1; size <= 66; size++) {
          for (const k of [-1, Math.ceil(Math.log2(size))]) {
            const direct = g1 >= size && alignDown(g1 - size, k < 0 ? 1 : 2 ** k) >= g0;
            if (direct) fits++;
            if (summaryFits(g1 - g0, j, r, size, k) !== direct) wrong.push(`[${g0}, ${g1}) size ${size} k ${k}`);
          }
        }
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(fits).toBeGreaterThan(10_000); // both outcomes were exercised
  });

  it('gapOrder is the largest naturally aligned block a gap holds', () => {
    expect(gapOrder(5, 5)).toBe(-1);
    expect(gapOrder(0, 1)).toBe(0);
    expect(gapOrder(1, 3)).toBe(0); // [1, 3) holds no aligned pair
    expect(gapOrder(2, 4)).toBe(1);
    expect(gapOrder(3, 12)).toBe(2); // [4, 8) and [8, 12)
    expect(gapOrder(0, 2 ** 52)).toBe(52);
  });
});

describe('IovaTree (B+-tree with gap summaries)', () => {
  it('agrees with a sorted array through random inserts, removals and lo moves (tiny nodes, deep trees)', () => {
    expect(churn(4, 4, 1, 6000, 3000)).toBeGreaterThanOrEqual(5);
    expect(churn(5, 6, 2, 6000, 2000)).toBeGreaterThanOrEqual(3);
    expect(churn(8, 4, 3, 6000, 5000)).toBeGreaterThanOrEqual(4);
  });

  it('agrees with a sorted array with the default node sizes', () => {
    expect(churn(32, 32, 4, 12_000, 40_000)).toBeGreaterThanOrEqual(1);
  });

  it('keeps top-down runs 3/4 full and shrinks back to a leaf root', () => {
    const t = new IovaTree({ leafCap: 8, innerCap: 8 });
    t.insert(TOP, TOP, 0);
    for (let i = 0; i < 4000; i++) {
      t.seekHiAtLeast(100_000 - i);
      t.insertBeforeCursor(100_000 - i - 1, 100_000 - i - 1, 0);
    }
    expect(checkTree(t)).toBeUndefined();
    let leaves = 0;
    let b = t.root;
    for (let l = t.height; l > 0; l--) b = t.child(b, 0);
    while (b !== NIL) {
      leaves++;
      b = t.nextLeaf(b);
    }
    // Half-full leaves would need 1000; the uneven split keeps them at 6 of 8.
    expect(leaves).toBeLessThan(700);
    for (let i = 0; i < 4000; i++) {
      expect(t.seekContaining(100_000 - i - 1)).toBe(true);
      t.removeAtCursor();
    }
    expect(checkTree(t)).toBeUndefined();
    expect(t.height).toBe(0);
    expect(t.count).toBe(1);
  });

  it('finds ranges by any pfn inside them and walks neighbours', () => {
    const t = new IovaTree();
    t.insert(TOP, TOP, 0);
    t.insert(10, 19, 0);
    t.insert(40, 40, 1);
    expect(t.seekContaining(15)).toBe(true);
    expect([t.curLo(), t.curHi(), t.curFlags(), t.curGapLo()]).toEqual([10, 19, 0, 0]);
    expect(t.nextLo()).toBe(40);
    expect(t.seekContaining(20)).toBe(false);
    expect(t.seekHiAtLeast(20)).toBe(true);
    expect([t.curLo(), t.curFlags(), t.curGapLo()]).toEqual([40, 1, 20]);
    expect(t.stepNext()).toBe(true);
    expect(t.curLo()).toBe(TOP);
    expect(t.stepNext()).toBe(false);
    expect(t.nextLo()).toBe(NIL);
  });

  it('replaceAtCursor rewrites a range in place between its neighbours (4-slot nodes)', () => {
    const rng = new XorShift32(99);
    const { t, ref } = spacedTree(rng, 200, 1000, 50, 20, 10);
    let inPlace = 0;
    let declined = 0;
    for (let step = 0; step < 3000; step++) {
      const i = rng.int(ref.r.length - 1);
      const gapLo = ref.gapLo(i);
      const nextLo = ref.r[i + 1]![0];
      // Anything between the neighbours, the same range now and then.
      const same = rng.chance(0.2);
      const lo = same ? ref.r[i]![0] : rng.range(Math.max(gapLo, 1), nextLo - 1);
      const hi = same ? ref.r[i]![1] : rng.range(lo, nextLo - 1);
      expect(t.seekContaining(ref.r[i]![0])).toBe(true);
      const flags = rng.int(2);
      if (t.replaceAtCursor(lo, hi, flags)) inPlace++;
      else {
        declined++;
        expect(same).toBe(false); // the same range always stays in place
        t.removeAtCursor();
        t.insert(lo, hi, flags);
      }
      ref.r[i] = [lo, hi];
      expect(t.seekContaining(lo)).toBe(true);
      expect([t.curLo(), t.curHi(), t.curFlags()]).toEqual([lo, hi, flags]);
      if (step % 50 === 0) expect(checkTree(t)).toBeUndefined();
    }
    expect(checkTree(t)).toBeUndefined();
    expect(inPlace).toBeGreaterThan(1000);
    expect(declined).toBeGreaterThan(100); // ranges ending a leaf, whose successor opens the next
    // Every summary still answers the fit searches exactly.
    for (let q = 0; q < 300; q++) {
      const size = rng.range(1, 40);
      const k = rng.chance(0.5) ? -1 : Math.ceil(Math.log2(size));
      const i = 1 + rng.int(ref.r.length - 1);
      t.seekContaining(ref.r[i]![0]);
      const want = ref.highestFit(ref.r[i]![0], size, k);
      expect(t.highestFitBelowCursor(size, k) ? t.curLo() : -1).toBe(want < 0 ? -1 : ref.r[want]![0]);
    }
  });

  it('highestFitBelowCursor with a floor stops climbing once every slot left lies below it', () => {
    const rng = new XorShift32(5);
    const { t, ref } = spacedTree(rng, 300, 10, 20, 12, 7);
    for (let q = 0; q < 2000; q++) {
      const size = rng.range(1, 16);
      const k = rng.chance(0.5) ? -1 : Math.ceil(Math.log2(size));
      const i = 1 + rng.int(ref.r.length - 1);
      const floor = ref.r[rng.int(i)]![0];
      t.seekContaining(ref.r[i]![0]);
      const want = ref.highestFit(ref.r[i]![0], size, k);
      const found = t.highestFitBelowCursor(size, k, floor);
      if (want >= 0 && ref.r[want]![0] > floor) {
        // A fit above the floor is always found, and it is the highest.
        expect(found && t.curLo()).toBe(ref.r[want]![0]);
      } else if (found) {
        // Without one, a fit may still be reported, but only the true highest one.
        expect(t.curLo()).toBe(ref.r[want]![0]);
      }
    }
  });

  it('rejects node sizes it cannot balance', () => {
    expect(() => new IovaTree({ leafCap: 3 })).toThrow(RangeError);
    expect(() => new IovaTree({ leafCap: 64 })).toThrow(RangeError);
    expect(() => new IovaTree({ innerCap: 2.5 })).toThrow(RangeError);
  });
});
