import { closeBit, openBit } from './bitmask.js';
import { NIL } from './tree-store.js';
import { TreeSummary } from './tree-summary.js';

/**
 * Node splits, merges and borrows of the B+-tree. None of them changes a gap: entries
 * move between leaves in order, so only the summaries held in the parent of the nodes
 * involved change (they are rescanned or merged), never an ancestor's. Each operation
 * leaves the path (cursor) invalid; callers seek again.
 */
export class TreeRebalance extends TreeSummary {
  /** Split the full leaf pN[0], which is about to receive an entry at slot pS[0]. */
  protected splitLeaf(): void {
    const x = this.pN[0]!;
    this.invalidatePaths();
    const y = this.newLeaf(); // may grow the arrays
    const mid = splitPoint(this.pS[0]!, this.leafCap, this.minLeaf);
    const n = this.leafCount(x) - mid;
    this.moveEntries(y, 0, x, mid, n);
    this.setGap0(y, this.hi(x, mid - 1) + 1);
    this.setLeafCount(x, mid);
    this.setLeafCount(y, n);
    this.remaskLeaf(x);
    this.remaskLeaf(y);
    const after = this.nextLeaf(x);
    this.setNextLeaf(y, after);
    this.setPrevLeaf(y, x);
    if (after !== NIL) this.setPrevLeaf(after, y);
    this.setNextLeaf(x, y);
    this.addSibling(0, x, y, this.lo(y, 0));
  }

  /**
   * Node x at `level` just gave its upper part to the new node y (first key keyY): fix
   * x's summary in its parent and link y right after it, splitting ancestors as needed.
   */
  private addSibling(level: number, x: number, y: number, keyY: number): void {
    if (level === this.height) {
      const r = this.newInner();
      this.scanNode(level, x);
      this.setSlot(r, 0, -1, x, this.sG, this.sJ, this.sR); // key -1: below every pfn
      this.scanNode(level, y);
      this.setSlot(r, 1, keyY, y, this.sG, this.sJ, this.sR);
      this.setInnerCount(r, 2);
      this.root = r;
      this.height++;
      return;
    }
    const p = this.pN[level + 1]!;
    const c = this.pS[level + 1]!;
    this.scanNode(level, x);
    this.storeSlot(p, c);
    this.scanNode(level, y);
    this.insertSlot(level + 1, p, c + 1, y, keyY, this.sG, this.sJ, this.sR);
  }

  /** Insert child `child` (key, summary g/j/r) at slot `at` of inner node p at `level`. */
  private insertSlot(level: number, p: number, at: number, child: number, key: number, g: number, j: number, r: number): void {
    const F = this.innerCap;
    const n = this.innerCount(p);
    if (n < F) {
      this.moveSlots(p, at + 1, p, at, n - at);
      this.setInnerMask(p, openBit(this.innerMask(p), at));
      this.setSlot(p, at, key, child, g, j, r);
      this.setInnerCount(p, n + 1);
      return;
    }
    const s = this.newInner();
    const mid = splitPoint(at, F, this.minInner);
    this.moveSlots(s, 0, p, mid, F - mid);
    this.setInnerCount(p, mid);
    this.setInnerCount(s, F - mid);
    this.remaskInner(p);
    this.remaskInner(s);
    if (at <= mid) this.insertSlot(level, p, at, child, key, g, j, r);
    else this.insertSlot(level, s, at - mid, child, key, g, j, r);
    this.addSibling(level, p, s, this.key(s, 0));
  }

  /**
   * After a removal from pN[level]: restore the minimum fill upward (merge with a
   * sibling when both fit in one node, else even them out), then drop roots that have a
   * single child.
   */
  protected rebalance(level: number): void {
    for (; level < this.height; level++) {
      const node = this.pN[level]!;
      if (this.sizeOf(level, node) >= (level === 0 ? this.minLeaf : this.minInner)) break;
      this.invalidatePaths();
      const p = this.pN[level + 1]!;
      const c = this.pS[level + 1]!;
      const left = c > 0 ? c - 1 : c;
      const x = this.child(p, left);
      const y = this.child(p, left + 1);
      const cap = level === 0 ? this.leafCap : this.innerCap;
      if (this.sizeOf(level, x) + this.sizeOf(level, y) <= cap) {
        if (level === 0) this.mergeLeaves(x, y);
        else this.mergeInner(x, y);
        this.mergeSlots(p, left);
        continue; // p lost a child
      }
      if (level === 0) this.evenLeaves(x, y);
      else this.evenInner(x, y);
      this.scanNode(level, x);
      this.storeSlot(p, left);
      this.scanNode(level, y);
      this.storeSlot(p, left + 1);
      this.setKey(p, left + 1, level === 0 ? this.lo(y, 0) : this.key(y, 0));
      break;
    }
    while (this.height > 0 && this.innerCount(this.root) === 1) {
      const old = this.root;
      this.root = this.child(old, 0);
      this.height--;
      this.freeInner(old);
    }
  }

