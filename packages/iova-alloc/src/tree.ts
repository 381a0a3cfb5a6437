import { closeBit, openBit } from './bitmask.js';
import { EMPTY_G, EMPTY_J, EMPTY_R, gapOrder, gapRoom } from './gap-summary.js';
import { TreeCursor } from './tree-cursor.js';
import { HEAD, NIL } from './tree-store.js';
import type { TreeShape } from './tree-store.js';

export { NIL, NODE_RESERVED } from './tree-store.js';
export type { TreeShape } from './tree-store.js';

/**
 * The allocated-range tree, standing in for the kernel's rbtree (drivers/iommu/iova.c,
 * `iovad->rbroot`): a B+-tree over non-overlapping inclusive ranges [lo, hi] keyed by
 * lo, stored in typed arrays (tree-store.ts has the layout). A leaf holds up to 32
 * ranges in one contiguous block and an inner node up to 32 children, so a lookup among
 * a million ranges reads 5 nodes, each a few cache lines fetched in parallel, instead of
 * ~20 dependent misses down a binary tree.
 *
 * Invariants (checked by tree-check.ts):
 * - entries are in pfn order across leaves, which are linked in that order; every
 *   leaf is at depth `height`; non-root nodes hold at least minLeaf entries / minInner
 *   children, the root at least 2 children when it is inner;
 * - every entry owns the free gap below it, [gapLo, lo), gapLo = the previous range's
 *   hi + 1 (0 for the lowest range); the entry stores that gap's order;
 * - a separator key k of child c satisfies: every range before the child ends below k,
 *   every range in it starts at or above k; so descending by "last key <= x" reaches
 *   the only leaf that can hold a range containing x;
 * - an inner slot holds the exact gap summary (gap-summary.ts) of its child's subtree,
 *   so "does this subtree hold a gap that fits" is one O(1) test.
 *
 * The tree has one cursor (tree-cursor.ts): seeks set it, `cur*` read it, and the
 * search and mutations here act at it. Layers: tree-store.ts (layout, pools),
 * tree-summary.ts (gap summaries), tree-rebalance.ts (splits, merges), tree-cursor.ts.
 */
export class IovaTree extends TreeCursor {
  constructor(shape: TreeShape = {}) {
    super(shape);
  }

  // -------------------------------------------------------------- search

  /**
   * Move the cursor to the highest range below it whose own gap fits `size` at
   * alignment 2^k (k < 0: no alignment); false if there is none. Scans the rest of the
   * leaf, then the slots left of the path at each level upward (skipping a node whose
   * whole summary does not fit); the first slot whose summary fits is descended
   * through its rightmost fitting children.
   *
   * With `floorLo`, the climb gives up (false) at the first level whose path child starts
   * at or below floorLo: every slot left of it holds only ranges below floorLo. A fit
   * found lower down may still lie at or below floorLo; the caller checks.
   */
  highestFitBelowCursor(size: number, k: number, floorLo = -1): boolean {
    const pN = this.pN;
    const pS = this.pS;
    const h = this.height;
    if (h === 0 || this.slotFits(pN[1]!, pS[1]!, size, k)) {
      const s = this.lastFitInLeaf(pN[0]!, pS[0]!, size, k);
      if (s >= 0) {
        pS[0] = s;
        return true;
      }
    }
    for (let l = 1; l <= h; l++) {
      if (this.key(pN[l]!, pS[l]!) <= floorLo) return false;
      if (l < h && !this.slotFits(pN[l + 1]!, pS[l + 1]!, size, k)) continue;
      const c = this.lastFitInInner(pN[l]!, pS[l]!, size, k);
      if (c >= 0) {
        pS[l] = c;
        this.descendToLastFit(l - 1, this.child(pN[l]!, c), size, k);
        return true;
      }
    }
    return false;
  }

  /** Path from `node` at `level` down to its highest fitting entry (one must exist). */
  private descendToLastFit(level: number, node: number, size: number, k: number): void {
    for (let l = level; l > 0; l--) {
      this.pN[l] = node;
      const c = Math.max(0, this.lastFitInInner(node, 32, size, k));
      this.pS[l] = c;
      node = this.child(node, c);
    }
    this.pN[0] = node;
    this.pS[0] = Math.max(0, this.lastFitInLeaf(node, 32, size, k));
  }

