import type { Failure } from './result.js';
import { dumpExcerpt, PgtableHandle } from './pgtable-dump.js';
import type { Value } from './values.js';

/**
 * When a statement that involves a page table fails, the failure shows the table's
 * entries (first lines of the dump) as its state excerpt.
 */
export function pgtableFailureState(values: readonly (Value | undefined)[]): Pick<Failure, 'state'> {
  const seen = new Set<PgtableHandle>();
  for (const v of values) {
    if (typeof v !== 'object' || v.kind !== 'handle') continue;
    if (v.obj instanceof PgtableHandle) seen.add(v.obj);
    else if (v.what === 'pgtable-dump') seen.add((v.obj as { handle: PgtableHandle }).handle);
  }
  if (seen.size === 0) return {};
  return { state: [...seen].flatMap((h) => dumpExcerpt(h)) };
}
