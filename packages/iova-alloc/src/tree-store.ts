import { withBit } from './bitmask.js';

/** No node / no slot. */
export const NIL = -1;

/** Entry flag: the range was created or touched by reserve_iova. */
export const NODE_RESERVED = 1;

/** Deepest tree the path arrays hold (a height-40 tree with fan-out >= 2 is 2^40 leaves). */
export const MAX_HEIGHT = 40;

export interface TreeShape {
  /** Entries per leaf (4..32; default 32). */
  readonly leafCap?: number;
  /** Children per inner node (4..32; default 32). */
  readonly innerCap?: number;
}

/**
 * Node sizes used when a tree is built without a shape (IovaDomain's tree). Internal:
 * tests shrink them to grow deep trees from small random workloads.
 */
export const treeDefaults: { leafCap: number; innerCap: number } = { leafCap: 32, innerCap: 32 };

/** Doubles of a node's header: the first 64 bytes. */
export const HEAD = 8;

/**
 * Storage of the allocated-range B+-tree (invariants in tree.ts). Leaves and inner nodes
 * live in two pools, each one ArrayBuffer seen as float64, int32 and int8, and grow by
 * doubling. A node is one contiguous block (576 bytes for a 32-slot leaf, 960 for a
 * 32-slot inner node) whose first 64 bytes (one cache line) hold its small fields, so
 * touching a node costs one or two pages and a few cache lines; its
 * keys are contiguous, so a linear scan issues independent loads that the CPU overlaps,
 * where a binary search through a node that is not in cache waits for one miss per probe.
 *
 * Leaf block (LW doubles):
 *   header: gap0 (f64), count, mask, next, prev (int32), meta[leafCap] (int8)
 *   then (lo, hi) of each range (f64 pairs).
 * Unused slots hold lo = +Infinity, and unused inner slots key = +Infinity: a scan for
 * "the last key <= x" then stops by itself, without waiting for the count in the header.
 * meta = order * 2 + flags, where order (gap-summary.ts: j) describes the free gap *below*
 * the range, [gapLo, lo): gapLo is the previous range's hi + 1, or gap0 for slot 0 (the
 * hi + 1 of the range before the leaf, 0 for the first leaf). Gap lengths and rooms are
 * computed when needed, which keeps a range at 17 bytes. mask bit s: range s has a
 * non-empty gap. Leaves are linked (next, prev) in pfn order.
 *
 * Inner block (IW doubles):
 *   header: count, mask (int32), j[innerCap] (int8)
 *   then keys (f64), child indices (int32), and the (g, r) of each child's summary.
 * A key is its child's separator: every range before the child ends below it, every
 * range in it starts at or above it. (g, j, r) is the gap summary (gap-summary.ts) of the
 * child's whole subtree; mask bit c: child c has g > 0.
 *
 * The path (pN, pS) is the cursor: pN[0] is a leaf and pS[0] a slot in it, pN[l] for
 * l = 1..height the inner node at level l and pS[l] the slot of pN[l - 1] in it.
 */
export class TreeStore {
  readonly leafCap: number;
  readonly innerCap: number;
  /** Non-root nodes hold at least this many entries / children. */
  readonly minLeaf: number;
  readonly minInner: number;

  /** Doubles per leaf block / inner block. */
  protected readonly LW: number;
  protected readonly IW: number;
  /** Inner block offsets: children (in int32s) and (g, r) pairs (in doubles). */
  protected readonly childOff: number;
  protected readonly sumOff: number;

  leafF: Float64Array;
  leafI: Int32Array;
  leafB: Int8Array;
  nodeF: Float64Array;
  nodeI: Int32Array;
  nodeB: Int8Array;

  root: number;
  /** 0 when the root is a leaf. */
  height = 0;
  /** Live entries. */
  count = 0;

  pN = new Int32Array(MAX_HEIGHT + 1);
  pS = new Int32Array(MAX_HEIGHT + 1);
  /** The path names real nodes (false after a split, merge or borrow until the next descent). */
  protected pathOk = false;
  /**
   * The path before the last full descent, kept as a second finger (tree.ts descend):
   * the allocator alternates between the range it frees and its cached node.
   */
  protected altN = new Int32Array(MAX_HEIGHT + 1);
  protected altS = new Int32Array(MAX_HEIGHT + 1);
  protected altOk = false;

  /** A split, merge or borrow moved slots between nodes: no saved path is valid. */
  protected invalidatePaths(): void {
    this.pathOk = false;
    this.altOk = false;
  }

  private leafPool = 4;
  private leafFresh = 0;
  private readonly leafFree: number[] = [];
  private innerPool = 2;
  private innerFresh = 0;
  private readonly innerFree: number[] = [];

