import type { Machine } from '@dmasim/machine';
import type { PciDevice } from '@dmasim/pci-topology';
import { ScenarioError, isBuffer, type Value } from './values.js';

/** Evaluated arguments of one operation, by spec name. */
export type Args = Readonly<Record<string, Value | undefined>>;

export interface ExecContext {
  readonly m: Machine;
  readonly args: Args;
  /** Every value of a variadic argument, in order (`vfio.bind 01:00.0 01:00.1`). */
  readonly lists: Readonly<Record<string, readonly Value[]>>;
  /** Text an operation prints for the reader (`pgtable.dump`); collected into the scenario result's `output`. */
  readonly print: (line: string) => void;
}

export function device(m: Machine, bdf: Value | undefined): PciDevice {
  if (typeof bdf !== 'string') throw new ScenarioError('expected a device address (bb:dd.f)');
  const d = m.device(bdf);
  if (!d) throw new ScenarioError(`no device ${bdf} in the topology`);
  return d;
}

export function num(v: Value | undefined, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (isBuffer(v)) return v.buf.kind === 'kernel' ? v.buf.phys + v.offset : v.buf.pages[0]! + v.offset;
  throw new ScenarioError(`${what}: expected a number, got ${v === undefined ? 'nothing' : typeof v === 'string' ? JSON.stringify(v) : v.label}`);
}

/** A bare word argument (validated against the op's word list before the run). */
export function word(v: Value | undefined, what: string): string {
  if (typeof v === 'string') return v;
  throw new ScenarioError(`${what}: expected a word`);
}
