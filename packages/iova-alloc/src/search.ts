import { POW2, alignDown } from './bits.js';
import { IovaTree, NIL } from './tree.js';

/**
 * One pass of drivers/iommu/iova.c `__alloc_and_insert_iova_range`'s top-down walk, in
 * O(log n). Returns the chosen pfn_lo (and the node whose gap holds it), or -1.
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
 * `IovaTree.highestFitBelow` finds F below the start exactly via subtree aggregates.
 */
export function searchPass(
  tree: IovaTree,
  startNode: number,
  limitExcl: number,
  size: number,
  k: number,
  low: number,
): { pfn: number; gapOwner: number } | undefined {
  // A start node ending below the limit is below the limit node: no need to find it.
  const x = tree.hi(startNode) < limitExcl ? startNode : tree.lowestHiAtLeast(limitExcl);
  const align = k < 0 ? 1 : POW2[k]!;
  const top = Math.min(limitExcl, tree.lo(x));
  if (top < size) return undefined; // (high - size) wraps: the kernel fails here
  let a = alignDown(top - size, align);
  let owner = x;
  if (a < tree.gapLo(x)) {
    owner = tree.highestFitBelow(tree.lo(x), size, k);
    if (owner === NIL) return undefined;
    a = alignDown(tree.lo(owner) - size, align);
  }
  return a >= low ? { pfn: a, gapOwner: owner } : undefined;
}
