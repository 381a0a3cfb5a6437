/** Public lookups over the uAPI tables. All return error values, never throw. */
import { suggest } from '@dmasim/op-spec';
import { decodeIoc } from './ioc.js';
import type { IocDirection } from './ioc.js';
import type { FdKind, IommuBackendKind, IoctlArg } from './ioctl-def.js';
import type { StructLayout } from './layout.js';
import { releaseModel } from './registry.js';
import type { ReleaseModel, UapiConstant } from './registry.js';
import { isVfioRelease, VFIO_RELEASES } from './release.js';
import type { VfioRelease } from './release.js';
import { fail, ok } from './result.js';
import type { UapiResult } from './result.js';
import type { UapiHeader } from './struct-def.js';

export interface IoctlInfo {
  readonly name: string;
  readonly header: UapiHeader;
  /** The request number passed to ioctl(2). */
  readonly number: number;
  readonly dir: IocDirection;
  readonly size: number;
  readonly type: number;
  readonly nr: number;
  /** The macro body it was computed from. */
  readonly expr: string;
  readonly fd: FdKind;
  readonly iommu?: IommuBackendKind;
  readonly cdevOnly?: boolean;
  readonly arg: IoctlArg;
}

export interface DecodedIoctl {
  /** The request's name on the given fd kind (the first in header order if ambiguous). */
  readonly name: string;
  /** Every name this number has in the release, narrowed by `where` when given. */
  readonly names: readonly string[];
  readonly dir: IocDirection;
  readonly size: number;
  readonly type: number;
  readonly nr: number;
}

function model(release: string): UapiResult<ReleaseModel> {
  if (!isVfioRelease(release)) {
    return fail(
      'UNKNOWN_RELEASE',
      `unknown header release '${release}'; use one of ${VFIO_RELEASES.join(', ')} (uapiReleaseForKernel maps kernel profiles)`,
    );
  }
  return ok(releaseModel(release));
}

function notFound<T>(
  what: string,
  name: string,
  release: VfioRelease,
  here: readonly string[],
  everywhere: (r: VfioRelease) => readonly string[],
): UapiResult<T> {
  const other = VFIO_RELEASES.filter((r) => r !== release && everywhere(r).includes(name));
  if (other.length > 0) {
    return fail(
      'NOT_IN_RELEASE',
      `${what} ${name} is not in the ${release} headers (it is in ${other.join(', ')})`,
    );
  }
  const hint = suggest(name, here);
  const code =
    what === 'struct' ? 'UNKNOWN_STRUCT' : what === 'ioctl' ? 'UNKNOWN_IOCTL' : 'UNKNOWN_CONSTANT';
  return fail(code, `unknown ${what} '${name}'${hint ? `; did you mean '${hint}'?` : ''}`);
}

/** Layout of `struct name` in a release: size, alignment, every member's offset and size. */
export function structLayout(name: string, release: VfioRelease): UapiResult<StructLayout> {
  const m = model(release);
  if (!m.ok) return m;
  const bare = name.startsWith('struct ') ? name.slice(7) : name;
  const l = m.value.layout(bare);
  if (!l)
    return notFound(
      'struct',
      bare,
      release,
      m.value.structNames,
      (r) => releaseModel(r).structNames,
    );
  return ok(l);
}

/** Struct names of a release, in header order. */
export function listStructs(release: VfioRelease): readonly string[] {
  return isVfioRelease(release) ? releaseModel(release).structNames : [];
}

/** A macro, enum member or ioctl request value as the release's headers define it. */
export function uapiConstant(name: string, release: VfioRelease): UapiResult<UapiConstant> {
  const m = model(release);
  if (!m.ok) return m;
  const c = m.value.constant(name);
  if (!c) {
    return notFound(
      'constant',
      name,
      release,
      m.value.constantNames,
      (r) => releaseModel(r).constantNames,
    );
  }
  return c;
}

/** Every constant of a release (macros, enum members, ioctl requests, strings), in header order. */
export function listConstants(release: VfioRelease): readonly UapiConstant[] {
  if (!isVfioRelease(release)) return [];
  const m = releaseModel(release);
  const out: UapiConstant[] = [];
  for (const n of m.constantNames) {
    const c = m.constant(n);
    if (c?.ok) out.push(c.value);
  }
  return out;
}

function info(m: ReleaseModel, def: ReleaseModel['ioctls'][number]): UapiResult<IoctlInfo> {
  const c = m.constant(def.name);
  if (!c) return fail('UNKNOWN_IOCTL', `ioctl ${def.name} missing`);
  if (!c.ok) return c;
  if (c.value.kind !== 'integer') return fail('BAD_EXPRESSION', `${def.name} is not an integer`);
  const number = Number(BigInt.asUintN(32, c.value.value));
  const f = decodeIoc(number);
  return ok({
    name: def.name,
    header: def.header,
    number,
    ...f,
    expr: def.expr,
    fd: def.fd,
    ...(def.iommu ? { iommu: def.iommu } : {}),
    ...(def.cdevOnly ? { cdevOnly: true } : {}),
    arg: def.arg,
  });
}

/** Every ioctl request of a release, in header order. */
export function listIoctls(release: VfioRelease): readonly IoctlInfo[] {
  if (!isVfioRelease(release)) return [];
  const m = releaseModel(release);
  const out: IoctlInfo[] = [];
  for (const d of m.ioctls) {
    const r = info(m, d);
    if (r.ok) out.push(r.value);
  }
  return out;
}

/** Full description of one ioctl request. */
export function ioctlInfo(name: string, release: VfioRelease): UapiResult<IoctlInfo> {
  const m = model(release);
  if (!m.ok) return m;
  const def = m.value.ioctls.find((d) => d.name === name);
  if (!def) {
    const names = (r: VfioRelease) => releaseModel(r).ioctls.map((d) => d.name);
    return notFound('ioctl', name, release, names(release), names);
  }
  return info(m.value, def);
}

/** The request number of an ioctl, computed from its `_IO(...)` definition. */
export function ioctlNumber(name: string, release: VfioRelease): UapiResult<number> {
  const r = ioctlInfo(name, release);
  return r.ok ? ok(r.value.number) : r;
}

/**
 * Splits a request number into its `_IOC` fields and names it. The same number
 * means different things on different fds; pass `where` to pick one.
 */
export function decodeIoctl(
  request: number,
  release: VfioRelease,
  where: { readonly fd?: FdKind; readonly iommu?: IommuBackendKind } = {},
): UapiResult<DecodedIoctl> {
  const m = model(release);
  if (!m.ok) return m;
  if (!Number.isInteger(request) || request < 0 || request > 0xffffffff) {
    return fail('BAD_VALUE', `ioctl request ${request} is not a 32-bit unsigned integer`);
  }
  const names = listIoctls(release)
    .filter((i) => i.number === request)
    .filter((i) => where.fd === undefined || i.fd === where.fd)
    .filter((i) => where.iommu === undefined || i.iommu === undefined || i.iommu === where.iommu)
    .map((i) => i.name);
  const first = names[0];
  if (first === undefined) {
    const hex = `0x${request.toString(16)}`;
    const on = where.fd ? ` on a ${where.fd} fd` : '';
    return fail('UNKNOWN_IOCTL', `no ${release} VFIO/iommufd ioctl has number ${hex}${on}`);
  }
  return ok({ name: first, names, ...decodeIoc(request) });
}
