import { EMPTY_G, EMPTY_J, EMPTY_R, gapOrder, gapRoom } from './gap-summary.js';
import { NIL } from './tree-store.js';
import type { IovaTree } from './tree.js';

interface Summary {
  g: number;
  j: number;
  r: number;
}

/**
 * Full consistency check of an IovaTree (tests, checkInvariants): order, gaps and their
 * stored summaries, leaf links, fill, uniform depth, separator keys and every inner
 * summary recomputed from the entries. Returns the first problem found.
 */
export function checkTree(t: IovaTree): string | undefined {
  const L = t.leafCap;
  const leaves: number[] = [];
  let prevHi = -1; // hi of the last range visited in order
  let total = 0;

  const merge = (a: Summary, b: Summary): Summary => ({
    g: Math.max(a.g, b.g),
    ...(b.j > a.j || (b.j === a.j && b.r > a.r) ? { j: b.j, r: b.r } : { j: a.j, r: a.r }),
  });

  // Visits a subtree in order; returns its summary and its lowest lo (Infinity if empty).
  const visit = (node: number, level: number, isRoot: boolean): { s: Summary; minLo: number } => {
    let s: Summary = { g: EMPTY_G, j: EMPTY_J, r: EMPTY_R };
    if (level === 0) {
      leaves.push(node);
      const n = t.leafCount(node);
      if (n > L || (!isRoot && n < t.minLeaf)) throw new Error(`leaf ${node} holds ${n}`);
      if (t.gap0(node) !== prevHi + 1) throw new Error(`leaf ${node} gap0 ${t.gap0(node)} != ${prevHi + 1}`);
      let minLo = Infinity;
      let nonEmpty = 0;
      for (let i = 0; i < n; i++) {
        const lo = t.lo(node, i);
        const hi = t.hi(node, i);
        if (lo > hi) throw new Error(`range [${lo}, ${hi}] has lo > hi`);
        if (lo <= prevHi) throw new Error(`range at ${lo} overlaps or precedes ${prevHi}`);
        const j = gapOrder(prevHi + 1, lo);
        const r = gapRoom(prevHi + 1, lo, j);
        if (t.meta(node, i) >> 1 !== j) throw new Error(`stale gap order at ${lo}`);
        if (j >= 0) nonEmpty |= 1 << i;
        s = merge(s, { g: lo - prevHi - 1, j, r });
        minLo = Math.min(minLo, lo);
        prevHi = hi;
        total++;
      }
      for (let i = n; i < L; i++) if (t.lo(node, i) !== Infinity) throw new Error(`leaf ${node} slot ${i} lacks the sentinel`);
      if (nonEmpty !== t.leafMask(node)) throw new Error(`leaf ${node} mask ${t.leafMask(node)} != ${nonEmpty}`);
      return { s, minLo };
    }
    const n = t.innerCount(node);
    let nonEmpty = 0;
    if (n > t.innerCap || n < (isRoot ? 2 : t.minInner)) throw new Error(`inner node ${node} holds ${n} children`);
    let minLo = Infinity;
    for (let c = 0; c < n; c++) {
      const key = t.key(node, c);
      // Also slot 0 unless nothing precedes: children move between nodes with their keys.
      if (prevHi >= 0 && !(prevHi < key)) throw new Error(`key ${key} not above the ranges before it (${prevHi})`);
      const sub = visit(t.child(node, c), level - 1, false);
      if (key > sub.minLo) throw new Error(`key ${key} above its child's first range ${sub.minLo}`);
      const stored = { g: t.slotG(node, c), j: t.slotJ(node, c), r: t.slotR(node, c) };
      if (stored.g > 0) nonEmpty |= 1 << c;
      if (stored.g !== sub.s.g || stored.j !== sub.s.j || stored.r !== sub.s.r) {
        throw new Error(`stale summary in node ${node} slot ${c}: ${JSON.stringify(stored)} vs ${JSON.stringify(sub.s)}`);
      }
      s = merge(s, sub.s);
      minLo = Math.min(minLo, sub.minLo);
    }
    for (let c = n; c < t.innerCap; c++) if (t.key(node, c) !== Infinity) throw new Error(`inner node ${node} slot ${c} lacks the sentinel`);
    if (nonEmpty !== t.innerMask(node)) throw new Error(`inner node ${node} mask ${t.innerMask(node)} != ${nonEmpty}`);
    return { s, minLo };
  };

  try {
    visit(t.root, t.height, true);
    if (total !== t.count) throw new Error(`count ${t.count} but ${total} ranges`);
    for (let i = 0; i < leaves.length; i++) {
      const b = leaves[i]!;
      if (t.nextLeaf(b) !== (leaves[i + 1] ?? NIL)) throw new Error(`leaf ${b} next link`);
      if (t.prevLeaf(b) !== (i > 0 ? leaves[i - 1]! : NIL)) throw new Error(`leaf ${b} prev link`);
    }
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
