import { highestBelow, lowBits, withBit } from './bitmask.js';
import { EMPTY_G, EMPTY_J, EMPTY_R, gapOrder, gapRoom } from './gap-summary.js';
import { TreeStore } from './tree-store.js';

/**
 * Gap summaries on the B+-tree storage: computing an entry's (order, room), merging a
 * node's summaries (gap-summary.ts), and finding the highest slot that fits a request.
 * Allocation packs ranges, so most gaps are empty: the node masks let the scans and
 * searches visit only the slots that have free space (clz32 finds the next one).
 */
export class TreeSummary extends TreeStore {
  /** Output of the summary scans. */
  protected sG = 0;
  protected sJ = 0;
  protected sR = 0;

  /** Store sG/sJ/sR as the summary of slot c of inner node v. */
  protected storeSlot(v: number, c: number): void {
    this.setSlotSummary(v, c, this.sG, this.sJ, this.sR);
  }

  /**
   * Recompute the order of entry (b, s)'s gap [gapLo, lo), keeping the leaf mask, and put
   * the gap's summary in sG/sJ/sR.
   */
  protected refreshEntry(b: number, s: number): void {
    const g1 = this.lo(b, s);
    const g0 = this.gapLoAt(b, s);
    const j = g1 - g0 <= 0 ? -1 : gapOrder(g0, g1);
    this.setLeafMask(b, withBit(this.leafMask(b), s, j >= 0));
    this.setMeta(b, s, j * 2 + (this.meta(b, s) & 1));
    this.sG = g1 - g0;
    this.sJ = j;
    this.sR = j < 0 ? g1 - g0 : gapRoom(g0, g1, j);
  }

  /** Put entry (b, s)'s summary in sG/sJ/sR. */
  protected entrySummary(b: number, s: number): void {
    const g0 = this.gapLoAt(b, s);
    const g1 = this.lo(b, s);
    const j = this.meta(b, s) >> 1;
    this.sG = g1 - g0;
    this.sJ = j;
    this.sR = gapRoom(g0, g1, j);
  }

  /**
   * sG/sJ/sR = summary of every gap in leaf b: the non-empty gaps (mask), plus (0, -1, 0)
   * if some gap is empty.
   */
  protected scanLeaf(b: number): void {
    const n = this.leafCount(b);
    let m = this.leafMask(b);
    let g = EMPTY_G;
    let j = EMPTY_J;
    let r = EMPTY_R;
    if (n > 0 && m !== lowBits(n)) {
      g = 0;
      j = -1;
      r = 0;
    }
    while (m !== 0) {
      const s = 31 - Math.clz32(m);
      m &= ~(1 << s);
      const g1 = this.lo(b, s);
      const g0 = this.gapLoAt(b, s);
      if (g1 - g0 > g) g = g1 - g0;
      const jj = this.meta(b, s) >> 1;
      if (jj >= j) {
        const rr = gapRoom(g0, g1, jj);
        if (jj > j || rr > r) r = rr;
        j = jj;
      }
    }
    this.sG = g;
    this.sJ = j;
    this.sR = r;
  }

  /**
   * sG/sJ/sR = merge of the child summaries of inner node v: the children with g > 0
   * (mask), plus (0, -1, 0) if some child has none. (A child emptied by a removal, g < 0,
   * also adds (0, -1, 0): harmless, an inner node has a second, non-empty child.)
   */
  protected scanInner(v: number): void {
    let m = this.innerMask(v);
    let g = EMPTY_G;
    let j = EMPTY_J;
    let r = EMPTY_R;
    if (m !== lowBits(this.innerCount(v))) {
      g = 0;
      j = -1;
      r = 0;
    }
    while (m !== 0) {
      const c = 31 - Math.clz32(m);
      m &= ~(1 << c);
      const gc = this.slotG(v, c);
      if (gc > g) g = gc;
      const jj = this.slotJ(v, c);
      const rc = this.slotR(v, c);
      if (jj > j || (jj === j && rc > r)) {
        j = jj;
        r = rc;
      }
    }
    this.sG = g;
    this.sJ = j;
    this.sR = r;
  }

  /** sG/sJ/sR = summary of node `node` at `level` (0 = leaf). */
  protected scanNode(level: number, node: number): void {
    if (level === 0) this.scanLeaf(node);
    else this.scanInner(node);
  }

  /** The highest slot below `below` in leaf b whose gap fits `size` at alignment 2^k, or -1. */
  protected lastFitInLeaf(b: number, below: number, size: number, k: number): number {
    const m = this.leafMask(b);
    for (let s = highestBelow(m, below); s >= 0; s = highestBelow(m, s)) {
      const g1 = this.lo(b, s);
      const g0 = this.gapLoAt(b, s);
      if (g1 - g0 < size) continue; // a fit needs at least `size` free pfns
      if (k < 0) return s;
      const j = this.meta(b, s) >> 1;
      if (j >= k || (j === k - 1 && gapRoom(g0, g1, j) >= size)) return s;
    }
    return -1;
  }

  /** The highest slot below `below` of inner node v whose summary fits, or -1. */
  protected lastFitInInner(v: number, below: number, size: number, k: number): number {
    const m = this.innerMask(v);
    for (let c = highestBelow(m, below); c >= 0; c = highestBelow(m, c)) {
      if (this.slotFits(v, c, size, k)) return c;
    }
    return -1;
  }

  protected slotFits(v: number, c: number, size: number, k: number): boolean {
    if (k < 0) return this.slotG(v, c) >= size;
    const j = this.slotJ(v, c);
    return j >= k || (j === k - 1 && this.slotR(v, c) >= size);
  }

}
