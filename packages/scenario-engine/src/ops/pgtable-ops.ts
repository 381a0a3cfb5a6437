import { IOMMU_DIRTY_NO_CLEAR, diffDumps, parseProt, type WalkStep } from '@dmasim/io-pgtable';
import type { Machine } from '@dmasim/machine';
import { num, type ExecContext } from '../context.js';
import type { OpResult } from '../op-result.js';
import {
  PgtableHandle,
  formatDiff,
  formatDiffJson,
  formatDumpJson,
  formatDumpText,
  type DumpSnapshot,
} from '../pgtable-dump.js';
import { ScenarioError, type HandleValue, type Value } from '../values.js';
import { CallTrace, iommuMap, iommuUnmap } from './pgtable-core.js';

export { pgtableCreate } from './pgtable-create.js';

const hex = (v: bigint): string => `0x${v.toString(16)}`;
const U64 = (1n << 64n) - 1n;

export function pgtableOf(v: Value | undefined): PgtableHandle {
  if (typeof v === 'object' && v.kind === 'handle' && v.obj instanceof PgtableHandle) return v.obj;
  throw new ScenarioError('expected a page table (bind one with `T = pgtable.create format=…`)');
}

export function snapshotOf(v: Value | undefined): DumpSnapshot | undefined {
  if (typeof v === 'object' && v.kind === 'handle' && v.what === 'pgtable-dump') return v.obj as DumpSnapshot;
  return undefined;
}

/** Copies what the page-table code printed (WARNs, "DMA PTE … already set") into the kernel log. */
function syncLog(h: PgtableHandle, m: Machine, extra: readonly string[] = []): void {
  for (const l of extra) m.log.print(l);
  const lines = h.table.log;
  while (h.logged < lines.length) m.log.print(lines[h.logged++]!);
}

/** `r`, `w`, `rw`, `none` + `-cache`, `-noexec`, `-mmio`, `-priv` (the DSL has no `+` in names). */
function prot(v: Value | undefined): number {
  if (v === undefined) return parseProt('rw')!;
  if (typeof v !== 'string') throw new ScenarioError('prot= takes a word such as rw or r-noexec');
  const p = parseProt(v.replaceAll('-', '+'));
  if (p === undefined) throw new ScenarioError(`prot=${v} is not a protection`, ['r, w, rw or none, optionally followed by -cache, -noexec, -mmio, -priv (e.g. rw-cache-noexec)']);
  return p;
}

/** `each=`: the chunk size of separate core calls, or the whole range. */
function chunk(ctx: ExecContext, size: bigint): bigint {
  if (ctx.args.each === undefined) return size;
  const each = num(ctx.args.each, 'each');
  if (each <= 0n) throw new ScenarioError('each= must be a positive size');
  return each;
}

/** `pgtable.map T iova pa size [prot=…] [each=…]`: iommu_map on the table. Value: bytes mapped. */
export function pgtableMap(ctx: ExecContext): OpResult {
  const h = pgtableOf(ctx.args.table);
  const iova = num(ctx.args.iova, 'iova');
  const pa = num(ctx.args.pa, 'pa');
  const size = num(ctx.args.size, 'size');
  const p = prot(ctx.args.prot);
  const each = chunk(ctx, size);
  const calls = new CallTrace();
  const log: string[] = [];
  let mapped = 0n;
  for (let off = 0n; off < size || (off === 0n && size === 0n); off += each) {
    const len = size - off < each ? size - off : each;
    const r = iommuMap(h.table, (iova + off) & U64, pa + off, len, p, calls);
    log.push(...r.log);
    if (r.errno) {
      syncLog(h, ctx.m, log);
      const at = each === size ? [] : [`iommu_map(${hex(iova + off)}, ${hex(pa + off)}, ${hex(len)}) failed after ${hex(mapped)} bytes in earlier calls`];
      return { kind: 'error', errno: r.errno, why: [...at, ...calls.list(), ...r.log] };
    }
    mapped += r.mapped;
    if (size === 0n) break;
  }
  syncLog(h, ctx.m, log);
  return { kind: 'ok', value: mapped, why: calls.list() };
}

/** `pgtable.unmap T iova size [each=…]`: iommu_unmap on the table. Value: bytes the table reports unmapped. */
export function pgtableUnmap(ctx: ExecContext): OpResult {
  const h = pgtableOf(ctx.args.table);
  const iova = num(ctx.args.iova, 'iova');
  const size = num(ctx.args.size, 'size');
  const each = chunk(ctx, size);
  const calls = new CallTrace();
  const log: string[] = [];
  let unmapped = 0n;
  for (let off = 0n; off < size || (off === 0n && size === 0n); off += each) {
    const len = size - off < each ? size - off : each;
    const r = iommuUnmap(h.table, (iova + off) & U64, len, calls);
    log.push(...r.log);
    unmapped += r.unmapped;
    if (size === 0n) break;
  }
  syncLog(h, ctx.m, log);
  return { kind: 'ok', value: unmapped, why: [...calls.list(), ...log] };
}

