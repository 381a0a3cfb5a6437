/**
 * Struct values to and from the bytes an ioctl sees: little-endian (x86-64),
 * laid out by the layout engine. Fields of 32 bits or less are numbers, 64-bit
 * fields bigints, nested structs objects, arrays arrays. A flexible array member
 * extends the buffer by its elements; missing fields are zero.
 */
import { suggest } from '@dmasim/op-spec';
import { scalarInfo, scalarRange } from './ctypes.js';
import type { ScalarType } from './ctypes.js';
import type { ElementType, FieldLayout, StructLayout } from './layout.js';
import { structLayout } from './api.js';
import type { VfioRelease } from './release.js';
import { fail, ok } from './result.js';
import type { UapiResult } from './result.js';

export type FieldValue = number | bigint | StructValues | readonly FieldValue[];

export interface StructValues {
  readonly [field: string]: FieldValue | undefined;
}

export interface EncodeOptions {
  /** Total buffer size (e.g. an argsz larger than the struct); never smaller than needed. */
  readonly size?: number;
}

class CodecError extends Error {
  constructor(
    readonly code: 'UNKNOWN_FIELD' | 'BAD_VALUE' | 'SHORT_BUFFER',
    message: string,
  ) {
    super(message);
  }
}

type Resolve = (name: string) => StructLayout;

function writeScalar(view: DataView, at: number, t: ScalarType, v: FieldValue, path: string): void {
  let big: bigint;
  if (typeof v === 'bigint') big = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) big = BigInt(v);
  else throw new CodecError('BAD_VALUE', `${path}: expected an integer, got ${describe(v)}`);
  const { size } = scalarInfo(t);
  const { max } = scalarRange(t);
  const bits = BigInt(size * 8);
  // C assignment semantics: any value that fits the width in two's complement
  const lo = -(1n << (bits - 1n));
  const hi = scalarInfo(t).signed ? max : (1n << bits) - 1n;
  if (big < lo || big > hi) {
    throw new CodecError('BAD_VALUE', `${path}: ${big} does not fit ${t}`);
  }
  const u = BigInt.asUintN(Number(bits), big);
  switch (size) {
    case 1:
      view.setUint8(at, Number(u));
      return;
    case 2:
      view.setUint16(at, Number(u), true);
      return;
    case 4:
      view.setUint32(at, Number(u), true);
      return;
    case 8:
      view.setBigUint64(at, u, true);
  }
}

function readScalar(view: DataView, at: number, t: ScalarType): number | bigint {
  const { size, signed } = scalarInfo(t);
  switch (size) {
    case 1:
      return signed ? view.getInt8(at) : view.getUint8(at);
    case 2:
      return signed ? view.getInt16(at, true) : view.getUint16(at, true);
    case 4:
      return signed ? view.getInt32(at, true) : view.getUint32(at, true);
    case 8:
      return signed ? view.getBigInt64(at, true) : view.getBigUint64(at, true);
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `string '${v}'`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean')
    return `${typeof v} ${v}`;
  return typeof v;
}

function writeElement(
  view: DataView,
  at: number,
  el: ElementType,
  v: FieldValue,
  path: string,
  resolve: Resolve,
): void {
  if (el.kind === 'scalar') {
    writeScalar(view, at, el.type, v, path);
    return;
  }
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new CodecError(
      'BAD_VALUE',
      `${path}: expected struct ${el.name} fields, got ${describe(v)}`,
    );
  }
  writeStruct(view, at, resolve(el.name), v as StructValues, path, resolve);
}

function writeStruct(
  view: DataView,
  base: number,
  layout: StructLayout,
  values: StructValues,
  path: string,
  resolve: Resolve,
): void {
  const byName = new Map(layout.fields.map((f) => [f.name, f]));
  const unionsSet = new Map<number, string>();
  for (const [key, v] of Object.entries(values)) {
    if (v === undefined) continue;
    const f = byName.get(key);
    if (!f) {
      const hint = suggest(key, byName.keys());
      throw new CodecError(
        'UNKNOWN_FIELD',
        `struct ${layout.name} has no field '${key}'${hint ? `; did you mean '${hint}'?` : ''}`,
      );
    }
    if (f.unionGroup !== undefined) {
      const other = unionsSet.get(f.unionGroup);
      if (other !== undefined) {
        throw new CodecError(
          'BAD_VALUE',
          `${layout.name}: '${other}' and '${key}' share a union; set one`,
        );
      }
      unionsSet.set(f.unionGroup, key);
    }
    writeField(view, base, f, v, `${path}.${key}`, resolve);
  }
}

