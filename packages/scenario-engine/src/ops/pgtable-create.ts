import {
  PgtableError,
  createAmdV1,
  createAppleDart,
  createArmLpae,
  createArmV7s,
  createMaliLpae,
  createVtdSecondStage,
  createX86_64,
  type IoPageTable,
  type PageTableConfig,
} from '@dmasim/io-pgtable';
import { num, type ExecContext } from '../context.js';
import type { OpResult } from '../op-result.js';
import { PgtableHandle } from '../pgtable-dump.js';
import { ScenarioError, type HandleValue } from '../values.js';

/** Which `pgtable.create` arguments and flags each format takes. */
const APPLIES: Readonly<Record<string, readonly string[]>> = {
  'vtd-ss': ['aw', 'sp', 'snoop', 'no-gaps', 'dirty', 'non-coherent'],
  x86_64: ['levels', 'variant', 'sp', 'no-gaps'],
  'amd-v1': ['hpt', 'no-fc', 'pgsize-4k', 'dirty'],
  'arm-lpae-s1': ['granule', 'ias', 'oas', 'ns', 'no-warn', 'ttbr1', 'outer-wbwa', 'hd', 'non-coherent'],
  'arm-lpae-s2': ['granule', 'ias', 'oas', 'no-warn', 's2fwb', 'non-coherent'],
  'arm-32-lpae-s1': ['ias', 'oas', 'ns', 'no-warn', 'ttbr1', 'outer-wbwa', 'hd', 'non-coherent'],
  'arm-32-lpae-s2': ['ias', 'oas', 'no-warn', 's2fwb', 'non-coherent'],
  'arm-mali-lpae': ['ias', 'oas', 'non-coherent'],
  'arm-v7s': ['ias', 'oas', 'ns', 'no-perms', 'mtk-ext', 'mtk-ttbr-ext', 'non-coherent'],
  'apple-dart': ['granule', 'ias', 'oas'],
  'apple-dart2': ['granule', 'ias', 'oas'],
};

const CONFIG_ARGS = ['aw', 'levels', 'hpt', 'variant', 'sp', 'granule', 'ias', 'oas'] as const;

const SZ_2M = 0x200000n;
const SZ_1G = 0x40000000n;

/** Tables are numbered per machine, so labels do not depend on what ran before. */
const created = new WeakMap<object, number>();

function int(ctx: ExecContext, name: string): number | undefined {
  const v = ctx.args[name];
  return v === undefined ? undefined : Number(num(v, name));
}

/** `sp=`: the largest superpage: 4K (or 0) = none, 2M, 1G. */
function superpage(ctx: ExecContext): { '2M': boolean; '1G': boolean } | undefined {
  const v = ctx.args.sp;
  if (v === undefined) return undefined;
  const s = num(v, 'sp');
  if (s === 0n || s === 0x1000n) return { '2M': false, '1G': false };
  if (s === SZ_2M) return { '2M': true, '1G': false };
  if (s === SZ_1G) return { '2M': true, '1G': true };
  throw new ScenarioError(`sp=0x${s.toString(16)}: the largest superpage is 4K (none), 2M or 1G`);
}

function addressBits(format: string, ctx: ExecContext): { ias: number; oas: number } {
  const ias = int(ctx, 'ias');
  const oas = int(ctx, 'oas');
  if (ias === undefined || oas === undefined) throw new ScenarioError(`${format} needs ias= and oas=`);
  return { ias, oas };
}