  // ------------------------------------------------------------ mutation

  /** Insert [lo, hi] (must not overlap any range); the cursor ends on it. */
  insert(lo: number, hi: number, flags: number): void {
    this.seekHiAtLeast(lo);
    this.insertBeforeCursor(lo, hi, flags);
  }

  /**
   * Insert [lo, hi] into the gap below the cursor's range (or after the last range when
   * the cursor is past the end), as the kernel links a new node next to the one whose
   * gap it chose. The cursor ends on the new range.
   */
  insertBeforeCursor(lo: number, hi: number, flags: number): void {
    if (this.leafCount(this.pN[0]!) === this.leafCap) {
      this.splitLeaf();
      this.seekHiAtLeast(lo); // the range now holding the gap, or the end
    }
    // Hot path (every allocation): fields are read straight from the leaf block
    // (tree-store.ts layout) instead of through the accessors, which V8 does not always
    // inline in a function this size.
    const f = this.leafF;
    const mb = this.leafB;
    const li = this.leafI;
    const b = this.pN[0]!;
    const s = this.pS[0]!;
    const x = b * this.LW + HEAD + 2 * s; // (lo, hi) of slot s
    const xm = b * this.LW * 8 + 24 + s; // meta of slot s
    const xh = b * this.LW * 2; // int32 header: count at +2, mask at +3
    const n = li[xh + 2]!;
    const g0 = s > 0 ? f[x - 1]! + 1 : f[b * this.LW]!; // gapLoAt(b, s)
    let oG = EMPTY_G;
    let oJ = EMPTY_J;
    let oR = EMPTY_R;
    let nG = lo - g0;
    const j1 = nG > 0 ? gapOrder(g0, lo) : -1;
    let nJ = j1;
    let nR = gapRoom(g0, lo, j1);
    let mask = openBit(li[xh + 3]!, s);
    if (j1 >= 0) mask |= 1 << s;
    if (s < n) {
      // The owner's gap [g0, owner.lo) shrinks to [hi + 1, owner.lo).
      const oLo = f[x]!;
      const oMeta = mb[xm]!;
      oG = oLo - g0;
      oJ = oMeta >> 1;
      oR = gapRoom(g0, oLo, oJ);
      const g2 = oLo - hi - 1;
      const j2 = g2 > 0 ? gapOrder(hi + 1, oLo) : -1;
      const r2 = gapRoom(hi + 1, oLo, j2);
      if (g2 > nG) nG = g2;
      if (j2 > nJ || (j2 === nJ && r2 > nR)) {
        nJ = j2;
        nR = r2;
      }
      this.moveEntries(b, s + 1, b, s, n - s);
      mb[xm + 1] = j2 * 2 + (oMeta & 1);
      if (j2 >= 0) mask |= 1 << (s + 1);
      else mask &= ~(1 << (s + 1));
    }
    f[x] = lo;
    f[x + 1] = hi;
    mb[xm] = j1 * 2 + (flags & 1);
    li[xh + 3] = mask;
    li[xh + 2] = n + 1; // growing: no slot gives up its sentinel
    this.count++;
    if (s === 0) this.lowerKeys(lo);
    this.propagate(oG, oJ, oR, nG, nJ, nR);
  }

