import type { Machine } from '@dmasim/machine';
import type { PciDevice } from '@dmasim/pci-topology';
import { ScenarioError, type Value } from './values.js';

/** Evaluated arguments of one operation, by spec name. */
export type Args = Readonly<Record<string, Value | undefined>>;

export interface ExecContext {
  readonly m: Machine;
  readonly args: Args;
}

export function device(m: Machine, bdf: Value | undefined): PciDevice {
  if (typeof bdf !== 'string') throw new ScenarioError('expected a device address (bb:dd.f)');
  const d = m.device(bdf);
  if (!d) throw new ScenarioError(`no device ${bdf} in the topology`);
  return d;
}

export function num(v: Value | undefined, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'object') return v.buf.kind === 'kernel' ? v.buf.phys + v.offset : v.buf.pages[0]! + v.offset;
  throw new ScenarioError(`${what}: expected a number, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
}
