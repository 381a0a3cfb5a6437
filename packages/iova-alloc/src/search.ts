import { alignDownOrder } from './bits.js';
import type { IovaTree } from './tree.js';

/**
 * One pass of drivers/iommu/iova.c `__alloc_and_insert_iova_range`'s top-down walk, in
 * O(log n). The tree cursor must be on the start node (the cached node, or any node at
 * or above the limit node for the retry). Returns the chosen pfn_lo, with the cursor on
 * the node whose gap holds it, or -1.
 *
 * The kernel walk, from start node C0 with high = limitExcl:
 *   repeat: high = min(high, C_i.lo); a_i = (high - size) & alignMask; C_{i+1} = rb_prev(C_i)
 *   while C_{i+1} && a_i <= C_{i+1}.hi && a_i >= low
 *   fail if high < size (unsigned wrap) or a_i < low, else allocate at a_i.
 *
 * Equivalence with "the highest fitting gap below the start, then check low":
 * 1. Lo values fall along the walk, so high_i = min(limitExcl, C_i.lo) and a_i are
 *    non-increasing; "high_i < size" and "a_i < low" are therefore monotone: once true
 *    they stay true, and any stop caused by them is a failure.
 * 2. Otherwise the walk stops at the first i whose gap (C_{i+1}.hi, high_i) holds a_i,
 *    i.e. alignDown(high_i - size) >= gapLo(C_i) (the lowest node's gap starts at 0,
 *    which mirrors "no predecessor: stop"). If that first fitting gap F has
 *    a_F >= low and high_F >= size, every earlier gap had larger a and high, so the
 *    walk passed them and returns a_F; if not, the walk failed at or before F.
 *    So: result = a_F if a_F >= low (and no wrap), else failure.
 * 3. Nodes above the lowest node L with hi >= limitExcl never fit: their predecessor
 *    ends at or above limitExcl > a. Starting at C0 above L (or at the anchor, as the
 *    retry does for 64-bit limits, or at iova_find_limit's node) is the same as
 *    starting at L. Below the start only the start's own gap is capped by limitExcl.
 * 4. Finding F below the start: `IovaTree.highestFitBelowCursor` scans the start's leaf
 *    downward, then, level by level up the cursor's path, the sibling subtrees left of
 *    it from the nearest down. Each entry stores its gap's (order, room) and each inner
 *    slot the exact summary of its subtree's gaps (gap-summary.ts proves "some gap fits
 *    iff the summary fits"), so the first fitting subtree met holds F, and descending
 *    through the rightmost fitting child at each level reaches it. Every node skipped
 *    lies between F and the start, so none of its gaps fits, as the kernel walk finds.
 */
export function searchPass(tree: IovaTree, limitExcl: number, size: number, k: number, low: number): number {
  // A start node ending below the limit is below the limit node: no need to find it.
  if (tree.curHi() >= limitExcl) tree.seekHiAtLeast(limitExcl);
  const k0 = k < 0 ? 0 : k; // no alignment: 2^0
  const top = Math.min(limitExcl, tree.curLo());
  if (top < size) return -1; // (high - size) wraps: the kernel fails here
  let a = alignDownOrder(top - size, k0);
  if (a < tree.curGapLo()) {
    if (!tree.highestFitBelowCursor(size, k)) return -1;
    a = alignDownOrder(tree.curLo() - size, k0);
  }
  return a >= low ? a : -1;
}
