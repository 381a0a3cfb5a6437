import { VFIO_EXTENSIONS, VfioContainer, VfioGroup, ioctlNumber, type VfioResult } from '@dmasim/vfio-uapi';
import { device, num, word, type ExecContext } from '../context.js';
import type { OpResult } from '../op-result.js';
import { ScenarioError, isBuffer, type HandleValue, type Value } from '../values.js';

/** VFIO_TYPE1_IOMMU / VFIO_TYPE1v2_IOMMU (include/uapi/linux/vfio.h). */
const IOMMU_TYPES: Readonly<Record<string, number>> = { type1: VFIO_EXTENSIONS.type1!, type1v2: VFIO_EXTENSIONS.type1v2! };

function result<T>(ctx: ExecContext, r: VfioResult<T>, ok: (v: T) => OpResult): OpResult {
  ctx.m.syncVfioLog();
  return r.ok ? ok(r.value) : { kind: 'error', errno: r.errno, why: [r.message] };
}

function handle(what: HandleValue['what'], obj: object, label: string): HandleValue {
  return { kind: 'handle', what, obj, label };
}

function container(v: Value | undefined): VfioContainer {
  if (typeof v === 'object' && v.kind === 'handle' && v.obj instanceof VfioContainer) return v.obj;
  throw new ScenarioError('expected a VFIO container (bind one with `c = vfio.container`)');
}

/** `vfio.bind BDF…`: driver_override=vfio-pci, unbind, bind (vfio_pci_probe needs an IOMMU group). */
export function vfioBind(ctx: ExecContext): OpResult {
  for (const b of ctx.lists.devices ?? []) {
    const dev = device(ctx.m, b);
    if (!ctx.m.iommu?.groupOf(dev.bdf)) {
      return { kind: 'error', errno: 'EINVAL', why: [`${dev.bdf} has no IOMMU group: vfio-pci refuses it (vfio_group_find_or_alloc) unless noiommu mode is on`] };
    }
    ctx.m.bindDriver(dev, 'vfio-pci');
  }
  return { kind: 'ok' };
}

export function vfioContainer(ctx: ExecContext): OpResult {
  const c = ctx.m.vfio.openContainer();
  return { kind: 'ok', value: handle('vfio-container', c, `container fd ${c.fd}`) };
}

function openGroup(ctx: ExecContext, v: Value | undefined): VfioResult<VfioGroup> {
  if (typeof v === 'object' && v.kind === 'handle' && v.obj instanceof VfioGroup) return { ok: true, value: v.obj };
  return ctx.m.vfio.openGroup(Number(num(v, 'group')));
}

export function vfioGroup(ctx: ExecContext): OpResult {
  return result(ctx, openGroup(ctx, ctx.args.group), (g) => ({ kind: 'ok', value: handle('vfio-group', g, `group ${g.groupId} fd ${g.fd}`) }));
}

export function vfioGroupSetContainer(ctx: ExecContext): OpResult {
  const g = openGroup(ctx, ctx.args.group);
  if (!g.ok) return result(ctx, g, () => ({ kind: 'ok' }));
  return result(ctx, g.value.setContainer(container(ctx.args.container)), () => ({ kind: 'ok' }));
}

export function vfioSetIommu(ctx: ExecContext): OpResult {
  const type = IOMMU_TYPES[word(ctx.args.type, 'type')];
  if (type === undefined) throw new ScenarioError('type must be type1 or type1v2');
  return result(ctx, container(ctx.args.container).setIommu(type), () => ({ kind: 'ok' }));
}

function vaddrOf(v: Value | undefined): bigint {
  if (isBuffer(v)) {
    if (v.buf.va === undefined) throw new ScenarioError('vaddr must be a user buffer (user.mmap), not kernel memory');
    return v.buf.va + v.offset;
  }
  return num(v, 'vaddr');
}

export function vfioMapDma(ctx: ExecContext): OpResult {
  const a = word(ctx.args.access, 'access');
  const flags = (a.includes('r') ? 1 : 0) | (a.includes('w') ? 2 : 0);
  const r = container(ctx.args.container).mapDma({
    flags,
    iova: num(ctx.args.iova, 'iova'),
    vaddr: vaddrOf(ctx.args.vaddr),
    size: num(ctx.args.size, 'size'),
    ...(ctx.args.argsz !== undefined ? { argsz: Number(num(ctx.args.argsz, 'argsz')) } : {}),
  });
  return result(ctx, r, () => ({ kind: 'ok' }));
}

export function vfioUnmapDma(ctx: ExecContext): OpResult {
  const r = container(ctx.args.container).unmapDma({
    flags: ctx.args.all === 'all' ? 2 : 0,
    iova: ctx.args.iova === undefined ? 0n : num(ctx.args.iova, 'iova'),
    size: ctx.args.size === undefined ? 0n : num(ctx.args.size, 'size'),
  });
  return result(ctx, r, (bytes) => ({ kind: 'ok', value: bytes, why: [`${bytes} bytes unmapped`] }));
}

export function vfioGetInfo(ctx: ExecContext): OpResult {
  const c = container(ctx.args.container);
  const r = ctx.args.argsz === undefined ? c.getInfo(1024) : c.getInfo(Number(num(ctx.args.argsz, 'argsz')));
  return result(ctx, r, (info) => ({ kind: 'ok', why: [JSON.stringify(info, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v instanceof Uint8Array ? undefined : v))] }));
}

export function vfioCheckExtension(ctx: ExecContext): OpResult {
  const e = ctx.args.extension;
  const ext = typeof e === 'string' ? VFIO_EXTENSIONS[e] : Number(num(e, 'extension'));
  if (ext === undefined) throw new ScenarioError(`unknown extension ${typeof e === 'string' ? e : '?'}: one of ${Object.keys(VFIO_EXTENSIONS).join(', ')} or a number`);
  return result(ctx, container(ctx.args.container).checkExtension(ext), (v) => ({ kind: 'ok', value: BigInt(v) }));
}

export function vfioIoctlNumber(ctx: ExecContext): OpResult {
  const r = ioctlNumber(word(ctx.args.name, 'name'), ctx.m.profile.vfio.uapi);
  return r.ok ? { kind: 'ok', value: BigInt(r.value) } : { kind: 'error', errno: 'EINVAL', why: [r.error.message] };
}
