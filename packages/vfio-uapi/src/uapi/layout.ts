/**
 * A small C layout engine for the x86-64 System V ABI: each member sits at the
 * next multiple of its alignment, a struct's alignment is its largest member
 * alignment, its size is rounded up to that alignment. A flexible array member
 * adds alignment but no size; an anonymous union places all its members at one
 * offset and is as large as its largest member (rounded to its alignment).
 */
import { isScalarType, scalarInfo } from './ctypes.js';
import type { ScalarType } from './ctypes.js';
import { inRelease } from './release.js';
import type { VfioRelease } from './release.js';
import { isUnion } from './struct-def.js';
import type { FieldDef, StructDef, TypeSpec, UapiHeader } from './struct-def.js';

/** The element type of a field: a scalar or a nested struct. */
export type ElementType =
  | { readonly kind: 'scalar'; readonly type: ScalarType }
  | { readonly kind: 'struct'; readonly name: string };

export interface FieldLayout {
  readonly name: string;
  /** C spelling, e.g. `__u32`, `__u8[3]`, `struct vfio_iova_range[]`. */
  readonly ctype: string;
  readonly element: ElementType;
  readonly offset: number;
  /** `sizeof` the member; 0 for a flexible array. */
  readonly size: number;
  /** Size of one element (equal to `size` for a scalar or struct member). */
  readonly elemSize: number;
  /** Array length; undefined for a plain member, 0 for a flexible array. */
  readonly count?: number;
  readonly flexible: boolean;
  /** Members of one anonymous union share a group number. */
  readonly unionGroup?: number;
}

export interface StructLayout {
  readonly name: string;
  readonly header: UapiHeader;
  readonly size: number;
  readonly align: number;
  readonly fields: readonly FieldLayout[];
}

export type StructLookup = (name: string) => StructDef | undefined;

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

interface Sized {
  readonly size: number;
  readonly align: number;
  readonly element: ElementType;
}

/** Lays out structs of one release; caches results. Throws only on a broken table. */
export class LayoutEngine {
  private readonly cache = new Map<string, StructLayout>();
  private readonly active = new Set<string>();

  constructor(
    private readonly release: VfioRelease,
    private readonly lookup: StructLookup,
  ) {}

  layout(name: string): StructLayout | undefined {
    const hit = this.cache.get(name);
    if (hit) return hit;
    const def = this.lookup(name);
    if (!def || !inRelease(this.release, def)) return undefined;
    if (this.active.has(name)) throw new Error(`struct ${name} contains itself`);
    this.active.add(name);
    try {
      const out = this.compute(def);
      this.cache.set(name, out);
      return out;
    } finally {
      this.active.delete(name);
    }
  }

  private typeOf(t: TypeSpec): Sized {
    if (isScalarType(t)) {
      const s = scalarInfo(t);
      return { size: s.size, align: s.align, element: { kind: 'scalar', type: t } };
    }
    const name = t.slice('struct '.length);
    const inner = this.layout(name);
    if (!inner) throw new Error(`struct ${name} is not defined in ${this.release}`);
    return { size: inner.size, align: inner.align, element: { kind: 'struct', name } };
  }

  private place(
    f: FieldDef,
    offset: number,
    unionGroup?: number,
  ): { field: FieldLayout; align: number } {
    const t = this.typeOf(f.type);
    const ctype = f.flex ? `${f.type}[]` : f.count !== undefined ? `${f.type}[${f.count}]` : f.type;
    const size = f.flex ? 0 : t.size * (f.count ?? 1);
    const field: FieldLayout = {
      name: f.name,
      ctype,
      element: t.element,
      offset: alignUp(offset, t.align),
      size,
      elemSize: t.size,
      ...(f.flex ? { count: 0 } : f.count !== undefined ? { count: f.count } : {}),
      flexible: f.flex === true,
      ...(unionGroup !== undefined ? { unionGroup } : {}),
    };
    return { field, align: t.align };
  }

  private compute(def: StructDef): StructLayout {
    const fields: FieldLayout[] = [];
    let offset = 0;
    let align = 1;
    let group = 0;
    for (const m of def.members) {
      if (!inRelease(this.release, m)) continue;
      if (isUnion(m)) {
        const members = m.union.filter((f) => inRelease(this.release, f));
        const placed = members.map((f) => this.place(f, 0));
        const ua = Math.max(1, ...placed.map((p) => p.align));
        const us = alignUp(Math.max(0, ...placed.map((p) => p.field.size)), ua);
        const at = alignUp(offset, ua);
        group++;
        for (const f of members) fields.push(this.place(f, at, group).field);
        offset = at + us;
        align = Math.max(align, ua);
      } else {
        const p = this.place(m, offset);
        fields.push(p.field);
        offset = p.field.offset + p.field.size;
        align = Math.max(align, p.align);
      }
    }
    return { name: def.name, header: def.header, size: alignUp(offset, align), align, fields };
  }
}
