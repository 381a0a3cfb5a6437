import type { Ranged } from './release.js';
import type { UapiHeader } from './struct-def.js';

/** `#define NAME expr` with an integer body. */
export interface DefineDef extends Ranged {
  readonly kind: 'define';
  readonly name: string;
  readonly expr: string;
}

/** `#define NAME "text"`. */
export interface StringDef extends Ranged {
  readonly kind: 'string';
  readonly name: string;
  readonly value: string;
}

export interface EnumMember extends Ranged {
  readonly name: string;
  /** Initialiser; without one the value is the previous member's plus one (first: 0). */
  readonly expr?: string;
}

/** `enum [tag] { ... }`: members are `int` constants. */
export interface EnumDef extends Ranged {
  readonly kind: 'enum';
  readonly tag?: string;
  readonly members: readonly EnumMember[];
}

export type ConstDef = DefineDef | StringDef | EnumDef;

export interface ConstTable {
  readonly header: UapiHeader;
  readonly defs: readonly ConstDef[];
}

export function define(name: string, expr: string, range: Ranged = {}): DefineDef {
  return { kind: 'define', name, expr, ...range };
}

export function str(name: string, value: string, range: Ranged = {}): StringDef {
  return { kind: 'string', name, value, ...range };
}

function isPair(m: readonly [string, string] | EnumMember): m is readonly [string, string] {
  return Array.isArray(m);
}

/** Members as names, `[name, expr]` pairs, or full member objects. */
export function enumOf(
  tag: string | undefined,
  members: readonly (string | readonly [string, string] | EnumMember)[],
  range: Ranged = {},
): EnumDef {
  return {
    kind: 'enum',
    ...(tag !== undefined ? { tag } : {}),
    members: members.map((m): EnumMember => {
      if (typeof m === 'string') return { name: m };
      if (isPair(m)) return { name: m[0], expr: m[1] };
      return m;
    }),
    ...range,
  };
}

/** `#define PREFIX_NAME (1 << n)` for each name, n counting from `first`. */
export function bits(
  prefix: string,
  names: readonly string[],
  range: Ranged = {},
  first = 0,
): DefineDef[] {
  return names.map((n, i) => define(`${prefix}${n}`, `(1 << ${i + first})`, range));
}
