import { POW2, alignUpOrder, floorLog2 } from './bits.js';

/**
 * Summaries of free gaps, exact for the fit test of drivers/iommu/iova.c
 * `__alloc_and_insert_iova_range` (a gap [g0, g1) fits `size` at alignment 2^k iff
 * alignDown(g1 - size, 2^k) >= g0).
 *
 * A summary is three numbers (g, j, r):
 * - g: the gap length (for a set of gaps: the longest);
 * - j: the largest order such that the gap holds a naturally aligned 2^j block
 *   (-1 for an empty gap);
 * - r: the "room" at the next alignment, g1 - alignUp(g0, 2^(j+1)) (0 for an empty gap).
 * A set of gaps is summarised by (max g, lexicographic max of (j, r)); both parts are
 * plain maxima, so summaries merge associatively and the empty set is EMPTY_*.
 *
 * Why the fit test on a summary is exact, for 2^(k-1) < size <= 2^k (fls(size - 1) = k):
 * - a gap holding an aligned 2^k block fits (place the range at that block);
 * - a fit [p, p + size) with p a multiple of 2^k contains the aligned 2^(k-1) block
 *   [p, p + 2^(k-1)), so a gap whose largest aligned block is below 2^(k-1) never fits;
 * - with largest aligned block exactly 2^(k-1), it fits iff the room after the lowest
 *   2^k-aligned pfn is at least size (r).
 * For a set: if the lexicographic max has j >= k some gap fits; if it has j = k - 1, no
 * gap has j >= k and the gaps with j = k - 1 fit iff the largest of their rooms does.
 * Unaligned requests (k < 0) fit iff the longest gap is at least size.
 */

export const EMPTY_G = -1;
export const EMPTY_J = -2;
export const EMPTY_R = -Infinity;

/** j of the gap [g0, g1): the largest naturally aligned block it holds (-1 if empty). */
export function gapOrder(g0: number, g1: number): number {
  const len = g1 - g0;
  if (len <= 0) return -1;
  // The largest aligned block is 2^c or 2^(c-1) where c = floor(log2(len)): a gap of
  // length >= 2^c always holds an aligned 2^(c-1) block.
  const c = floorLog2(len);
  const p = POW2[c]!;
  return alignUpOrder(g0, c) + p <= g1 ? c : c - 1;
}

/** r of the gap [g0, g1) with order j (from gapOrder). */
export function gapRoom(g0: number, g1: number, j: number): number {
  return j < 0 ? g1 - g0 : g1 - alignUpOrder(g0, j + 1);
}

/** Does a gap (or a set of gaps) with summary (g, j, r) fit `size` at alignment 2^k? */
export function summaryFits(g: number, j: number, r: number, size: number, k: number): boolean {
  if (k < 0) return g >= size;
  return j >= k || (j === k - 1 && r >= size);
}