/** `pgtable.iova_to_phys T iova`: the format's software lookup (0 when untranslated). */
export function pgtableIovaToPhys(ctx: ExecContext): OpResult {
  const h = pgtableOf(ctx.args.table);
  const pa = h.table.iovaToPhys(num(ctx.args.iova, 'iova'));
  syncLog(h, ctx.m);
  return { kind: 'ok', value: pa };
}

function pathLines(path: readonly WalkStep[]): string[] {
  return path.map((s) => `L${s.level}[${s.index}] at ${hex(s.entryPa)} = ${s.value.toString(16).padStart(16, '0')}`);
}

/** `pgtable.walk T iova read|write`: what the IOMMU does for one DMA. Value: the physical address. */
export function pgtableWalk(ctx: ExecContext): OpResult {
  const h = pgtableOf(ctx.args.table);
  const iova = num(ctx.args.iova, 'iova');
  const write = ctx.args.access === 'write';
  const w = h.table.walk(iova, write ? 'write' : 'read');
  const why = pathLines(w.path);
  if (w.ok) return { kind: 'ok', value: w.pa, why: [...why, `leaf at level ${w.level}, page size ${hex(w.pageSize)}`] };
  return { kind: 'fault', reason: w.reason, addr: iova, write, level: w.level, why: [...why, `${w.reason} at level ${w.level}`] };
}

/**
 * `pgtable.read_dirty T iova size [no-clear]`: the format's read_and_clear_dirty as iommufd calls it
 * (IOMMU_HWPT_GET_DIRTY_BITMAP, with a bitmap). Prints each recorded range; value = their total bytes.
 */
export function pgtableReadDirty(ctx: ExecContext): OpResult {
  const h = pgtableOf(ctx.args.table);
  const iova = num(ctx.args.iova, 'iova');
  const size = num(ctx.args.size, 'size');
  const noClear = ctx.args['no-clear'] === 'no-clear';
  const r = h.table.readAndClearDirty(iova, size, noClear ? IOMMU_DIRTY_NO_CLEAR : 0);
  syncLog(h, ctx.m);
  const what = `read_and_clear_dirty(${hex(iova)}, ${hex(size)}${noClear ? ', IOMMU_DIRTY_NO_CLEAR' : ''}) on ${h.label}`;
  if (r.errno) return { kind: 'error', errno: r.errno, why: [`${what}: -${r.errno}`] };
  let total = 0n;
  const lines = [`${what}: ${r.dirty.length} dirty range${r.dirty.length === 1 ? '' : 's'}`];
  for (const d of r.dirty) {
    total += d.size;
    lines.push(`  dirty ${hex(d.iova)}..${hex(d.iova + d.size - 1n)} (${hex(d.size)} bytes)`);
  }
  for (const l of lines) ctx.print(l);
  return { kind: 'ok', value: total, why: lines };
}

/**
 * `[S =] pgtable.dump T [diff=S0] [format=text|json]`: prints the table (or what changed since
 * S0) into the scenario output and the op's `why`, and binds a snapshot.
 */
export function pgtableDump(ctx: ExecContext): OpResult {
  const h = pgtableOf(ctx.args.table);
  const rows = h.table.dump();
  const seq = ++h.dumps;
  let lines: string[];
  if (ctx.args.diff !== undefined) {
    const since = snapshotOf(ctx.args.diff);
    if (!since) throw new ScenarioError('diff= takes an earlier dump (`S = pgtable.dump T`)');
    if (since.handle !== h) throw new ScenarioError(`diff=: that dump is of ${since.handle.label}, not of ${h.label}`);
    const d = diffDumps([...since.rows], rows);
    lines = ctx.args.format === 'json' ? [formatDiffJson(d, since.seq)] : formatDiff(d, `dump #${since.seq}`);
  } else {
    lines = ctx.args.format === 'json' ? [formatDumpJson(h.table, rows)] : formatDumpText(h.table, rows);
  }
  if (ctx.args.format !== 'json') lines[0] = `dump #${seq} of ${h.label}: ${lines[0] ?? ''}`;
  for (const l of lines) ctx.print(l);
  const snap: DumpSnapshot = { handle: h, seq, rows };
  const v: HandleValue = { kind: 'handle', what: 'pgtable-dump', obj: snap, label: `dump #${seq} of ${h.label} (${rows.length} entries)` };
  return { kind: 'ok', value: v, why: lines };
}