  /** Remove the cursor's range; its gap and the range join the successor's gap. */
  removeAtCursor(): void {
    const b = this.pN[0]!;
    const s = this.pS[0]!;
    const f = this.leafF;
    const mb = this.leafB;
    const li = this.leafI;
    const x = b * this.LW + HEAD + 2 * s; // (lo, hi) of slot s
    const xm = b * this.LW * 8 + 24 + s; // meta of slot s
    const xh = b * this.LW * 2; // int32 header: count at +2, mask at +3
    const n = li[xh + 2]!;
    const g0 = s > 0 ? f[x - 1]! + 1 : f[b * this.LW]!; // gapLoAt(b, s)
    const lo = f[x]!;
    const hi = f[x + 1]!;
    // The removed entry's own summary (entrySummary).
    let oG = lo - g0;
    let oJ = mb[xm]! >> 1;
    let oR = gapRoom(g0, lo, oJ);
    this.count--;
    if (s + 1 < n) {
      // The successor is in the same leaf: its gap grows to [gapLo, succ.lo), which
      // covers the removed range's gap and the range itself.
      const sLo = f[x + 2]!;
      const sMeta = mb[xm + 1]!;
      const sJ = sMeta >> 1;
      const sR = gapRoom(hi + 1, sLo, sJ);
      if (sLo - hi - 1 > oG) oG = sLo - hi - 1;
      if (sJ > oJ || (sJ === oJ && sR > oR)) {
        oJ = sJ;
        oR = sR;
      }
      const j = gapOrder(g0, sLo); // >= 0: the gap holds at least the removed range
      this.moveEntries(b, s, b, s + 1, n - s - 1);
      mb[xm] = j * 2 + (sMeta & 1);
      li[xh + 3] = closeBit(li[xh + 3]!, s) | (1 << s);
      f[b * this.LW + HEAD + 2 * (n - 1)] = Infinity; // setLeafCount(b, n - 1): the freed slot's sentinel
      li[xh + 2] = n - 1;
      this.propagate(oG, oJ, oR, sLo - g0, j, gapRoom(g0, sLo, j));
      if (n - 1 < this.minLeaf) this.rebalance(0);
      return;
    }
    // The last range of its leaf: the successor, if any, opens the next leaf.
    const gap0 = g0;
    const nb = this.nextLeaf(b);
    this.setLeafMask(b, closeBit(this.leafMask(b), s));
    this.setLeafCount(b, n - 1);
    this.propagate(oG, oJ, oR, EMPTY_G, EMPTY_J, EMPTY_R);
    if (nb === NIL) {
      this.rebalance(0);
      return;
    }
    const succLo = this.lo(nb, 0);
    const succG0 = this.gap0(nb);
    oG = succLo - succG0;
    oJ = this.meta(nb, 0) >> 1;
    oR = gapRoom(succG0, succLo, oJ);
    // Rebalancing may move the successor and rescan nodes holding it while its gap is
    // still half-updated; such a rescan never yields more than the new summary. So the
    // final update runs to the root (no early stop), taking maxima with the new summary.
    this.rebalance(0);
    this.seekContaining(succLo);
    const b2 = this.pN[0]!;
    const s2 = this.pS[0]!;
    if (s2 === 0) this.setGap0(b2, gap0);
    this.refreshEntry(b2, s2);
    this.propagate(oG, oJ, oR, this.sG, this.sJ, this.sR, true);
  }

  /**
   * Rewrite the cursor's range as [lo, hi] with `flags`, in place. The new range must lie
   * between the neighbours of the old one (previous hi < lo <= hi < next lo), so no entry
   * moves: only the gap below it and the gap below its successor change, and when their
   * summary comes out the same (a hole refilled exactly) the update stops at the leaf.
   * Returns false, changing nothing, when the range changes and its successor opens the
   * next leaf (or there is none): then two leaves change, and the caller removes and
   * inserts instead.
   */
  replaceAtCursor(lo: number, hi: number, flags: number): boolean {
    const b = this.pN[0]!;
    const s = this.pS[0]!;
    const x = b * this.LW + HEAD + 2 * s;
    const oldLo = this.leafF[x]!;
    if (lo === oldLo && hi === this.leafF[x + 1]) {
      // The same range again (the common refill): no gap changes.
      this.setCurFlags(flags);
      return true;
    }
    if (s + 1 >= this.leafCount(b)) return false;
    this.pairSummary(b, s, false);
    const oG = this.sG;
    const oJ = this.sJ;
    const oR = this.sR;
    this.leafF[x] = lo;
    this.leafF[x + 1] = hi;
    this.setCurFlags(flags);
    this.pairSummary(b, s, true);
    if (s === 0 && lo < oldLo) this.lowerKeys(lo);
    this.propagate(oG, oJ, oR, this.sG, this.sJ, this.sR);
    return true;
  }

