import { POW2, alignUp, floorLog2 } from './bits.js';

/** No node. */
export const NIL = -1;

/** Node flag: the range was created or touched by reserve_iova. */
export const NODE_RESERVED = 1;

/**
 * The allocated-range tree: an AVL tree over typed arrays (struct of arrays, node =
 * index), keyed by pfn_lo, holding non-overlapping inclusive ranges [lo, hi]. It stands
 * in for the kernel's rbtree (drivers/iommu/iova.c, `iovad->rbroot`); node indices are
 * stable for a node's lifetime, so the domain keeps its cached nodes as indices.
 *
 * Every node also owns the free gap *below* it: [gapLo, lo), where gapLo is the
 * predecessor's hi + 1 (0 for the lowest node). Each subtree is augmented with:
 * - aggGap: the longest gap in the subtree;
 * - aggJ: the largest order j such that some gap in the subtree holds a naturally
 *   aligned block of 2^j granules (-1 if all gaps are empty);
 * - aggR: over the gaps whose own j equals aggJ, the largest "room" at the next
 *   alignment: gapEnd - alignUp(gapLo, 2^(aggJ+1)).
 * With these, "does this subtree hold a gap that fits `size` at alignment 2^k?" is
 * answered exactly in O(1) (see `subtreeFits`), which makes the top-down search
 * O(log n) instead of the kernel's linear predecessor walk.
 */
export class IovaTree {
  lo: Float64Array;
  hi: Float64Array;
  gapLo: Float64Array;
  selfR: Float64Array;
  aggGap: Float64Array;
  aggR: Float64Array;
  left: Int32Array;
  right: Int32Array;
  parent: Int32Array;
  height: Int8Array;
  selfJ: Int8Array;
  aggJ: Int8Array;
  flags: Uint8Array;
  root = NIL;
  /** Live nodes, anchor included. */
  count = 0;
  private cap: number;
  private nextFresh = 0;
  private readonly recycled: number[] = [];
  private readonly stack = new Int32Array(128);

  constructor(initialCapacity = 64) {
    this.cap = Math.max(4, initialCapacity);
    this.lo = new Float64Array(this.cap);
    this.hi = new Float64Array(this.cap);
    this.gapLo = new Float64Array(this.cap);
    this.selfR = new Float64Array(this.cap);
    this.aggGap = new Float64Array(this.cap);
    this.aggR = new Float64Array(this.cap);
    this.left = new Int32Array(this.cap);
    this.right = new Int32Array(this.cap);
    this.parent = new Int32Array(this.cap);
    this.height = new Int8Array(this.cap);
    this.selfJ = new Int8Array(this.cap);
    this.aggJ = new Int8Array(this.cap);
    this.flags = new Uint8Array(this.cap);
  }

  // ---------------------------------------------------------------- storage