  constructor(shape: TreeShape = {}) {
    const L = (this.leafCap = shape.leafCap ?? treeDefaults.leafCap);
    const F = (this.innerCap = shape.innerCap ?? treeDefaults.innerCap);
    if (!(Number.isInteger(L) && Number.isInteger(F) && L >= 4 && F >= 4 && L <= 32 && F <= 32)) {
      throw new RangeError('IovaTree: leafCap and innerCap must be integers in 4..32 (one mask bit per slot)');
    }
    this.minLeaf = L >> 2;
    // Two children at least, so an underfull node always has a sibling to merge with.
    this.minInner = Math.max(2, F >> 2);
    this.LW = HEAD + 2 * L;
    this.childOff = (HEAD + F) * 2;
    this.sumOff = HEAD + F + Math.ceil(F / 2);
    this.IW = this.sumOff + 2 * F;
    const lb = new ArrayBuffer(this.leafPool * this.LW * 8);
    this.leafF = new Float64Array(lb);
    this.leafI = new Int32Array(lb);
    this.leafB = new Int8Array(lb);
    const nb = new ArrayBuffer(this.innerPool * this.IW * 8);
    this.nodeF = new Float64Array(nb);
    this.nodeI = new Int32Array(nb);
    this.nodeB = new Int8Array(nb);
    this.root = this.newLeaf();
    this.setGap0(this.root, 0);
  }

  // ---------------------------------------------------------- leaf fields

  lo(b: number, s: number): number {
    return this.leafF[b * this.LW + HEAD + 2 * s]!;
  }
  hi(b: number, s: number): number {
    return this.leafF[b * this.LW + HEAD + 2 * s + 1]!;
  }
  /** order * 2 + flags of entry (b, s). */
  meta(b: number, s: number): number {
    return this.leafB[b * this.LW * 8 + 24 + s]!;
  }
  protected setMeta(b: number, s: number, v: number): void {
    this.leafB[b * this.LW * 8 + 24 + s] = v;
  }
  gap0(b: number): number {
    return this.leafF[b * this.LW]!;
  }
  protected setGap0(b: number, v: number): void {
    this.leafF[b * this.LW] = v;
  }
  leafCount(b: number): number {
    return this.leafI[b * this.LW * 2 + 2]!;
  }
  /** Set the entry count; slots it gives up get the +Infinity sentinel as lo. */
  protected setLeafCount(b: number, v: number): void {
    const f = b * this.LW + HEAD;
    for (let s = this.leafCount(b) - 1; s >= v; s--) this.leafF[f + 2 * s] = Infinity;
    this.leafI[b * this.LW * 2 + 2] = v;
  }
  leafMask(b: number): number {
    return this.leafI[b * this.LW * 2 + 3]!;
  }
  protected setLeafMask(b: number, v: number): void {
    this.leafI[b * this.LW * 2 + 3] = v;
  }
  nextLeaf(b: number): number {
    return this.leafI[b * this.LW * 2 + 4]!;
  }
  protected setNextLeaf(b: number, v: number): void {
    this.leafI[b * this.LW * 2 + 4] = v;
  }
  prevLeaf(b: number): number {
    return this.leafI[b * this.LW * 2 + 5]!;
  }
  protected setPrevLeaf(b: number, v: number): void {
    this.leafI[b * this.LW * 2 + 5] = v;
  }

  // --------------------------------------------------------- inner fields

  innerCount(v: number): number {
    return this.nodeI[v * this.IW * 2]!;
  }
  /** Set the child count; slots it gives up get the +Infinity sentinel as key. */
  protected setInnerCount(v: number, n: number): void {
    const f = v * this.IW + HEAD;
    for (let c = this.innerCount(v) - 1; c >= n; c--) this.nodeF[f + c] = Infinity;
    this.nodeI[v * this.IW * 2] = n;
  }
  innerMask(v: number): number {
    return this.nodeI[v * this.IW * 2 + 1]!;
  }
  protected setInnerMask(v: number, m: number): void {
    this.nodeI[v * this.IW * 2 + 1] = m;
  }
  key(v: number, c: number): number {
    return this.nodeF[v * this.IW + HEAD + c]!;
  }
  protected setKey(v: number, c: number, k: number): void {
    this.nodeF[v * this.IW + HEAD + c] = k;
  }
  child(v: number, c: number): number {
    return this.nodeI[v * this.IW * 2 + this.childOff + c]!;
  }
  /** Summary (g, j, r) of slot c of inner node v. */
  slotG(v: number, c: number): number {
    return this.nodeF[v * this.IW + this.sumOff + 2 * c]!;
  }
  slotJ(v: number, c: number): number {
    return this.nodeB[v * this.IW * 8 + 8 + c]!;
  }
  slotR(v: number, c: number): number {
    return this.nodeF[v * this.IW + this.sumOff + 2 * c + 1]!;
  }

  /** Set slot c of inner node v to (key, child, g, j, r). */
  protected setSlot(v: number, c: number, key: number, child: number, g: number, j: number, r: number): void {
    this.setKey(v, c, key);
    this.nodeI[v * this.IW * 2 + this.childOff + c] = child;
    this.setSlotSummary(v, c, g, j, r);
  }

  /** Store summary (g, j, r) in slot c of inner node v, keeping its mask bit. */
  protected setSlotSummary(v: number, c: number, g: number, j: number, r: number): void {
    const f = v * this.IW + this.sumOff + 2 * c;
    this.nodeF[f] = g;
    this.nodeF[f + 1] = r;
    this.nodeB[v * this.IW * 8 + 8 + c] = j;
    this.setInnerMask(v, withBit(this.innerMask(v), c, g > 0));
  }

