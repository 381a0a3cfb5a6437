import { highestBelow, lowBits, withBit } from './bitmask.js';
import { EMPTY_G, EMPTY_J, EMPTY_R, gapOrder, gapRoom } from './gap-summary.js';
import { HEAD, TreeStore } from './tree-store.js';

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

  /** Merge summary (g, j, r) into sG/sJ/sR (gap-summary.ts: a pair of maxima). */
  protected mergeSummary(g: number, j: number, r: number): void {
    if (g > this.sG) this.sG = g;
    if (j > this.sJ || (j === this.sJ && r > this.sR)) {
      this.sJ = j;
      this.sR = r;
    }
  }

  /**
   * sG/sJ/sR = summary of every gap in leaf b: the non-empty gaps (mask), plus (0, -1, 0)
   * if some gap is empty.
   */
  protected scanLeaf(b: number): void {
    const f = this.leafF;
    const mb = this.leafB;
    const x0 = b * this.LW + HEAD;
    const m0 = b * this.LW * 8 + 24;
    const n = this.leafI[b * this.LW * 2 + 2]!;
    let m = this.leafI[b * this.LW * 2 + 3]!;
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
      const g1 = f[x0 + 2 * s]!;
      const g0 = s > 0 ? f[x0 + 2 * s - 1]! + 1 : f[b * this.LW]!;
      if (g1 - g0 > g) g = g1 - g0;
      const jj = mb[m0 + s]! >> 1;
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
    const nf = this.nodeF;
    const nb = this.nodeB;
    const q0 = v * this.IW + this.sumOff; // (g, r) pairs
    const j0 = v * this.IW * 8 + 8; // j bytes
    let m = this.nodeI[v * this.IW * 2 + 1]!;
    let g = EMPTY_G;
    let j = EMPTY_J;
    let r = EMPTY_R;
    if (m !== lowBits(this.nodeI[v * this.IW * 2]!)) {
      g = 0;
      j = -1;
      r = 0;
    }
    while (m !== 0) {
      const c = 31 - Math.clz32(m);
      m &= ~(1 << c);
      const gc = nf[q0 + 2 * c]!;
      if (gc > g) g = gc;
      const jj = nb[j0 + c]!;
      const rc = nf[q0 + 2 * c + 1]!;
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

  // The fit searches run on every allocation that does not fit right below its start
  // node: direct array reads (tree-store.ts layout), no accessor calls in the loops.

  /** The highest slot below `below` in leaf b whose gap fits `size` at alignment 2^k, or -1. */
  protected lastFitInLeaf(b: number, below: number, size: number, k: number): number {
    const f = this.leafF;
    const mb = this.leafB;
    const x0 = b * this.LW + HEAD;
    const m0 = b * this.LW * 8 + 24;
    const m = this.leafI[b * this.LW * 2 + 3]!;
    for (let s = highestBelow(m, below); s >= 0; s = highestBelow(m, s)) {
      const g1 = f[x0 + 2 * s]!;
      const g0 = s > 0 ? f[x0 + 2 * s - 1]! + 1 : f[b * this.LW]!;
      if (g1 - g0 < size) continue; // a fit needs at least `size` free pfns
      if (k < 0) return s;
      const j = mb[m0 + s]! >> 1;
      if (j >= k || (j === k - 1 && gapRoom(g0, g1, j) >= size)) return s;
    }
    return -1;
  }

  /** The highest slot below `below` of inner node v whose summary fits, or -1. */
  protected lastFitInInner(v: number, below: number, size: number, k: number): number {
    const m = this.nodeI[v * this.IW * 2 + 1]!;
    for (let c = highestBelow(m, below); c >= 0; c = highestBelow(m, c)) {
      if (this.slotFits(v, c, size, k)) return c;
    }
    return -1;
  }

  protected slotFits(v: number, c: number, size: number, k: number): boolean {
    const q = v * this.IW + this.sumOff + 2 * c; // (g, r) of the slot
    if (k < 0) return this.nodeF[q]! >= size;
    const j = this.nodeB[v * this.IW * 8 + 8 + c]!;
    return j >= k || (j === k - 1 && this.nodeF[q + 1]! >= size);
  }
}