function build(format: string, ctx: ExecContext, flags: ReadonlySet<string>, base: PageTableConfig): IoPageTable {
  switch (format) {
    case 'vtd-ss': {
      const sp = superpage(ctx);
      return createVtdSecondStage({
        ...base,
        addressWidth: (int(ctx, 'aw') ?? 48) as 39 | 48 | 57,
        ...(sp ? { superpages: sp } : {}),
        forceSnoop: flags.has('snoop'),
        flushNoGaps: flags.has('no-gaps'),
        dirtyTracking: flags.has('dirty'),
        coherentWalk: !flags.has('non-coherent'),
      });
    }
    case 'x86_64': {
      const sp = superpage(ctx);
      if (sp && !sp['2M']) throw new ScenarioError('x86_64 always has 2M pages: sp=2M (no 1G) or sp=1G');
      const variant = ctx.args.variant ?? 'intel-fl';
      return createX86_64({
        ...base,
        levels: (int(ctx, 'levels') ?? 4) as 4 | 5,
        variant: variant as 'intel-fl' | 'amd-v2',
        ...(sp ? { superpages: { '1G': sp['1G'] } } : {}),
        flushNoGaps: flags.has('no-gaps'),
      });
    }
    case 'amd-v1':
      return createAmdV1({
        ...base,
        hptLevel: (int(ctx, 'hpt') ?? 6) as 4 | 5 | 6,
        forceCoherence: !flags.has('no-fc'),
        pgsizes: flags.has('pgsize-4k') ? '4K' : 'all',
        dirtyTracking: flags.has('dirty'),
      });
    case 'arm-lpae-s1':
    case 'arm-lpae-s2':
    case 'arm-32-lpae-s1':
    case 'arm-32-lpae-s2': {
      const { ias, oas } = addressBits(format, ctx);
      const g = ctx.args.granule === undefined ? 0x1000n : num(ctx.args.granule, 'granule');
      const granule = g === 0x1000n ? '4K' : g === 0x4000n ? '16K' : g === 0x10000n ? '64K' : undefined;
      if (!granule) throw new ScenarioError(`granule=0x${g.toString(16)}: Arm LPAE granules are 4K, 16K and 64K`);
      return createArmLpae({
        ...base,
        stage: format.endsWith('s1') ? 1 : 2,
        width: format.startsWith('arm-32') ? 32 : 64,
        granule,
        ias,
        oas,
        quirks: {
          armNs: flags.has('ns'),
          noWarn: flags.has('no-warn'),
          ttbr1: flags.has('ttbr1'),
          outerWbwa: flags.has('outer-wbwa'),
          hd: flags.has('hd'),
          s2fwb: flags.has('s2fwb'),
        },
        coherentWalk: !flags.has('non-coherent'),
      });
    }
    case 'arm-mali-lpae': {
      const { ias, oas } = addressBits(format, ctx);
      return createMaliLpae({ ...base, ias, oas, coherentWalk: !flags.has('non-coherent') });
    }
    case 'arm-v7s': {
      const ias = int(ctx, 'ias');
      const oas = int(ctx, 'oas');
      return createArmV7s({
        ...base,
        ...(ias !== undefined ? { ias } : {}),
        ...(oas !== undefined ? { oas } : {}),
        quirks: { armNs: flags.has('ns'), noPerms: flags.has('no-perms'), mtkExt: flags.has('mtk-ext'), mtkTtbrExt: flags.has('mtk-ttbr-ext') },
        coherentWalk: !flags.has('non-coherent'),
      });
    }
    case 'apple-dart':
    case 'apple-dart2': {
      const { ias, oas } = addressBits(format, ctx);
      const g = ctx.args.granule === undefined ? 0x4000n : num(ctx.args.granule, 'granule');
      const pgsize = g === 0x1000n ? '4K' : g === 0x4000n ? '16K' : undefined;
      if (!pgsize) throw new ScenarioError(`granule=0x${g.toString(16)}: a DART page is 4K or 16K`);
      return createAppleDart({ ...base, format: format === 'apple-dart' ? 'dart' : 'dart2', pgsize, ias, oas });
    }
    default:
      throw new ScenarioError(`pgtable.create: no executor for format ${format}`);
  }
}

/**
 * `T = pgtable.create format=… [config…] [flags…]`: a standalone page table in the machine's
 * RAM, for the scenario's kernel release. drivers/iommu/io-pgtable.c alloc_io_pgtable_ops (Arm),
 * intel/iommu.c paging_domain_alloc, amd/iommu.c + generic_pt pt_iommu_*_init.
 */
export function pgtableCreate(ctx: ExecContext): OpResult {
  const format = typeof ctx.args.format === 'string' ? ctx.args.format : '';
  const applies = APPLIES[format];
  if (!applies) throw new ScenarioError(`pgtable.create: unknown format ${JSON.stringify(format)}`, [`formats: ${Object.keys(APPLIES).join(', ')}`]);
  const flags = new Set((ctx.lists.flags ?? []).filter((f): f is string => typeof f === 'string'));
  for (const a of CONFIG_ARGS) {
    if (ctx.args[a] !== undefined && !applies.includes(a)) throw new ScenarioError(`\`${a}=\` does not apply to ${format}`, [`${format} takes: ${applies.join(', ')}`]);
  }
  for (const f of flags) {
    if (!applies.includes(f)) throw new ScenarioError(`flag \`${f}\` does not apply to ${format}`, [`${format} takes: ${applies.join(', ')}`]);
  }
  let table: IoPageTable;
  try {
    table = build(format, ctx, flags, { mem: ctx.m.mem, pages: ctx.m.pages, profile: ctx.m.profile.pgtable });
  } catch (e) {
    if (e instanceof PgtableError) {
      const errno = e.code === 'PGTABLE_NO_MEMORY' ? 'ENOMEM' : e.code === 'PGTABLE_UNSUPPORTED' ? 'EOPNOTSUPP' : 'EINVAL';
      return { kind: 'error', errno, why: [`${e.code}: ${e.message}`] };
    }
    throw e;
  }
  const id = (created.get(ctx.m) ?? 0) + 1;
  created.set(ctx.m, id);
  const h = new PgtableHandle(table, id);
  const v: HandleValue = { kind: 'handle', what: 'pgtable', obj: h, label: h.label };
  return {
    kind: 'ok',
    value: v,
    why: [
      `${table.format} via ${table.implementation} (kernel ${ctx.m.profile.pgtable.release}): ${table.levels} levels, ias ${table.ias}, oas ${table.oas}, page sizes 0x${table.pgsizeBitmap.toString(16)}, root at 0x${table.rootPa.toString(16)}${table.dirtyTracking ? ', dirty tracking on' : ''}`,
    ],
  };
}