  // ------------------------------------------------------------------ pools

  protected newLeaf(): number {
    let b = this.leafFree.pop();
    if (b === undefined) {
      if (this.leafFresh === this.leafPool) this.growLeaves();
      b = this.leafFresh++;
    }
    this.leafI[b * this.LW * 2 + 2] = this.leafCap;
    this.setLeafCount(b, 0); // every lo slot gets the sentinel
    this.setLeafMask(b, 0);
    this.setNextLeaf(b, NIL);
    this.setPrevLeaf(b, NIL);
    return b;
  }

  protected freeLeaf(b: number): void {
    this.leafFree.push(b);
  }

  protected newInner(): number {
    let v = this.innerFree.pop();
    if (v === undefined) {
      if (this.innerFresh === this.innerPool) this.growInner();
      v = this.innerFresh++;
    }
    this.nodeI[v * this.IW * 2] = this.innerCap;
    this.setInnerCount(v, 0); // every key slot gets the sentinel
    this.setInnerMask(v, 0);
    return v;
  }

  protected freeInner(v: number): void {
    this.innerFree.push(v);
  }

  private growLeaves(): void {
    this.leafPool *= 2;
    const buf = new ArrayBuffer(this.leafPool * this.LW * 8);
    new Float64Array(buf).set(this.leafF);
    this.leafF = new Float64Array(buf);
    this.leafI = new Int32Array(buf);
    this.leafB = new Int8Array(buf);
  }

  private growInner(): void {
    this.innerPool *= 2;
    const buf = new ArrayBuffer(this.innerPool * this.IW * 8);
    new Float64Array(buf).set(this.nodeF);
    this.nodeF = new Float64Array(buf);
    this.nodeI = new Int32Array(buf);
    this.nodeB = new Int8Array(buf);
  }

  // -------------------------------------------------------------- entries

  /** First pfn of the gap below entry (b, s). */
  protected gapLoAt(b: number, s: number): number {
    return s > 0 ? this.hi(b, s - 1) + 1 : this.gap0(b);
  }

  /** Move entries [sSrc, sSrc + n) of leaf bSrc to slot sDst of leaf bDst (overlap allowed). */
  protected moveEntries(bDst: number, sDst: number, bSrc: number, sSrc: number, n: number): void {
    if (n <= 0) return;
    const f = this.leafF;
    const m = this.leafB;
    const d = bDst * this.LW + HEAD + 2 * sDst;
    const s = bSrc * this.LW + HEAD + 2 * sSrc;
    const db = bDst * this.LW * 8 + 24 + sDst;
    const sb = bSrc * this.LW * 8 + 24 + sSrc;
    if (n > 16) {
      f.copyWithin(d, s, s + 2 * n);
      m.copyWithin(db, sb, sb + n);
    } else if (d > s) {
      // A short shift: a loop beats the call overhead of copyWithin.
      for (let i = n - 1; i >= 0; i--) {
        f[d + 2 * i] = f[s + 2 * i]!;
        f[d + 2 * i + 1] = f[s + 2 * i + 1]!;
        m[db + i] = m[sb + i]!;
      }
    } else {
      for (let i = 0; i < n; i++) {
        f[d + 2 * i] = f[s + 2 * i]!;
        f[d + 2 * i + 1] = f[s + 2 * i + 1]!;
        m[db + i] = m[sb + i]!;
      }
    }
  }

  /** Move slots [cSrc, cSrc + n) of inner node vSrc to slot cDst of vDst (overlap allowed). */
  protected moveSlots(vDst: number, cDst: number, vSrc: number, cSrc: number, n: number): void {
    if (n <= 0) return;
    const d = vDst * this.IW;
    const s = vSrc * this.IW;
    this.nodeF.copyWithin(d + HEAD + cDst, s + HEAD + cSrc, s + HEAD + cSrc + n);
    const so = this.sumOff;
    this.nodeF.copyWithin(d + so + 2 * cDst, s + so + 2 * cSrc, s + so + 2 * (cSrc + n));
    const co = this.childOff;
    this.nodeI.copyWithin(d * 2 + co + cDst, s * 2 + co + cSrc, s * 2 + co + cSrc + n);
    this.nodeB.copyWithin(d * 8 + 8 + cDst, s * 8 + 8 + cSrc, s * 8 + 8 + cSrc + n);
  }

  /** Recompute the mask of leaf b / inner node v (after entries or slots moved). */
  protected remaskLeaf(b: number): void {
    let m = 0;
    for (let s = 0; s < this.leafCount(b); s++) if (this.meta(b, s) >> 1 >= 0) m |= 1 << s;
    this.setLeafMask(b, m);
  }
  protected remaskInner(v: number): void {
    let m = 0;
    for (let c = 0; c < this.innerCount(v); c++) if (this.slotG(v, c) > 0) m |= 1 << c;
    this.setInnerMask(v, m);
  }

  /** Number of entries (level 0) or children of a node. */
  protected sizeOf(level: number, node: number): number {
    return level === 0 ? this.leafCount(node) : this.innerCount(node);
  }
}
