/**
 * Operations are data. Each simulator package exports a table of the scenario
 * operations it offers; the scenario engine validates statements against the
 * union of those tables (arity, argument kinds, allowed outcomes) and suggests
 * the nearest name for a typo. Adding an ioctl never touches the grammar.
 */

/** What an argument accepts. The engine converts literals and checks variables against this. */
export type ArgKind =
  | 'u64' // an address or plain number (hex/dec, `_` separators)
  | 'size' // a byte count; accepts 4K/2M/1G units
  | 'int' // a small integer (bits, counts)
  | 'bdf' // [dddd:]bb:dd.f
  | 'string'
  | 'word' // one of `values`
  | 'ref' // a variable bound earlier (buffer, container, handle…)
  | 'expr'; // anything that evaluates to a value

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  /** `key=value` form instead of positional. */
  readonly named?: boolean;
  readonly optional?: boolean;
  /** Several positional values (e.g. a list of BDFs). Only for the last positional argument. */
  readonly variadic?: boolean;
  /** Allowed words for kind `word`; for kind `expr`, bare words accepted besides values and variables. */
  readonly values?: readonly string[];
  /** A bare flag (`rw`, `multifunction`): present or not; kind must be 'word' with a single value. */
  readonly flag?: boolean;
  readonly doc?: string;
}

/** Outcome kinds a statement may state after `=>`. */
export type OutcomeKind = 'ok' | 'error' | 'fault' | 'iova' | 'bytes' | 'value';

export interface OpSpec {
  /** Qualified name as written in scenarios, e.g. `dma.map_single`. */
  readonly name: string;
  readonly summary: string;
  readonly args: readonly ArgSpec[];
  /** Outcomes that make sense for this op; the engine rejects others (DMA3xx). */
  readonly outcomes: readonly OutcomeKind[];
  /** Errnos the op can produce, by name. */
  readonly errors?: readonly string[];
  /** What a binding (`x = op …` or `=> … as x`) receives. */
  readonly binds?: string;
  /** Kernel source this op models: file and function. */
  readonly source: string;
}

/** A query usable inside expressions, e.g. `group(01:00.0)`. */
export interface QuerySpec {
  readonly name: string;
  readonly summary: string;
  readonly args: readonly ArgSpec[];
  readonly returns: string;
  readonly source: string;
}

/** Identity helper that keeps literal types and checks the shape. */
export function defineOps<const T extends readonly OpSpec[]>(ops: T): T {
  return ops;
}

export function defineQueries<const T extends readonly QuerySpec[]>(qs: T): T {
  return qs;
}

/** How an argument is written in a signature: `<size>`, `read|write`, `[fill=<u64>]`. */
export function formatArg(a: ArgSpec): string {
  const core = a.named ? `${a.name}=<${a.kind}>` : a.kind === 'word' && a.values ? a.values.join('|') : `<${a.name}>`;
  return a.optional ? `[${core}]` : core;
}

/** `dma.map_single <dev> <buf> <size> bidirectional|to-device|…`. */
export function formatSignature(name: string, args: readonly ArgSpec[]): string {
  return `${name} ${args.map(formatArg).join(' ')}`.trim();
}
