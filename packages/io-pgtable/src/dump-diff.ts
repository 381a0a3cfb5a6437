import { hex } from './num.js';
import type { PteDumpRow } from './types.js';

/** One entry present in both dumps whose contents differ. */
export interface DumpChange {
  before: PteDumpRow;
  after: PteDumpRow;
  /** Which of kind, value, oa, size, table (tablePa), flags changed. */
  fields: string[];
}

export interface DumpDiff {
  added: PteDumpRow[];
  removed: PteDumpRow[];
  changed: DumpChange[];
  /** One line per difference ('+', '-', '~'), in IOVA order; 'no differences' when there are none. */
  text: string;
}

/** An entry's place: its level, the first IOVA it covers and its index (replicas differ by index). */
const keyOf = (r: PteDumpRow): string => `${r.level}:${r.iova.toString(16)}:${r.index}`;

function describe(r: PteDumpRow): string {
  const what = r.kind === 'table' ? 'table' : 'leaf ';
  return `L${r.level}[${r.index.toString().padStart(3, '0')}] iova ${hex(r.iova)}+${hex(r.size)} ${what} ${hex(r.value)} -> ${hex(r.oa)}  ${r.flags.join(' ')}`;
}

function changes(a: PteDumpRow, b: PteDumpRow): string[] {
  const f: string[] = [];
  if (a.kind !== b.kind) f.push('kind');
  if (a.value !== b.value) f.push('value');
  if (a.oa !== b.oa) f.push('oa');
  if (a.size !== b.size) f.push('size');
  if (a.tablePa !== b.tablePa) f.push('table');
  if (a.flags.join(' ') !== b.flags.join(' ')) f.push('flags');
  return f;
}

function changeText(c: DumpChange): string {
  const { before: a, after: b } = c;
  const parts: string[] = [];
  if (a.kind !== b.kind) parts.push(`${a.kind} → ${b.kind}`);
  if (a.value !== b.value) parts.push(`value ${hex(a.value)} → ${hex(b.value)}`);
  if (a.oa !== b.oa) parts.push(`oa ${hex(a.oa)} → ${hex(b.oa)}`);
  if (a.size !== b.size) parts.push(`size ${hex(a.size)} → ${hex(b.size)}`);
  if (a.tablePa !== b.tablePa) parts.push(`in table ${hex(a.tablePa)} → ${hex(b.tablePa)}`);
  const gone = a.flags.filter((x) => !b.flags.includes(x));
  const come = b.flags.filter((x) => !a.flags.includes(x));
  if (gone.length + come.length > 0) parts.push(`flags ${[...come.map((x) => '+' + x), ...gone.map((x) => '-' + x)].join(' ')}`);
  return `~ L${b.level}[${b.index.toString().padStart(3, '0')}] iova ${hex(b.iova)}+${hex(b.size)}: ${parts.join('; ')}`;
}

/**
 * Compares two `dump()` results of a page table (before/after a step): entries only in `b` are
 * added, only in `a` removed, in both with different contents changed. Entries are matched by
 * level, first IOVA and index, so a table that moved to another physical page shows as changed.
 */
export function diffDumps(a: PteDumpRow[], b: PteDumpRow[]): DumpDiff {
  const before = new Map<string, PteDumpRow>();
  for (const r of a) before.set(keyOf(r), r);
  const after = new Map<string, PteDumpRow>();
  for (const r of b) after.set(keyOf(r), r);
  const added: PteDumpRow[] = [];
  const removed: PteDumpRow[] = [];
  const changed: DumpChange[] = [];
  const lines: { iova: bigint; order: number; text: string }[] = [];
  b.forEach((r, order) => {
    const old = before.get(keyOf(r));
    if (!old) {
      added.push(r);
      lines.push({ iova: r.iova, order, text: `+ ${describe(r)}` });
      return;
    }
    const fields = changes(old, r);
    if (fields.length === 0) return;
    const c = { before: old, after: r, fields };
    changed.push(c);
    lines.push({ iova: r.iova, order, text: changeText(c) });
  });
  a.forEach((r, order) => {
    if (after.has(keyOf(r))) return;
    removed.push(r);
    lines.push({ iova: r.iova, order: order + 0.5, text: `- ${describe(r)}` });
  });
  lines.sort((x, y) => (x.iova < y.iova ? -1 : x.iova > y.iova ? 1 : x.order - y.order));
  return { added, removed, changed, text: lines.length === 0 ? 'no differences' : lines.map((l) => l.text).join('\n') };
}
