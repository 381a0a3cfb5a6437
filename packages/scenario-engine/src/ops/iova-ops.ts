import { IovaDomain, type IovaStats } from '@dmasim/iova-alloc';
import { num, type ExecContext } from '../context.js';
import type { OpResult } from '../op-result.js';
import { ScenarioError, type HandleValue, type Value } from '../values.js';

function domain(v: Value | undefined): IovaDomain {
  if (typeof v === 'object' && v.kind === 'handle' && v.obj instanceof IovaDomain) return v.obj;
  throw new ScenarioError('expected an IOVA domain (bind one with `d = iova.init`)');
}

const int = (v: Value | undefined, what: string): number => Number(num(v, what));

function fail(d: IovaDomain, errno: string, what: string): OpResult {
  const e = d.lastError;
  return { kind: 'error', errno, why: [e ? `${e.code}: ${e.message}` : what] };
}

export function iovaInit(ctx: ExecContext): OpResult {
  const granule = ctx.args.granule === undefined ? 4096 : int(ctx.args.granule, 'granule');
  const made = IovaDomain.create({
    granule,
    startPfn: ctx.args.start === undefined ? 1 : int(ctx.args.start, 'start'),
    cpus: ctx.args.cpus === undefined ? 1 : int(ctx.args.cpus, 'cpus'),
    clock: ctx.m.clock,
    profile: ctx.m.profile.iova,
  });
  if (!(made instanceof IovaDomain)) return { kind: 'error', errno: 'EINVAL', why: [made.message] };
  const h: HandleValue = { kind: 'handle', what: 'iova-domain', obj: made, label: `IOVA domain (granule ${granule})` };
  return { kind: 'ok', value: h };
}

export function iovaAlloc(ctx: ExecContext): OpResult {
  const d = domain(ctx.args.domain);
  const r = d.allocIova(int(ctx.args.size, 'size'), int(ctx.args.limit, 'limit'), ctx.args.aligned === 'aligned');
  return r ? { kind: 'ok', value: BigInt(r.pfnLo), why: [`range [0x${r.pfnLo.toString(16)}, 0x${r.pfnHi.toString(16)}]`] } : fail(d, 'ENOMEM', 'no free range fits below the limit');
}

export function iovaAllocFast(ctx: ExecContext): OpResult {
  const d = domain(ctx.args.domain);
  const cpu = ctx.args.cpu === undefined ? 0 : int(ctx.args.cpu, 'cpu');
  const pfn = d.allocIovaFast(int(ctx.args.size, 'size'), int(ctx.args.limit, 'limit'), ctx.args.flush === 'flush', cpu);
  return pfn !== 0 ? { kind: 'ok', value: BigInt(pfn) } : fail(d, 'ENOMEM', 'alloc_iova_fast returned 0');
}

export function iovaFree(ctx: ExecContext): OpResult {
  domain(ctx.args.domain).freeIova(int(ctx.args.pfn, 'pfn'));
  return { kind: 'ok' };
}

export function iovaFreeFast(ctx: ExecContext): OpResult {
  const cpu = ctx.args.cpu === undefined ? 0 : int(ctx.args.cpu, 'cpu');
  domain(ctx.args.domain).freeIovaFast(int(ctx.args.pfn, 'pfn'), int(ctx.args.size, 'size'), cpu);
  return { kind: 'ok' };
}

export function iovaReserve(ctx: ExecContext): OpResult {
  const d = domain(ctx.args.domain);
  const r = d.reserveIova(int(ctx.args.lo, 'lo'), int(ctx.args.hi, 'hi'));
  return r ? { kind: 'ok', value: BigInt(r.pfnLo) } : fail(d, 'EINVAL', 'reserve_iova refused the range');
}

export function iovaFind(ctx: ExecContext): OpResult {
  const r = domain(ctx.args.domain).findIova(int(ctx.args.pfn, 'pfn'));
  return r ? { kind: 'ok', value: BigInt(r.pfnLo) } : { kind: 'error', errno: 'ENOENT', why: ['no range contains that pfn'] };
}

export function iovaOfflineCpu(ctx: ExecContext): OpResult {
  const d = domain(ctx.args.domain);
  const before = d.lastError;
  d.offlineCpu(int(ctx.args.cpu, 'cpu'));
  if (d.lastError === before || !d.lastError) return { kind: 'ok' };
  // kernel/cpu.c _cpu_down refuses to take the last online CPU down with -EBUSY.
  return fail(d, d.lastError.code === 'IOVA_LAST_CPU' ? 'EBUSY' : 'EINVAL', 'cannot offline that CPU');
}

/** `iova_stat(d, "liveRanges")`. */
export function iovaStat(d: Value | undefined, name: Value | undefined): bigint {
  const dom = domain(d);
  // Run delayed work (depot trims) that came due while the clock advanced.
  dom.tick();
  const s: IovaStats = dom.stats();
  if (typeof name !== 'string') throw new ScenarioError('iova_stat(domain, "name")');
  const m = /^depot([0-5])$/.exec(name);
  if (m) return BigInt(s.depotSizes[Number(m[1])]!);
  const v = (s as unknown as Record<string, unknown>)[name];
  if (typeof v !== 'number') throw new ScenarioError(`no IOVA statistic ${JSON.stringify(name)}`, ['see iova_stat in docs/dsl/ops.md for the names']);
  return BigInt(v);
}
