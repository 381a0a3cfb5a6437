/**
 * One release's view of the tables: which structs, constants and ioctls exist,
 * their layouts and values. Built lazily, cached per release.
 */
import { evaluate } from './cexpr.js';
import type { CInt, CIntType } from './cexpr.js';
import type { ConstDef, ConstTable, EnumDef } from './const-def.js';
import { IOMMUFD_CONSTS } from './consts-iommufd.js';
import { VFIO_CONSTS } from './consts-vfio.js';
import { isScalarType, scalarInfo } from './ctypes.js';
import type { IoctlDef } from './ioctl-def.js';
import { IOMMUFD_IOCTLS } from './ioctls-iommufd.js';
import { VFIO_IOCTLS } from './ioctls-vfio.js';
import { LayoutEngine } from './layout.js';
import type { StructLayout } from './layout.js';
import { inRelease } from './release.js';
import type { VfioRelease } from './release.js';
import { fail, ok } from './result.js';
import type { UapiResult } from './result.js';
import type { StructDef, UapiHeader } from './struct-def.js';
import { IOMMUFD_STRUCTS } from './structs-iommufd.js';
import { VFIO_STRUCTS } from './structs-vfio.js';

/** A constant as the header defines it: an integer macro, enum member, ioctl request or string. */
export type UapiConstant =
  | {
      readonly kind: 'integer';
      readonly name: string;
      readonly header: UapiHeader;
      readonly origin: 'define' | 'enum' | 'ioctl';
      /** The C value (negative for `-1` or `1 << 31`). */
      readonly value: bigint;
      readonly ctype: CIntType;
      /** The defining expression; for an enum member without initialiser, `prev + 1`. */
      readonly expr: string;
    }
  | {
      readonly kind: 'string';
      readonly name: string;
      readonly header: UapiHeader;
      readonly value: string;
    };

type ConstSource =
  | { readonly kind: 'define' | 'string'; readonly def: ConstDef; readonly header: UapiHeader }
  | { readonly kind: 'enum'; readonly def: EnumDef; readonly header: UapiHeader }
  | { readonly kind: 'ioctl'; readonly def: IoctlDef; readonly header: UapiHeader };

const STRUCT_TABLE = new Map<string, StructDef>();
for (const s of [...VFIO_STRUCTS, ...IOMMUFD_STRUCTS]) STRUCT_TABLE.set(s.name, s);

const CONST_TABLES: readonly ConstTable[] = [VFIO_CONSTS, IOMMUFD_CONSTS];
const IOCTL_TABLES = [VFIO_IOCTLS, IOMMUFD_IOCTLS];

export class ReleaseModel {
  readonly structNames: readonly string[];
  readonly constantNames: readonly string[];
  readonly ioctls: readonly (IoctlDef & { readonly header: UapiHeader })[];
  private readonly engine: LayoutEngine;
  private readonly sources = new Map<string, ConstSource>();
  private readonly values = new Map<string, UapiResult<UapiConstant>>();
  private readonly evaluating = new Set<string>();

  constructor(readonly release: VfioRelease) {
    this.engine = new LayoutEngine(release, (n) => STRUCT_TABLE.get(n));
    this.structNames = [...VFIO_STRUCTS, ...IOMMUFD_STRUCTS]
      .filter((s) => inRelease(release, s))
      .map((s) => s.name);
    const names: string[] = [];
    const add = (name: string, src: ConstSource): void => {
      if (this.sources.has(name)) throw new Error(`${name} defined twice in ${release}`);
      this.sources.set(name, src);
      names.push(name);
    };
    for (const table of CONST_TABLES) {
      for (const def of table.defs) {
        if (!inRelease(release, def)) continue;
        if (def.kind === 'enum') {
          for (const m of def.members) {
            if (inRelease(release, m)) add(m.name, { kind: 'enum', def, header: table.header });
          }
        } else {
          add(def.name, { kind: def.kind, def, header: table.header });
        }
      }
    }
    const ioctls: (IoctlDef & { header: UapiHeader })[] = [];
    for (const table of IOCTL_TABLES) {
      for (const def of table.defs) {
        if (!inRelease(release, def)) continue;
        add(def.name, { kind: 'ioctl', def, header: table.header });
        ioctls.push({ ...def, header: table.header });
      }
    }
    this.ioctls = ioctls;
    this.constantNames = names;
  }

