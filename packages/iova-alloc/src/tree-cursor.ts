import { TreeRebalance } from './tree-rebalance.js';
import { HEAD, NIL } from './tree-store.js';

/**
 * The tree's cursor (the path pN/pS) and the seeks that set it. Ranges have no stable
 * handle (they move between slots and leaves), so callers name a range by its lo, which
 * is unique, and read it through the cursor. A seek first tries the cursor's own leaf
 * and the leaf of the path before it (two fingers): the allocator goes back and forth
 * between the range it frees and its cached node.
 */
export class TreeCursor extends TreeRebalance {
  /** Sink for loads issued early to overlap cache misses (see descend). */
  private warm = 0;

  // --------------------------------------------------------------- cursor

  curLo(): number {
    return this.lo(this.pN[0]!, this.pS[0]!);
  }
  curHi(): number {
    return this.hi(this.pN[0]!, this.pS[0]!);
  }
  curFlags(): number {
    return this.meta(this.pN[0]!, this.pS[0]!) & 1;
  }
  setCurFlags(flags: number): void {
    const b = this.pN[0]!;
    const s = this.pS[0]!;
    this.setMeta(b, s, (this.meta(b, s) & ~1) | (flags & 1));
  }
  /** First pfn of the free gap below the cursor's range. */
  curGapLo(): number {
    return this.gapLoAt(this.pN[0]!, this.pS[0]!);
  }
  /** lo of the range after the cursor's, or NIL (rb_next). */
  nextLo(): number {
    const b = this.pN[0]!;
    const s = this.pS[0]! + 1;
    if (s < this.leafCount(b)) return this.lo(b, s);
    const nb = this.nextLeaf(b);
    return nb === NIL ? NIL : this.lo(nb, 0);
  }

  // ---------------------------------------------------------------- seeks

  /**
   * Set the path to the last range with lo <= x (pS[0] = -1 when x is below the leaf's
   * first). When a valid path (the current one, or the one before the last descent) ends
   * in a leaf whose span [first lo, last hi] holds x, no other leaf can hold x and a
   * descent would end in that leaf, so only the leaf is searched: the allocator mostly
   * goes back and forth between a range it just touched and its cached node.
   */
  protected descend(x: number): void {
    if (this.pathOk) {
      // Often the cursor is already there (a removal leaves it on the successor).
      const b = this.pN[0]!;
      const s = this.pS[0]!;
      if (s >= 0 && s < this.leafCount(b) && this.lo(b, s) <= x && x <= this.hi(b, s)) return;
    }
    if (this.pathOk && this.leafSpans(this.pN[0]!, x)) {
      this.pS[0] = this.searchLeaf(this.pN[0]!, x);
      return;
    }
    // Swap: the current path becomes the second finger.
    const n = this.pN;
    const s = this.pS;
    const ok = this.pathOk;
    this.pN = this.altN;
    this.pS = this.altS;
    this.altN = n;
    this.altS = s;
    this.pathOk = this.altOk;
    this.altOk = ok;
    if (this.pathOk && this.leafSpans(this.pN[0]!, x)) {
      this.pS[0] = this.searchLeaf(this.pN[0]!, x);
      return;
    }
    this.pathOk = true;
    let node = this.root;
    let warm = 0;
    for (let l = this.height; l > 0; l--) {
      this.pN[l] = node;
      // Slot 0 is the fallback: its key only bounds what precedes it.
      const c = Math.max(0, lastAtMost(this.nodeF, node * this.IW + HEAD, 1, this.innerCap, x));
      this.pS[l] = c;
      // Load the slot's summary and the node's mask now, while the child is being
      // fetched: an update of this path will need them, and their misses then overlap.
      warm += this.slotG(node, c) + this.innerMask(node);
      node = this.child(node, c);
    }
    this.pN[0] = node;
    this.pS[0] = this.searchLeaf(node, x);
    this.warm = warm;
  }

  private leafSpans(b: number, x: number): boolean {
    const n = this.leafCount(b);
    return n > 0 && this.lo(b, 0) <= x && x <= this.hi(b, n - 1);
  }

  /** The last slot of leaf b with lo <= x, or -1. */
  private searchLeaf(b: number, x: number): number {
    // The count is not needed to scan (sentinels), but loading it now fetches the
    // header line (count, mask, meta) in parallel with the keys.
    const n = this.leafCount(b);
    return Math.min(n - 1, lastAtMost(this.leafF, b * this.LW + HEAD, 2, this.leafCap, x));
  }

  /** iova.c private_find_iova: put the cursor on the range containing pfn; false if none. */
  seekContaining(pfn: number): boolean {
    this.descend(pfn);
    const s = this.pS[0]!;
    return s >= 0 && this.hi(this.pN[0]!, s) >= pfn;
  }

  /** Cursor on the lowest range with hi >= x (one straddling x or the first above it); false if none. */
  seekHiAtLeast(x: number): boolean {
    this.descend(x);
    const b = this.pN[0]!;
    const s = this.pS[0]!;
    if (s >= 0 && this.hi(b, s) >= x) return true;
    this.pS[0] = s + 1;
    return s + 1 < this.leafCount(b) || this.nextLeafPath();
  }

  /** Cursor to the next range (rb_next); false (cursor unchanged) at the end. */
  stepNext(): boolean {
    const s = this.pS[0]! + 1;
    if (s < this.leafCount(this.pN[0]!)) {
      this.pS[0] = s;
      return true;
    }
    return this.nextLeafPath();
  }

  /** Move the path to slot 0 of the next leaf; false (path unchanged) if there is none. */
  private nextLeafPath(): boolean {
    const pN = this.pN;
    const pS = this.pS;
    let l = 1;
    while (l <= this.height && pS[l]! >= this.innerCount(pN[l]!) - 1) l++;
    if (l > this.height) return false;
    pS[l]!++;
    for (; l > 0; l--) {
      pN[l - 1] = this.child(pN[l]!, pS[l]!);
      pS[l - 1] = 0;
    }
    return true;
  }
}

/**
 * The last i in [0, cap) with a[base + i * stride] <= x, or -1: the keys are sorted and
 * unused slots hold +Infinity, so the scan needs no count. Linear, so its loads are
 * independent and the CPU overlaps the misses of a node not in cache (a binary search
 * waits for one miss per probe); it steps by 4 first (with 16-byte pairs, one key per
 * cache line), then looks at the last few, so it costs about count / 4 + 3 compares.
 */
function lastAtMost(a: Float64Array, base: number, stride: number, cap: number, x: number): number {
  let i = 3;
  while (i < cap && a[base + i * stride]! <= x) i += 4;
  // Every index up to i - 4 holds a key <= x.
  let j = Math.min(i, cap) - 1;
  while (j > i - 4 && a[base + j * stride]! > x) j--;
  return j;
}