function writeField(
  view: DataView,
  base: number,
  f: FieldLayout,
  v: FieldValue,
  path: string,
  resolve: Resolve,
): void {
  const at = base + f.offset;
  if (f.count === undefined) {
    writeElement(view, at, f.element, v, path, resolve);
    return;
  }
  if (!Array.isArray(v))
    throw new CodecError('BAD_VALUE', `${path}: expected an array, got ${describe(v)}`);
  const list = v as readonly FieldValue[];
  if (!f.flexible && list.length > f.count) {
    throw new CodecError('BAD_VALUE', `${path}: ${list.length} elements for ${f.ctype}`);
  }
  list.forEach((e, i) => {
    writeElement(view, at + i * f.elemSize, f.element, e, `${path}[${i}]`, resolve);
  });
}

function readElement(view: DataView, at: number, el: ElementType, resolve: Resolve): FieldValue {
  return el.kind === 'scalar'
    ? readScalar(view, at, el.type)
    : readStruct(view, at, resolve(el.name), resolve);
}

function readStruct(
  view: DataView,
  base: number,
  layout: StructLayout,
  resolve: Resolve,
): StructValues {
  const out: Record<string, FieldValue> = {};
  for (const f of layout.fields) {
    const at = base + f.offset;
    if (f.count === undefined) {
      out[f.name] = readElement(view, at, f.element, resolve);
      continue;
    }
    const n = f.flexible
      ? f.elemSize > 0
        ? Math.max(0, Math.floor((view.byteLength - at) / f.elemSize))
        : 0
      : f.count;
    const arr: FieldValue[] = [];
    for (let i = 0; i < n; i++)
      arr.push(readElement(view, at + i * f.elemSize, f.element, resolve));
    out[f.name] = arr;
  }
  return out;
}

function resolver(release: VfioRelease): Resolve {
  return (name) => {
    const r = structLayout(name, release);
    if (!r.ok) throw new CodecError('BAD_VALUE', r.error.message);
    return r.value;
  };
}

/** Bytes of `struct name` holding `values` (unset fields zero). */
export function encodeStruct(
  name: string,
  values: StructValues,
  release: VfioRelease,
  options: EncodeOptions = {},
): UapiResult<Uint8Array> {
  const l = structLayout(name, release);
  if (!l.ok) return l;
  const layout = l.value;
  let need = layout.size;
  const flexField = layout.fields.find((f) => f.flexible);
  const flexValue = flexField ? values[flexField.name] : undefined;
  if (flexField && Array.isArray(flexValue)) {
    need = Math.max(need, flexField.offset + flexValue.length * flexField.elemSize);
  }
  const size = Math.max(need, options.size ?? 0);
  const bytes = new Uint8Array(size);
  try {
    writeStruct(new DataView(bytes.buffer), 0, layout, values, layout.name, resolver(release));
  } catch (e) {
    if (e instanceof CodecError) return fail(e.code, e.message);
    throw e;
  }
  return ok(bytes);
}

/**
 * Field values of `struct name` read from `bytes` (at least sizeof bytes). A
 * flexible array member gets as many elements as the remaining bytes hold.
 */
export function decodeStruct(
  name: string,
  bytes: Uint8Array,
  release: VfioRelease,
): UapiResult<StructValues> {
  const l = structLayout(name, release);
  if (!l.ok) return l;
  if (bytes.length < l.value.size) {
    return fail(
      'SHORT_BUFFER',
      `struct ${l.value.name} needs ${l.value.size} bytes in ${release}, got ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return ok(readStruct(view, 0, l.value, resolver(release)));
  } catch (e) {
    if (e instanceof CodecError) return fail(e.code, e.message);
    throw e;
  }
}