  layout(name: string): StructLayout | undefined {
    return this.engine.layout(name);
  }

  hasStruct(name: string): boolean {
    return this.structNames.includes(name);
  }

  sizeofType(t: string): number | undefined {
    if (t === 'int' || t === 'unsigned int') return 4;
    if (isScalarType(t)) return scalarInfo(t).size;
    if (t.startsWith('struct ')) return this.layout(t.slice(7))?.size;
    return undefined;
  }

  constant(name: string): UapiResult<UapiConstant> | undefined {
    const cached = this.values.get(name);
    if (cached) return cached;
    const src = this.sources.get(name);
    if (!src) return undefined;
    if (src.kind === 'enum') {
      this.evaluateEnum(src.def, src.header);
      return this.values.get(name);
    }
    if (src.kind === 'string') {
      const def = src.def as { name: string; value: string };
      const r = ok<UapiConstant>({ kind: 'string', name, header: src.header, value: def.value });
      this.values.set(name, r);
      return r;
    }
    const expr = (src.def as { expr: string }).expr;
    const r = this.evalExpr(name, expr);
    const out: UapiResult<UapiConstant> = r.ok
      ? ok({
          kind: 'integer',
          name,
          header: src.header,
          origin: src.kind,
          value: r.value.value,
          ctype: r.value.type,
          expr,
        })
      : r;
    this.values.set(name, out);
    return out;
  }

  private evalExpr(name: string, expr: string): UapiResult<CInt> {
    if (this.evaluating.has(name)) return fail('BAD_EXPRESSION', `${name} refers to itself`);
    this.evaluating.add(name);
    try {
      return evaluate(expr, {
        lookup: (n) => {
          const c = this.constant(n);
          if (!c)
            return fail('UNKNOWN_CONSTANT', `${n} is not defined in the ${this.release} headers`);
          if (!c.ok) return c;
          if (c.value.kind !== 'integer') return fail('BAD_EXPRESSION', `${n} is a string`);
          return ok({ value: c.value.value, type: c.value.ctype });
        },
        sizeofType: (t) => this.sizeofType(t),
      });
    } finally {
      this.evaluating.delete(name);
    }
  }

  /** Enum members are `int`; one without initialiser is the previous value plus one. */
  private evaluateEnum(def: EnumDef, header: UapiHeader): void {
    let prev: { value: bigint; name: string } | undefined;
    for (const m of def.members) {
      if (!inRelease(this.release, m)) continue;
      let r: UapiResult<CInt>;
      let expr: string;
      if (m.expr !== undefined) {
        expr = m.expr;
        r = this.evalExpr(m.name, m.expr);
      } else {
        expr = prev ? `${prev.name} + 1` : '0';
        r = ok({ value: prev ? prev.value + 1n : 0n, type: 'int' });
      }
      const out: UapiResult<UapiConstant> = r.ok
        ? ok({
            kind: 'integer',
            name: m.name,
            header,
            origin: 'enum',
            value: BigInt.asIntN(32, r.value.value),
            ctype: 'int',
            expr,
          })
        : r;
      this.values.set(m.name, out);
      prev = r.ok ? { value: r.value.value, name: m.name } : undefined;
    }
  }
}

const MODELS = new Map<VfioRelease, ReleaseModel>();

export function releaseModel(release: VfioRelease): ReleaseModel {
  let m = MODELS.get(release);
  if (!m) {
    m = new ReleaseModel(release);
    MODELS.set(release, m);
  }
  return m;
}

/** Every struct name in any release (for suggestions). */
export function allStructNames(): readonly string[] {
  return [...STRUCT_TABLE.keys()];
}
