import { POW2, alignUp, floorLog2 } from './bits.js';

/** No node. */
export const NIL = -1;

/** Node flag: the range was created or touched by reserve_iova. */
export const NODE_RESERVED = 1;

/**
 * The allocated-range tree: an AVL tree in one ArrayBuffer (node = index, 64 bytes = one
 * cache line per node, so a descent costs one miss per level), keyed by pfn_lo, holding non-overlapping inclusive ranges [lo, hi]. It stands
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
  // Node layout (64 bytes): f64[0] lo, [1] hi, [2] gapLo, [3] selfR, [4] aggGap, [5] aggR,
  // i32[12] left, [13] right, [14] parent, i8[60] height, [61] selfJ, [62] aggJ, u8[63] flags.
  private f: Float64Array;
  private i32: Int32Array;
  private i8: Int8Array;
  private u8: Uint8Array;
  root = NIL;
  /** Live nodes, anchor included. */
  count = 0;
  private cap: number;
  private nextFresh = 0;
  private readonly recycled: number[] = [];
  private readonly stack = new Int32Array(128);

  constructor(initialCapacity = 64) {
    this.cap = Math.max(4, initialCapacity);
    const buf = new ArrayBuffer(this.cap * 64);
    this.f = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
    this.i8 = new Int8Array(buf);
    this.u8 = new Uint8Array(buf);
  }

  // ---------------------------------------------------------------- fields

  lo(i: number): number {
    return this.f[i << 3]!;
  }
  hi(i: number): number {
    return this.f[(i << 3) + 1]!;
  }
  /** First pfn of the free gap below node i (predecessor's hi + 1, or 0). */
  gapLo(i: number): number {
    return this.f[(i << 3) + 2]!;
  }
  flags(i: number): number {
    return this.u8[(i << 6) + 63]!;
  }
  setFlags(i: number, v: number): void {
    this.u8[(i << 6) + 63] = v;
  }
  left(i: number): number {
    return this.i32[(i << 4) + 12]!;
  }
  right(i: number): number {
    return this.i32[(i << 4) + 13]!;
  }
  parent(i: number): number {
    return this.i32[(i << 4) + 14]!;
  }
  private setLeft(i: number, v: number): void {
    this.i32[(i << 4) + 12] = v;
  }
  private setRight(i: number, v: number): void {
    this.i32[(i << 4) + 13] = v;
  }
  private setParent(i: number, v: number): void {
    this.i32[(i << 4) + 14] = v;
  }
  private height(i: number): number {
    return i === NIL ? 0 : this.i8[(i << 6) + 60]!;
  }
  private selfJ(i: number): number {
    return this.i8[(i << 6) + 61]!;
  }
  private aggJ(i: number): number {
    return this.i8[(i << 6) + 62]!;
  }
  private aggGap(i: number): number {
    return this.f[(i << 3) + 4]!;
  }
  private aggR(i: number): number {
    return this.f[(i << 3) + 5]!;
  }
  private selfR(i: number): number {
    return this.f[(i << 3) + 3]!;
  }

  // ---------------------------------------------------------------- storage

  private grow(): void {
    const n = this.cap * 2;
    const buf = new ArrayBuffer(n * 64);
    const f = new Float64Array(buf);
    f.set(this.f);
    this.f = f;
    this.i32 = new Int32Array(buf);
    this.i8 = new Int8Array(buf);
    this.u8 = new Uint8Array(buf);
    this.cap = n;
  }

  private newNode(lo: number, hi: number, flags: number): number {
    let i = this.recycled.pop();
    if (i === undefined) {
      if (this.nextFresh === this.cap) this.grow();
      i = this.nextFresh++;
    }
    const b = i << 3;
    this.f[b] = lo;
    this.f[b + 1] = hi;
    const w = i << 4;
    this.i32[w + 12] = NIL;
    this.i32[w + 13] = NIL;
    this.i32[w + 14] = NIL;
    this.i8[(i << 6) + 60] = 1;
    this.u8[(i << 6) + 63] = flags;
    this.count++;
    return i;
  }

  // ---------------------------------------------------------- augmentation

  /** Recompute the node's own gap summary from gapLo and lo. */
  private setSelf(i: number): void {
    const b = i << 3;
    const g0 = this.f[b + 2]!;
    const g1 = this.f[b]!;
    const len = g1 - g0;
    if (len <= 0) {
      this.i8[(i << 6) + 61] = -1;
      this.f[b + 3] = len; // room at alignment 2^0 is the length itself
      return;
    }
    // The largest aligned block is 2^c or 2^(c-1) where c = floor(log2(len)): a gap of
    // length >= 2^c always holds an aligned 2^(c-1) block.
    const c = floorLog2(len);
    const p = POW2[c]!;
    const j = alignUp(g0, p) + p <= g1 ? c : c - 1;
    this.i8[(i << 6) + 61] = j;
    this.f[b + 3] = g1 - alignUp(g0, POW2[j + 1]!);
  }

  private setGapLo(i: number, v: number): void {
    this.f[(i << 3) + 2] = v;
    this.setSelf(i);
  }

  /** Recompute height and subtree aggregates of node i from its children. */
  private pull(i: number): void {
    const f = this.f;
    const i8 = this.i8;
    const b = i << 3;
    let g = f[b]! - f[b + 2]!;
    let j = i8[(i << 6) + 61]!;
    let r = f[b + 3]!;
    let h = 0;
    const l = this.i32[(i << 4) + 12]!;
    if (l !== NIL) {
      const lb = l << 3;
      const lg = f[lb + 4]!;
      if (lg > g) g = lg;
      const lj = i8[(l << 6) + 62]!;
      if (lj > j) {
        j = lj;
        r = f[lb + 5]!;
      } else if (lj === j && f[lb + 5]! > r) r = f[lb + 5]!;
      h = i8[(l << 6) + 60]!;
    }
    const rt = this.i32[(i << 4) + 13]!;
    if (rt !== NIL) {
      const rb = rt << 3;
      const rg = f[rb + 4]!;
      if (rg > g) g = rg;
      const rj = i8[(rt << 6) + 62]!;
      if (rj > j) {
        j = rj;
        r = f[rb + 5]!;
      } else if (rj === j && f[rb + 5]! > r) r = f[rb + 5]!;
      const rh = i8[(rt << 6) + 60]!;
      if (rh > h) h = rh;
    }
    f[b + 4] = g;
    f[b + 5] = r;
    i8[(i << 6) + 62] = j;
    i8[(i << 6) + 60] = h + 1;
  }

  private replaceChild(p: number, oldC: number, newC: number): void {
    if (p === NIL) this.root = newC;
    else if (this.left(p) === oldC) this.setLeft(p, newC);
    else this.setRight(p, newC);
    if (newC !== NIL) this.setParent(newC, p);
  }

  private rotateLeft(x: number): number {
    const y = this.right(x);
    const b = this.left(y);
    this.setRight(x, b);
    if (b !== NIL) this.setParent(b, x);
    this.replaceChild(this.parent(x), x, y);
    this.setLeft(y, x);
    this.setParent(x, y);
    this.pull(x);
    this.pull(y);
    return y;
  }

  private rotateRight(x: number): number {
    const y = this.left(x);
    const b = this.right(y);
    this.setLeft(x, b);
    if (b !== NIL) this.setParent(b, x);
    this.replaceChild(this.parent(x), x, y);
    this.setRight(y, x);
    this.setParent(x, y);
    this.pull(x);
    this.pull(y);
    return y;
  }

  /**
   * Walk from x towards the root: recompute aggregates and restore the AVL balance.
   * Stops early once a node's height and aggregates come out unchanged, no rotation
   * happened there, and `mustPass` (a node whose own gap changed, always on this path)
   * has been recomputed: nothing above can change after that.
   */
  private retrace(x: number, mustPass: number): void {
    const f = this.f;
    const i8 = this.i8;
    let passed = mustPass === NIL;
    while (x !== NIL) {
      const b = x << 3;
      const h0 = i8[(x << 6) + 60]!;
      const g0 = f[b + 4]!;
      const r0 = f[b + 5]!;
      const j0 = i8[(x << 6) + 62]!;
      this.pull(x);
      const l = this.left(x);
      const r = this.right(x);
      const bal = this.height(l) - this.height(r);
      if (bal > 1) {
        if (this.height(this.left(l)) < this.height(this.right(l))) this.rotateLeft(l);
        x = this.rotateRight(x);
      } else if (bal < -1) {
        if (this.height(this.right(r)) < this.height(this.left(r))) this.rotateRight(r);
        x = this.rotateLeft(x);
      } else if (passed && i8[(x << 6) + 60] === h0 && f[b + 4] === g0 && f[b + 5] === r0 && i8[(x << 6) + 62] === j0) {
        return;
      }
      if (x === mustPass) passed = true;
      x = this.parent(x);
    }
  }

  /** Recompute aggregates from i up (no shape change). */
  private pullPath(i: number): void {
    while (i !== NIL) {
      this.pull(i);
      i = this.parent(i);
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
      if (lo < this.lo(cur)) {
        succ = cur;
        goLeft = true;
        cur = this.left(cur);
      } else {
        pred = cur;
        goLeft = false;
        cur = this.right(cur);
      }
    }
    const n = this.newNode(lo, hi, flags);
    this.setParent(n, p);
    if (p === NIL) this.root = n;
    else if (goLeft) this.setLeft(p, n);
    else this.setRight(p, n);
    this.setGapLo(n, pred === NIL ? 0 : this.hi(pred) + 1);
    // The successor is an ancestor of the new leaf, so the retrace below refreshes it.
    if (succ !== NIL) this.setGapLo(succ, hi + 1);
    this.retrace(n, succ);
    return n;
  }

  /**
   * Insert [lo, hi] inside the gap below `owner` (the allocator knows the gap it chose,
   * as the kernel passes `prev` to iova_insert_rbtree): no descent from the root.
   */
  insertBelow(owner: number, lo: number, hi: number, flags: number): number {
    const n = this.newNode(lo, hi, flags);
    let p = this.left(owner);
    if (p === NIL) {
      this.setLeft(owner, n);
      p = owner;
    } else {
      while (this.right(p) !== NIL) p = this.right(p);
      this.setRight(p, n);
    }
    this.setParent(n, p);
    this.setGapLo(n, this.gapLo(owner));
    this.setGapLo(owner, hi + 1);
    this.retrace(n, owner);
    return n;
  }

  /** Remove node z (never the anchor); `s` must be succ(z) when the caller already has it. */
  remove(z: number, s: number = this.succ(z)): void {
    if (s !== NIL) this.setGapLo(s, this.gapLo(z));
    const l = this.left(z);
    const r = this.right(z);
    let fixFrom: number;
    if (l === NIL || r === NIL) {
      const child = l !== NIL ? l : r;
      const p = this.parent(z);
      this.replaceChild(p, z, child);
      // A lone child in an AVL tree is a leaf; when it is the right child it is also
      // the successor whose gap just changed, so start the retrace there.
      fixFrom = child !== NIL ? child : p;
    } else {
      let y = r;
      while (this.left(y) !== NIL) y = this.left(y);
      if (this.parent(y) !== z) {
        const yp = this.parent(y);
        this.replaceChild(yp, y, this.right(y));
        this.setRight(y, r);
        this.setParent(r, y);
        fixFrom = yp;
      } else {
        fixFrom = y;
      }
      this.replaceChild(this.parent(z), z, y);
      this.setLeft(y, l);
      this.setParent(l, y);
    }
    this.retrace(fixFrom, s);
    this.recycled.push(z);
    this.count--;
  }

  /** Move node i's pfn_lo down (reserve_iova merging); order is unchanged by contract. */
  setLo(i: number, lo: number): void {
    this.f[i << 3] = lo;
    this.setSelf(i);
    this.pullPath(i);
  }

  // --------------------------------------------------------------- queries

  /** iova.c private_find_iova: the node whose [lo, hi] contains pfn. */
  findContaining(pfn: number): number {
    const f = this.f;
    let cur = this.root;
    while (cur !== NIL) {
      const b = cur << 3;
      if (pfn < f[b]!) cur = this.left(cur);
      else if (pfn > f[b + 1]!) cur = this.right(cur);
      else return cur;
    }
    return NIL;
  }

  /** The lowest node with hi >= x (a node straddling x, or the first one above it). */
  lowestHiAtLeast(x: number): number {
    let cur = this.root;
    let res = NIL;
    while (cur !== NIL) {
      if (this.hi(cur) >= x) {
        res = cur;
        cur = this.left(cur);
      } else cur = this.right(cur);
    }
    return res;
  }

  first(): number {
    let cur = this.root;
    if (cur === NIL) return NIL;
    while (this.left(cur) !== NIL) cur = this.left(cur);
    return cur;
  }

  /** rb_next */
  succ(i: number): number {
    let c = this.right(i);
    if (c !== NIL) {
      while (this.left(c) !== NIL) c = this.left(c);
      return c;
    }
    let p = this.parent(i);
    while (p !== NIL && this.right(p) === i) {
      i = p;
      p = this.parent(p);
    }
    return p;
  }

  /** rb_prev */
  pred(i: number): number {
    let c = this.left(i);
    if (c !== NIL) {
      while (this.right(c) !== NIL) c = this.right(c);
      return c;
    }
    let p = this.parent(i);
    while (p !== NIL && this.left(p) === i) {
      i = p;
      p = this.parent(p);
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
    if (k < 0) return this.lo(i) - this.gapLo(i) >= size;
    const j = this.selfJ(i);
    return j >= k || (j === k - 1 && this.selfR(i) >= size);
  }

  /** The same test for "some gap in the subtree rooted at i" (exact, O(1)). */
  subtreeFits(i: number, size: number, k: number): boolean {
    if (k < 0) return this.aggGap(i) >= size;
    const j = this.aggJ(i);
    return j >= k || (j === k - 1 && this.aggR(i) >= size);
  }

  /**
   * The highest node N with lo(N) < bound whose own gap fits (`nodeFits`), or NIL.
   * O(log n): collect the O(log n) disjoint groups "node + its left subtree" that lie
   * below `bound` along the search path, visit them from the highest down, and descend
   * into the first group whose aggregate says it holds a fit.
   */
  highestFitBelow(bound: number, size: number, k: number): number {
    const st = this.stack;
    let sp = 0;
    let cur = this.root;
    while (cur !== NIL) {
      if (this.lo(cur) < bound) {
        st[sp++] = cur;
        cur = this.right(cur);
      } else cur = this.left(cur);
    }
    while (sp > 0) {
      const p = st[--sp]!;
      if (this.nodeFits(p, size, k)) return p;
      const l = this.left(p);
      if (l !== NIL && this.subtreeFits(l, size, k)) return this.highestFitIn(l, size, k);
    }
    return NIL;
  }

  /** Highest fitting node inside a subtree known to contain one. */
  private highestFitIn(t: number, size: number, k: number): number {
    for (;;) {
      const r = this.right(t);
      if (r !== NIL && this.subtreeFits(r, size, k)) {
        t = r;
        continue;
      }
      if (this.nodeFits(t, size, k)) return t;
      t = this.left(t);
    }
  }

  /** In-order visit (iterative). */
  forEach(fn: (i: number) => void): void {
    const st: number[] = [];
    let cur = this.root;
    while (cur !== NIL || st.length > 0) {
      while (cur !== NIL) {
        st.push(cur);
        cur = this.left(cur);
      }
      cur = st.pop()!;
      fn(cur);
      cur = this.right(cur);
    }
  }

  /** Consistency check for tests: order, gaps, aggregates, AVL balance, parents. */
  check(): string | undefined {
    let prevHi = -1;
    let err: string | undefined;
    this.forEach((i) => {
      if (err) return;
      const lo = this.lo(i);
      const hi = this.hi(i);
      if (lo > hi) err = `node ${i} lo>hi`;
      else if (lo <= prevHi) err = `node ${i} overlaps predecessor`;
      else if (this.gapLo(i) !== prevHi + 1) err = `node ${i} gapLo ${this.gapLo(i)} != ${prevHi + 1}`;
      prevHi = hi;
    });
    if (err) return err;
    const verify = (i: number, parent: number): number => {
      if (i === NIL) return 0;
      if (this.parent(i) !== parent) throw new Error(`bad parent at ${i}`);
      const hl = verify(this.left(i), i);
      const hr = verify(this.right(i), i);
      if (Math.abs(hl - hr) > 1) throw new Error(`unbalanced at ${i}`);
      const h = Math.max(hl, hr) + 1;
      if (this.height(i) !== h) throw new Error(`bad height at ${i}`);
      const j0 = this.selfJ(i);
      const r0 = this.selfR(i);
      this.setSelf(i);
      if (j0 !== this.selfJ(i) || r0 !== this.selfR(i)) throw new Error(`stale gap summary at ${i}`);
      const g = this.aggGap(i);
      const j = this.aggJ(i);
      const r = this.aggR(i);
      this.pull(i);
      if (g !== this.aggGap(i) || j !== this.aggJ(i) || r !== this.aggR(i)) throw new Error(`stale aggregate at ${i}`);
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