  /** Slot c of p absorbs slot c + 1 (its node was merged into c's): merge summaries, drop c + 1. */
  private mergeSlots(p: number, c: number): void {
    let g = this.slotG(p, c);
    let j = this.slotJ(p, c);
    let r = this.slotR(p, c);
    const g2 = this.slotG(p, c + 1);
    const j2 = this.slotJ(p, c + 1);
    const r2 = this.slotR(p, c + 1);
    if (g2 > g) g = g2;
    if (j2 > j || (j2 === j && r2 > r)) {
      j = j2;
      r = r2;
    }
    this.setSlotSummary(p, c, g, j, r);
    const n = this.innerCount(p);
    this.moveSlots(p, c + 1, p, c + 2, n - c - 2);
    this.setInnerMask(p, closeBit(this.innerMask(p), c + 1));
    this.setInnerCount(p, n - 1);
  }

  /** Append leaf y's entries to leaf x (its left neighbour) and free y. x keeps its gap0. */
  private mergeLeaves(x: number, y: number): void {
    const cx = this.leafCount(x);
    const cy = this.leafCount(y);
    this.moveEntries(x, cx, y, 0, cy);
    this.setLeafCount(x, cx + cy);
    this.remaskLeaf(x);
    const after = this.nextLeaf(y);
    this.setNextLeaf(x, after);
    if (after !== NIL) this.setPrevLeaf(after, x);
    this.freeLeaf(y);
  }

  private mergeInner(x: number, y: number): void {
    const cx = this.innerCount(x);
    this.moveSlots(x, cx, y, 0, this.innerCount(y));
    this.setInnerCount(x, cx + this.innerCount(y));
    this.remaskInner(x);
    this.freeInner(y);
  }

  /** Move entries between neighbouring leaves x < y so that x holds half (rounded down). */
  private evenLeaves(x: number, y: number): void {
    const cx = this.leafCount(x);
    const cy = this.leafCount(y);
    const tx = (cx + cy) >> 1;
    if (cx > tx) {
      const m = cx - tx;
      const gap0 = this.gapLoAt(x, tx); // the gap below the first entry that moves
      this.moveEntries(y, m, y, 0, cy);
      this.moveEntries(y, 0, x, tx, m);
      this.setGap0(y, gap0);
    } else if (cx < tx) {
      const m = tx - cx;
      this.moveEntries(x, cx, y, 0, m);
      this.setGap0(y, this.hi(y, m - 1) + 1);
      this.moveEntries(y, 0, y, m, cy - m);
    }
    this.setLeafCount(x, tx);
    this.setLeafCount(y, cx + cy - tx);
    this.remaskLeaf(x);
    this.remaskLeaf(y);
  }

  /** Move children between neighbouring inner nodes x < y so that x holds half. */
  private evenInner(x: number, y: number): void {
    const cx = this.innerCount(x);
    const cy = this.innerCount(y);
    const tx = (cx + cy) >> 1;
    if (cx > tx) {
      const m = cx - tx;
      this.moveSlots(y, m, y, 0, cy);
      this.moveSlots(y, 0, x, tx, m);
    } else if (cx < tx) {
      const m = tx - cx;
      this.moveSlots(x, cx, y, 0, m);
      this.moveSlots(y, 0, y, m, cy - m);
    }
    this.setInnerCount(x, tx);
    this.setInnerCount(y, cx + cy - tx);
    this.remaskInner(x);
    this.remaskInner(y);
  }
}

/**
 * Where to split a full node of `cap` slots that is about to receive a new slot at `at`.
 * Allocation is top-down, so new ranges usually land at the low end of a leaf: splitting
 * there leaves a quarter on the left (to fill up) and three quarters on the right, so
 * nodes end up 3/4 full instead of half; ascending runs are mirrored. Both halves keep
 * at least `min` (the minimum fill, at most cap/2).
 */
function splitPoint(at: number, cap: number, min: number): number {
  const q = Math.max(min, cap >> 2);
  if (at < q) return q;
  if (at > cap - q) return cap - q;
  return cap >> 1;
}