  /**
   * sG/sJ/sR = the merged summary of the gaps below entries s and s + 1 of leaf b;
   * `refresh`: recompute their stored orders first (after the ranges changed).
   */
  private pairSummary(b: number, s: number, refresh: boolean): void {
    if (refresh) this.refreshEntry(b, s);
    else this.entrySummary(b, s);
    const g = this.sG;
    const j = this.sJ;
    const r = this.sR;
    if (refresh) this.refreshEntry(b, s + 1);
    else this.entrySummary(b, s + 1);
    this.mergeSummary(g, j, r);
  }

  /** Move the cursor's lo down to `lo` (reserve_iova merging; must stay above the previous range). */
  setCurLo(lo: number): void {
    const b = this.pN[0]!;
    const s = this.pS[0]!;
    this.entrySummary(b, s);
    const oG = this.sG;
    const oJ = this.sJ;
    const oR = this.sR;
    this.leafF[b * this.LW + HEAD + 2 * s] = lo;
    this.refreshEntry(b, s);
    if (s === 0) this.lowerKeys(lo);
    this.propagate(oG, oJ, oR, this.sG, this.sJ, this.sR);
  }

  /** The first range of the path's leaf became lo: lower the separators above it. */
  private lowerKeys(lo: number): void {
    for (let l = 1; l <= this.height; l++) {
      if (this.key(this.pN[l]!, this.pS[l]!) > lo) this.setKey(this.pN[l]!, this.pS[l]!, lo);
    }
  }

  /**
   * In the leaf pN[0], one member summary O was replaced by N (a merge of the new ones):
   * update the summaries held along the path. Each is a pair of maxima, so it follows
   * in O(1) unless a value that was the maximum went down; then that node is rescanned.
   * Stops as soon as a summary comes out unchanged, unless `toRoot`.
   */
  private propagate(oG: number, oJ: number, oR: number, nG: number, nJ: number, nR: number, toRoot = false): void {
    const pN = this.pN;
    const pS = this.pS;
    const nf = this.nodeF;
    const nb = this.nodeB;
    const ni = this.nodeI;
    const IW = this.IW;
    const so = this.sumOff;
    for (let level = 0; level < this.height; level++) {
      const v = pN[level + 1]!;
      const c = pS[level + 1]!;
      const q = v * IW + so + 2 * c; // (g, r) of the slot
      const qj = v * IW * 8 + 8 + c; // its j
      const aG = nf[q]!;
      const aR = nf[q + 1]!;
      const aJ = nb[qj]!;
      let g = aG;
      let j = aJ;
      let r = aR;
      let rescan = false;
      if (nG >= aG) g = nG;
      else if (oG >= aG) rescan = true;
      if (nJ > aJ || (nJ === aJ && nR >= aR)) {
        j = nJ;
        r = nR;
      } else if (oJ > aJ || (oJ === aJ && oR >= aR)) rescan = true;
      if (rescan) {
        this.scanNode(level, pN[level]!);
        g = this.sG;
        j = this.sJ;
        r = this.sR;
      }
      if (g === aG && j === aJ && r === aR && !toRoot) return;
      nf[q] = g;
      nf[q + 1] = r;
      nb[qj] = j;
      if (aG > 0 !== g > 0) {
        const mi = v * IW * 2 + 1; // the mask bit follows g > 0
        ni[mi] = ni[mi]! ^ (1 << c);
      }
      oG = aG;
      oJ = aJ;
      oR = aR;
      nG = g;
      nJ = j;
      nR = r;
    }
  }

  // ----------------------------------------------------------- iteration

  /** Visit every range in pfn order. */
  forEach(fn: (lo: number, hi: number, flags: number) => void): void {
    let b = this.root;
    for (let l = this.height; l > 0; l--) b = this.child(b, 0);
    while (b !== NIL) {
      const n = this.leafCount(b);
      for (let s = 0; s < n; s++) fn(this.lo(b, s), this.hi(b, s), this.meta(b, s) & 1);
      b = this.nextLeaf(b);
    }
  }
}
