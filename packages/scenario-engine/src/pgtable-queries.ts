import { diffDumps } from '@dmasim/io-pgtable';
import { defineQueries } from '@dmasim/op-spec';
import { num } from './context.js';
import { pgtableOf, snapshotOf } from './ops/pgtable-ops.js';
import { diffSize } from './pgtable-dump.js';
import { ScenarioError, type Value } from './values.js';

/**
 * Functions on standalone page tables that belong to the engine (they read dumps and
 * snapshots); `pte()` itself is declared by @dmasim/io-pgtable.
 */
export const pgtableEngineQueries = defineQueries([
  {
    name: 'leaf_count',
    summary: 'Valid leaf entries of one page size in a table (a contiguous or replicated leaf counts once; size 0 counts every size)',
    args: [
      { name: 'table', kind: 'ref' },
      { name: 'size', kind: 'size' },
    ],
    returns: 'u64',
    source: 'drivers/iommu/generic_pt/kunit_iommu_pt.h count_valids, count_valids_single',
  },
  {
    name: 'pgtable_info',
    summary:
      'A number describing a table: "levels", "topLevel", "leafLevel", "ias", "oas", "pgsizeBitmap", "rootPa", "stats.tablePages", "stats.leaves", and per format "startLevel", "mode", "registers.tcr.ips" …',
    args: [
      { name: 'table', kind: 'ref' },
      { name: 'field', kind: 'string' },
    ],
    returns: 'u64',
    source: 'include/linux/io-pgtable.h struct io_pgtable_cfg (registers); generic_pt pt_iommu_*_hw_info; amd/iommu.c DTE mode',
  },
  {
    name: 'mask',
    summary: 'value & mask: the bits of an entry that do not depend on where tables were allocated, e.g. mask(pte(T, 0, 2), 0xfff)',
    args: [
      { name: 'value', kind: 'u64' },
      { name: 'mask', kind: 'u64' },
    ],
    returns: 'u64',
    source: 'include/linux/bits.h (PTE fields are masks of the 64-bit entry)',
  },
  {
    name: 'dump_changes',
    summary: 'How many entries differ between a dump and a later dump or the table now (added + removed + changed)',
    args: [
      { name: 'before', kind: 'ref' },
      { name: 'after', kind: 'ref' },
    ],
    returns: 'u64',
    source: 'pgtable.dump snapshots (drivers/iommu/intel/debugfs.c domain_translation_struct shows the same entries)',
  },
]);

/** `pte(T, iova, level)`: the raw entry at a level on the IOVA's path, 0 when the path stops above it. */
export function pteQuery(a: readonly Value[]): bigint {
  if (a.length !== 3) throw new ScenarioError('pte(table, iova, level) takes three arguments');
  const t = pgtableOf(a[0]).table;
  const level = Number(num(a[2], 'level'));
  const lo = Math.min(t.topLevel, t.leafLevel);
  const hi = Math.max(t.topLevel, t.leafLevel);
  if (!Number.isInteger(level) || level < lo || level > hi) {
    throw new ScenarioError(`pte(): level ${level} is not a level of this ${t.format} table (levels ${lo} to ${hi}, top ${t.topLevel})`);
  }
  return t.readEntry(level, num(a[1], 'iova'))?.value ?? 0n;
}

export function leafCount(a: readonly Value[]): bigint {
  if (a.length !== 2) throw new ScenarioError('leaf_count(table, size) takes two arguments');
  return BigInt(pgtableOf(a[0]).table.leafCount(num(a[1], 'size')));
}

const INFO_NAMES = ['levels', 'topLevel', 'leafLevel', 'ias', 'oas', 'pgsizeBitmap', 'rootPa', 'stats.tablePages', 'stats.tableAllocs', 'stats.tableFrees', 'stats.leaves'];

export function pgtableInfo(a: readonly Value[]): bigint {
  if (a.length !== 2 || typeof a[1] !== 'string') throw new ScenarioError('pgtable_info(table, "field") takes a table and a field name in quotes');
  const name = a[1];
  let v: unknown = pgtableOf(a[0]).table;
  for (const part of name.split('.')) {
    if (typeof v !== 'object' || v === null || !(part in v)) {
      v = undefined;
      break;
    }
    v = (v as Record<string, unknown>)[part];
  }
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new ScenarioError(`pgtable_info(): no numeric field ${JSON.stringify(name)}`, [`fields of every table: ${INFO_NAMES.join(', ')}; Arm also startLevel, granule, stage, registers.tcr.* / registers.vtcr.*; AMD v1 mode`]);
}

function rowsOf(v: Value | undefined, what: string) {
  const snap = snapshotOf(v);
  if (snap) return { rows: snap.rows, handle: snap.handle };
  try {
    const h = pgtableOf(v);
    return { rows: h.table.dump(), handle: h };
  } catch {
    throw new ScenarioError(`dump_changes(): ${what} must be a dump (\`S = pgtable.dump T\`) or a page table`);
  }
}

export function dumpChanges(a: readonly Value[]): bigint {
  if (a.length !== 2) throw new ScenarioError('dump_changes(before, after) takes two arguments');
  const before = rowsOf(a[0], 'the first argument');
  const after = rowsOf(a[1], 'the second argument');
  if (before.handle !== after.handle) throw new ScenarioError(`dump_changes(): the two arguments are of different tables (${before.handle.label}, ${after.handle.label})`);
  return BigInt(diffSize(diffDumps([...before.rows], [...after.rows])));
}

export function maskQuery(a: readonly Value[]): bigint {
  if (a.length !== 2) throw new ScenarioError('mask(value, mask) takes two arguments');
  return num(a[0], 'value') & num(a[1], 'mask');
}
