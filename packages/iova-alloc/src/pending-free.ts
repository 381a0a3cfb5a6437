import { alignDownOrder } from './bits.js';
import type { IovaTree } from './tree.js';

/**
 * A free whose tree removal IovaDomain defers. Drivers free a range and soon allocate
 * the same size again, which in Linux lands in the hole just made (the cached node moved
 * to the freed node's successor, or the hole is the first fit below the cached node).
 * Removing the range (entries shift, gap summaries change up the tree) and inserting its
 * replacement (the same again, backwards) is most of the cost of such a pair, so the
 * domain leaves the freed range P in the tree and lets the next allocation overwrite it
 * in place (IovaTree.replaceAtCursor). Every other call carries out the removal first
 * (IovaDomain.settle), so only allocBesidePending ever sees the tree with P still in it.
 *
 * The logical tree (Linux's) differs from the physical one (P present) in one place: the
 * gap of P's successor S is [gapLo, S.lo) instead of the two gaps [gapLo, P.lo) and
 * [P.hi + 1, S.lo). `lo < 0`: nothing pending.
 */
export interface PendingFree {
  lo: number;
  hi: number;
  /** First pfn of the gap below P: the previous range's hi + 1 (0 if none). */
  gapLo: number;
  /** lo of P's successor S (the anchor at worst: P is never the anchor). */
  next: number;
}

/** allocBesidePending's answer when the pending removal must be carried out first. */
export const SETTLE = -2;

/**
 * Pass 1 of drivers/iommu/iova.c __alloc_and_insert_iova_range (see search.ts) on the
 * logical tree, while P is still in the physical one. Returns the new range's pfn_lo,
 * inserted (the cursor is on it; P is gone from the logical tree only if the range went
 * into its hole, which the caller learns from `p`'s lo turning -1), or SETTLE when the
 * answer needs more than pass 1 from a start above P (pass-1 failure and the retry, a
 * start node at or above the limit, a start below P): the caller then removes P and runs
 * the ordinary search, which gives the same answer Linux gives.
 *
 * Why pass 1 is exact here: search.ts finds F, the first gap below the start (from the
 * top) that fits; the result is a_F when a_F >= low, else failure. Gaps whose owner lies
 * above S are the same in both trees, so if the physical F is one of them it is the
 * logical F. Otherwise no gap above S fits, and the logical F is S's merged gap if that
 * fits (it holds both physical gaps around P, with the same upper end, so it fits
 * whenever either does, at the same or a higher pfn), else the physical F, below P.
 */
export function allocBesidePending(
  t: IovaTree,
  p: PendingFree,
  startLo: number,
  limitExcl: number,
  size: number,
  k: number,
  low: number,
): number {
  // The start node is the cached node: always live, never P.
  t.seekContaining(startLo);
  if (t.curHi() >= limitExcl) return SETTLE; // the walk starts at the limit node: search.ts
  const sLo = t.curLo();
  if (sLo < p.next) return SETTLE; // P lies above the start: only the retry pass reaches it
  const k0 = k < 0 ? 0 : k;
  const top = Math.min(limitExcl, sLo);
  if (top < size) return SETTLE;
  // The physical F: its owner's lo (-1: none) and the pfn it would give.
  let a = alignDownOrder(top - size, k0);
  let owner = sLo;
  if (a < t.curGapLo()) {
    // Only a fit above S matters here; the search may stop once the rest lies below S.
    if (t.highestFitBelowCursor(size, k, p.next)) {
      owner = t.curLo();
      a = alignDownOrder(owner - size, k0);
    } else owner = -1;
  }
  if (owner > p.next) {
    if (a < low) return SETTLE;
    t.insertBeforeCursor(a, a + size - 1, 0);
    return a;
  }
  // S's merged gap [p.gapLo, S.lo): S's own gap is capped by the limit only when S starts the walk.
  const high = sLo === p.next ? top : p.next;
  if (high >= size) {
    const am = alignDownOrder(high - size, k0);
    if (am >= p.gapLo && am >= low) {
      t.seekContaining(p.lo);
      if (!t.replaceAtCursor(am, am + size - 1, 0)) {
        t.removeAtCursor();
        t.insert(am, am + size - 1, 0);
      }
      p.lo = -1;
      return am;
    }
  }
  // The merged gap does not fit, so neither does anything between it and the start: a
  // physical F found below P (the cursor is still on its owner) is the logical one. (-1:
  // the search stopped at S, so F, if any, is still to be found: the ordinary search.)
  if (owner >= 0 && a >= low) {
    t.insertBeforeCursor(a, a + size - 1, 0);
    return a;
  }
  return SETTLE;
}