  private grow(): void {
    const n = this.cap * 2;
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array): Int32Array => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const i8 = (a: Int8Array): Int8Array => {
      const b = new Int8Array(n);
      b.set(a);
      return b;
    };
    this.lo = f64(this.lo);
    this.hi = f64(this.hi);
    this.gapLo = f64(this.gapLo);
    this.selfR = f64(this.selfR);
    this.aggGap = f64(this.aggGap);
    this.aggR = f64(this.aggR);
    this.left = i32(this.left);
    this.right = i32(this.right);
    this.parent = i32(this.parent);
    this.height = i8(this.height);
    this.selfJ = i8(this.selfJ);
    this.aggJ = i8(this.aggJ);
    const fl = new Uint8Array(n);
    fl.set(this.flags);
    this.flags = fl;
    this.cap = n;
  }

  private newNode(lo: number, hi: number, flags: number): number {
    let i = this.recycled.pop();
    if (i === undefined) {
      if (this.nextFresh === this.cap) this.grow();
      i = this.nextFresh++;
    }
    this.lo[i] = lo;
    this.hi[i] = hi;
    this.flags[i] = flags;
    this.left[i] = NIL;
    this.right[i] = NIL;
    this.parent[i] = NIL;
    this.height[i] = 1;
    this.count++;
    return i;
  }

  // ---------------------------------------------------------- augmentation

  /** Recompute the node's own gap summary from gapLo and lo. */
  setSelf(i: number): void {
    const g0 = this.gapLo[i]!;
    const g1 = this.lo[i]!;
    const len = g1 - g0;
    if (len <= 0) {
      this.selfJ[i] = -1;
      this.selfR[i] = len; // room at alignment 2^0 is the length itself
      return;
    }
    // The largest aligned block is 2^c or 2^(c-1) where c = floor(log2(len)): a gap of
    // length >= 2^c always holds an aligned 2^(c-1) block.
    const c = floorLog2(len);
    const p = POW2[c]!;
    const j = alignUp(g0, p) + p <= g1 ? c : c - 1;
    this.selfJ[i] = j;
    this.selfR[i] = g1 - alignUp(g0, POW2[j + 1]!);
  }

  /** Recompute height and subtree aggregates of node i from its children. */
  private pull(i: number): void {
    let g = this.lo[i]! - this.gapLo[i]!;
    let j = this.selfJ[i]!;
    let r = this.selfR[i]!;
    let h = 0;
    const l = this.left[i]!;
    if (l !== NIL) {
      const lg = this.aggGap[l]!;
      if (lg > g) g = lg;
      const lj = this.aggJ[l]!;
      if (lj > j) {
        j = lj;
        r = this.aggR[l]!;
      } else if (lj === j && this.aggR[l]! > r) r = this.aggR[l]!;
      h = this.height[l]!;
    }
    const rt = this.right[i]!;
    if (rt !== NIL) {
      const rg = this.aggGap[rt]!;
      if (rg > g) g = rg;
      const rj = this.aggJ[rt]!;
      if (rj > j) {
        j = rj;
        r = this.aggR[rt]!;
      } else if (rj === j && this.aggR[rt]! > r) r = this.aggR[rt]!;
      const rh = this.height[rt]!;
      if (rh > h) h = rh;
    }
    this.aggGap[i] = g;
    this.aggJ[i] = j;
    this.aggR[i] = r;
    this.height[i] = h + 1;
  }

  private h(i: number): number {
    return i === NIL ? 0 : this.height[i]!;
  }

  private replaceChild(p: number, oldC: number, newC: number): void {
    if (p === NIL) this.root = newC;
    else if (this.left[p] === oldC) this.left[p] = newC;
    else this.right[p] = newC;
    if (newC !== NIL) this.parent[newC] = p;
  }

  private rotateLeft(x: number): number {
    const y = this.right[x]!;
    const b = this.left[y]!;
    this.right[x] = b;
    if (b !== NIL) this.parent[b] = x;
    this.replaceChild(this.parent[x]!, x, y);
    this.left[y] = x;
    this.parent[x] = y;
    this.pull(x);
    this.pull(y);
    return y;
  }

  private rotateRight(x: number): number {
    const y = this.left[x]!;
    const b = this.right[y]!;
    this.left[x] = b;
    if (b !== NIL) this.parent[b] = x;
    this.replaceChild(this.parent[x]!, x, y);
    this.right[y] = x;
    this.parent[x] = y;
    this.pull(x);
    this.pull(y);
    return y;
  }

  /** Walk from x to the root: recompute aggregates and restore the AVL balance. */
  private retrace(x: number): void {
    while (x !== NIL) {
      this.pull(x);
      const l = this.left[x]!;
      const r = this.right[x]!;
      const bal = this.h(l) - this.h(r);
      if (bal > 1) {
        if (this.h(this.left[l]!) < this.h(this.right[l]!)) this.rotateLeft(l);
        x = this.rotateRight(x);
      } else if (bal < -1) {
        if (this.h(this.right[r]!) < this.h(this.left[r]!)) this.rotateRight(r);
        x = this.rotateLeft(x);
      }
      x = this.parent[x]!;
    }
  }

  /** Recompute aggregates from i up (no shape change). */
  private pullPath(i: number): void {
    while (i !== NIL) {
      this.pull(i);
      i = this.parent[i]!;
    }
  }

  // ------------------------------------------------------------- mutation

  /**
   * Insert [lo, hi] (must not overlap any node). Links the gap bookkeeping of the new
   * node and of its successor. Returns the node index.
   */
  insert(lo: number, hi: number, flags: number): number {
    let p = NIL;
    let cur = this.root;
    let pred = NIL;
    let succ = NIL;
    let goLeft = false;
    while (cur !== NIL) {
      p = cur;
      if (lo < this.lo[cur]!) {
        succ = cur;
        goLeft = true;
        cur = this.left[cur]!;
      } else {
        pred = cur;
        goLeft = false;
        cur = this.right[cur]!;
      }
    }
    const n = this.newNode(lo, hi, flags);
    this.parent[n] = p;
    if (p === NIL) this.root = n;
    else if (goLeft) this.left[p] = n;
    else this.right[p] = n;
    this.gapLo[n] = pred === NIL ? 0 : this.hi[pred]! + 1;
    this.setSelf(n);
    // The successor is an ancestor of the new leaf, so the retrace below refreshes it.
    if (succ !== NIL) {
      this.gapLo[succ] = hi + 1;
      this.setSelf(succ);
    }
    this.retrace(n);
    return n;
  }

  /** Remove node z (never the anchor: it must have a successor). */
  remove(z: number): void {
    const s = this.succ(z);
    if (s !== NIL) {
      this.gapLo[s] = this.gapLo[z]!;
      this.setSelf(s);
    }
    const l = this.left[z]!;
    const r = this.right[z]!;
    let fixFrom: number;
    if (l === NIL || r === NIL) {
      const child = l !== NIL ? l : r;
      const p = this.parent[z]!;
      this.replaceChild(p, z, child);
      // A lone child in an AVL tree is a leaf; when it is the right child it is also
      // the successor whose gap just changed, so start the retrace there.
      fixFrom = child !== NIL ? child : p;
    } else {
      let y = r;
      while (this.left[y] !== NIL) y = this.left[y]!;
      if (this.parent[y] !== z) {
        const yp = this.parent[y]!;
        this.replaceChild(yp, y, this.right[y]!);
        this.right[y] = r;
        this.parent[r] = y;
        fixFrom = yp;
      } else {
        fixFrom = y;
      }
      this.replaceChild(this.parent[z]!, z, y);
      this.left[y] = l;
      this.parent[l] = y;
    }
    this.retrace(fixFrom);
    this.recycled.push(z);
    this.count--;
  }

  /** Move node i's pfn_lo down (reserve_iova merging); order is unchanged by contract. */
  setLo(i: number, lo: number): void {
    this.lo[i] = lo;
    this.setSelf(i);
    this.pullPath(i);
  }

  // --------------------------------------------------------------- queries

  /** iova.c private_find_iova: the node whose [lo, hi] contains pfn. */
  findContaining(pfn: number): number {
    let cur = this.root;
    while (cur !== NIL) {
      if (pfn < this.lo[cur]!) cur = this.left[cur]!;
      else if (pfn > this.hi[cur]!) cur = this.right[cur]!;
      else return cur;
    }
    return NIL;
  }

  /** The lowest node with hi >= x (a node straddling x, or the first one above it). */
  lowestHiAtLeast(x: number): number {
    let cur = this.root;
    let res = NIL;
    while (cur !== NIL) {
      if (this.hi[cur]! >= x) {
        res = cur;
        cur = this.left[cur]!;
      } else cur = this.right[cur]!;
    }
    return res;
  }

  first(): number {
    let cur = this.root;
    if (cur === NIL) return NIL;
    while (this.left[cur] !== NIL) cur = this.left[cur]!;
    return cur;
  }

  /** rb_next */
  succ(i: number): number {
    let c = this.right[i]!;
    if (c !== NIL) {
      while (this.left[c] !== NIL) c = this.left[c]!;
      return c;
    }
    let p = this.parent[i]!;
    while (p !== NIL && this.right[p] === i) {
      i = p;
      p = this.parent[p]!;
    }
    return p;
  }

  /** rb_prev */
  pred(i: number): number {
    let c = this.left[i]!;
    if (c !== NIL) {
      while (this.right[c] !== NIL) c = this.right[c]!;
      return c;
    }
    let p = this.parent[i]!;
    while (p !== NIL && this.left[p] === i) {
      i = p;
      p = this.parent[p]!;
    }
    return p;
  }

  /**
   * Does node i's own gap [gapLo, lo) fit `size` granules at alignment 2^k?
   * k < 0 means no alignment (fits iff the gap is at least `size` long).
   * For 2^(k-1) < size <= 2^k (what fls(size-1) produces):
   * - a gap holding an aligned 2^k block fits (place at that block);
   * - a fit [p, p+size) with p a multiple of 2^k contains the aligned 2^(k-1) block
   *   [p, p+2^(k-1)), so a gap whose largest aligned block is below 2^(k-1) never fits;
   * - with largest aligned block exactly 2^(k-1), it fits iff the room after the lowest
   *   2^k-aligned position, lo - alignUp(gapLo, 2^k), is at least size (= selfR).
   */
  nodeFits(i: number, size: number, k: number): boolean {
    if (k < 0) return this.lo[i]! - this.gapLo[i]! >= size;
    const j = this.selfJ[i]!;
    return j >= k || (j === k - 1 && this.selfR[i]! >= size);
  }

  /** The same test for "some gap in the subtree rooted at i" (exact, O(1)). */
  subtreeFits(i: number, size: number, k: number): boolean {
    if (k < 0) return this.aggGap[i]! >= size;
    const j = this.aggJ[i]!;
    return j >= k || (j === k - 1 && this.aggR[i]! >= size);
  }

  /**
   * The highest node N with lo[N] < bound whose own gap fits (`nodeFits`), or NIL.
   * O(log n): collect the O(log n) disjoint groups "node + its left subtree" that lie
   * below `bound` along the search path, visit them from the highest down, and descend
   * into the first group whose aggregate says it holds a fit.
   */
  highestFitBelow(bound: number, size: number, k: number): number {
    const st = this.stack;
    let sp = 0;
    let cur = this.root;
    while (cur !== NIL) {
      if (this.lo[cur]! < bound) {
        st[sp++] = cur;
        cur = this.right[cur]!;
      } else cur = this.left[cur]!;
    }
    while (sp > 0) {
      const p = st[--sp]!;
      if (this.nodeFits(p, size, k)) return p;
      const l = this.left[p]!;
      if (l !== NIL && this.subtreeFits(l, size, k)) return this.highestFitIn(l, size, k);
    }
    return NIL;
  }

  /** Highest fitting node inside a subtree known to contain one. */
  private highestFitIn(t: number, size: number, k: number): number {
    for (;;) {
      const r = this.right[t]!;
      if (r !== NIL && this.subtreeFits(r, size, k)) {
        t = r;
        continue;
      }
      if (this.nodeFits(t, size, k)) return t;
      t = this.left[t]!;
    }
  }

  /** In-order visit (iterative). */
  forEach(fn: (i: number) => void): void {
    const st: number[] = [];
    let cur = this.root;
    while (cur !== NIL || st.length > 0) {
      while (cur !== NIL) {
        st.push(cur);
        cur = this.left[cur]!;
      }
      cur = st.pop()!;
      fn(cur);
      cur = this.right[cur]!;
    }
  }

  /** Consistency check for tests: order, gaps, aggregates, AVL balance, parents. */
  check(): string | undefined {
    let prevHi = -1;
    let err: string | undefined;
    this.forEach((i) => {
      if (err) return;
      const lo = this.lo[i]!;
      const hi = this.hi[i]!;
      if (lo > hi) err = `node ${i} lo>hi`;
      else if (lo <= prevHi) err = `node ${i} overlaps predecessor`;
      else if (this.gapLo[i] !== prevHi + 1) err = `node ${i} gapLo ${this.gapLo[i]} != ${prevHi + 1}`;
      prevHi = hi;
    });
    if (err) return err;
    const verify = (i: number, parent: number): number => {
      if (i === NIL) return 0;
      if (this.parent[i] !== parent) throw new Error(`bad parent at ${i}`);
      const hl = verify(this.left[i]!, i);
      const hr = verify(this.right[i]!, i);
      if (Math.abs(hl - hr) > 1) throw new Error(`unbalanced at ${i}`);
      const h = Math.max(hl, hr) + 1;
      if (this.height[i] !== h) throw new Error(`bad height at ${i}`);
      const g = this.aggGap[i];
      const j = this.aggJ[i];
      const r = this.aggR[i];
      this.pull(i);
      if (g !== this.aggGap[i] || j !== this.aggJ[i] || r !== this.aggR[i]) throw new Error(`stale aggregate at ${i}`);
      return h;
    };
    try {
      verify(this.root, NIL);
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  }
}
