import type { ScalarType } from './ctypes.js';
import type { Ranged } from './release.js';

/** Which uAPI header a definition belongs to. */
export type UapiHeader = 'linux/vfio.h' | 'linux/iommufd.h';

/** A field's C type: a scalar or a named struct (`struct vfio_bitmap`). */
export type TypeSpec = ScalarType | `struct ${string}`;

export interface FieldDef extends Ranged {
  readonly name: string;
  readonly type: TypeSpec;
  /** Fixed array length (`__u32 idr[6]`). */
  readonly count?: number;
  /** Flexible array member (`__u8 data[]`). */
  readonly flex?: boolean;
}

/** An anonymous union; its members are fields of the enclosing struct. */
export interface UnionDef extends Ranged {
  readonly union: readonly FieldDef[];
}

export type MemberDef = FieldDef | UnionDef;

export interface StructDef extends Ranged {
  readonly name: string;
  readonly header: UapiHeader;
  readonly members: readonly MemberDef[];
}

export function isUnion(m: MemberDef): m is UnionDef {
  return 'union' in m;
}

// Small constructors so the tables read like the headers.

export function field(name: string, type: TypeSpec, range: Ranged = {}): FieldDef {
  return { name, type, ...range };
}

export function array(name: string, type: TypeSpec, count: number, range: Ranged = {}): FieldDef {
  return { name, type, count, ...range };
}

export function flex(name: string, type: TypeSpec, range: Ranged = {}): FieldDef {
  return { name, type, flex: true, ...range };
}

export function union(members: readonly FieldDef[], range: Ranged = {}): UnionDef {
  return { union: members, ...range };
}

/** `struct name { members }` from `header`, optionally limited to a release range. */
export function struct(
  header: UapiHeader,
  name: string,
  members: readonly MemberDef[],
  range: Ranged = {},
): StructDef {
  return { name, header, members, ...range };
}
