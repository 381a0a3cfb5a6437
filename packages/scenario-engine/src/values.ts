import type { Buffer } from '@dmasim/machine';
import { hex } from '@dmasim/physmem';

/** A buffer plus a byte offset into it (`buf + 0x10`). */
export interface BufferValue {
  readonly kind: 'buffer';
  readonly buf: Buffer;
  readonly offset: bigint;
}

/** An object the scenario holds: a VFIO container or group fd, an IOVA domain, a page table or a dump of one. */
export interface HandleValue {
  readonly kind: 'handle';
  readonly what: 'vfio-container' | 'vfio-group' | 'iova-domain' | 'pgtable' | 'pgtable-dump';
  readonly obj: object;
  readonly label: string;
}

/** Values scenario expressions evaluate to. Numbers are exact 64-bit bigints. */
export type Value = bigint | string | BufferValue | HandleValue;

export function isBuffer(v: Value | undefined): v is BufferValue {
  return typeof v === 'object' && v.kind === 'buffer';
}

export function formatValue(v: Value | undefined): string {
  if (v === undefined) return '(nothing)';
  if (typeof v === 'bigint') return hex(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v.kind === 'handle') return v.label;
  const base = v.buf.kind === 'user' ? `user buffer #${v.buf.id}` : `kernel buffer #${v.buf.id} at ${hex(v.buf.phys)}`;
  return v.offset === 0n ? base : `${base} + ${hex(v.offset)}`;
}

export function valuesEqual(a: Value, b: Value): boolean {
  if (isBuffer(a) && isBuffer(b)) return a.buf === b.buf && a.offset === b.offset;
  if (typeof a === 'object' && typeof b === 'object') return a.kind === 'handle' && b.kind === 'handle' && a.obj === b.obj;
  return a === b;
}

/** The error a failed evaluation or operation raises inside the engine (never escapes runScenario). */
export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly why: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}
