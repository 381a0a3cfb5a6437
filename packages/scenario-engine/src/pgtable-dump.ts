import type { DumpDiff, IoPageTable, PteDumpRow } from '@dmasim/io-pgtable';

/**
 * Page-table dumps as a reader sees them: one line per present entry (level, index, raw
 * value, what it is, the IOVA range it covers and where it points, decoded flags), the same
 * rows as one JSON object, and the difference between two dumps (@dmasim/io-pgtable diffDumps).
 */

/** A page table a scenario created with `pgtable.create`, plus engine bookkeeping. */
export class PgtableHandle {
  /** How many of the table's log lines were already copied into the kernel log. */
  logged = 0;
  dumps = 0;
  constructor(
    readonly table: IoPageTable,
    readonly id: number,
  ) {}

  get label(): string {
    return `page table #${this.id} (${this.table.format}, ${this.table.implementation})`;
  }
}

/** What `S = pgtable.dump T` binds: the rows at that moment. */
export interface DumpSnapshot {
  readonly handle: PgtableHandle;
  readonly seq: number;
  readonly rows: readonly PteDumpRow[];
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

export function dumpHeader(t: IoPageTable): string {
  return `${t.format} (${t.implementation}) levels=${t.levels} top=L${t.topLevel} ias=${t.ias} oas=${t.oas} pgsizes=${hex(t.pgsizeBitmap)} root=${hex(t.rootPa)}`;
}

/** `L1[001] 0000000000200003 leaf  iova 0x1000..0x1fff -> 0x200000  R W`, indented by depth. */
export function formatRow(r: PteDumpRow, topLevel: number): string {
  const pad = '  '.repeat(Math.abs(topLevel - r.level));
  const what = r.kind === 'table' ? 'table' : 'leaf ';
  const last = r.iova + r.size - 1n;
  return `${pad}L${r.level}[${r.index.toString().padStart(3, '0')}] ${r.value.toString(16).padStart(16, '0')} ${what} iova ${hex(r.iova)}..${hex(last)} -> ${hex(r.oa)}${r.flags.length ? `  ${r.flags.join(' ')}` : ''}`;
}

export function formatDumpText(t: IoPageTable, rows: readonly PteDumpRow[]): string[] {
  return [dumpHeader(t), ...rows.map((r) => formatRow(r, t.topLevel)), `(${rows.length} entries)`];
}

/** One JSON object: the table's geometry and every entry, 64-bit values as hex strings. */
export function formatDumpJson(t: IoPageTable, rows: readonly PteDumpRow[]): string {
  return JSON.stringify({
    format: t.format,
    implementation: t.implementation,
    levels: t.levels,
    topLevel: t.topLevel,
    leafLevel: t.leafLevel,
    ias: t.ias,
    oas: t.oas,
    pgsizeBitmap: hex(t.pgsizeBitmap),
    root: hex(t.rootPa),
    entries: rows.map(rowJson),
  });
}

function rowJson(r: PteDumpRow): object {
  return { level: r.level, index: r.index, value: hex(r.value), kind: r.kind, iova: hex(r.iova), size: hex(r.size), oa: hex(r.oa), entryPa: hex(r.entryPa), flags: r.flags };
}

/** A diff as one JSON object: `{ since, added: [...], removed: [...], changed: [{ before, after }] }`. */
export function formatDiffJson(d: DumpDiff, since: number): string {
  return JSON.stringify({
    since,
    added: d.added.map(rowJson),
    removed: d.removed.map(rowJson),
    changed: d.changed.map((c) => ({ before: rowJson(c.before), after: rowJson(c.after), fields: c.fields })),
  });
}

export function diffSize(d: DumpDiff): number {
  return d.added.length + d.removed.length + d.changed.length;
}

/** The package's diff lines (`+` added, `-` removed, `~` changed, in IOVA order) under a count line. */
export function formatDiff(d: DumpDiff, since: string): string[] {
  return [`changes since ${since}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`, ...(diffSize(d) ? d.text.split('\n') : [])];
}

/** The first entries of a table, for the `state` of a failure that involves it. */
export function dumpExcerpt(h: PgtableHandle, max = 40): string[] {
  const rows = h.table.dump();
  const head = rows.slice(0, max).map((r) => formatRow(r, h.table.topLevel));
  const more = rows.length > max ? [`… ${rows.length - max} more entries (pgtable.dump prints them all)`] : [];
  return [`${h.label}: ${dumpHeader(h.table)}`, ...head, ...more];
}
