import type { Machine } from '@dmasim/machine';
import type { Expr } from '@dmasim/scenario-dsl';
import { queryRegistry } from './registry.js';
import { bdfKey } from './validate.js';
import { ScenarioError, isBuffer, type Value } from './values.js';

/** Evaluates an expression against the machine and the variables bound so far. */
export function evaluate(e: Expr, m: Machine, vars: ReadonlyMap<string, Value>): Value {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'bdf':
      return bdfKey(e);
    case 'pciid':
      return e.text;
    case 'string':
      return e.value;
    case 'ident': {
      const v = vars.get(e.name);
      if (v === undefined) return e.name; // a bare word (validated against the op's word list)
      return v;
    }
    case 'call': {
      const q = queryRegistry.get(e.fn);
      if (!q) throw new ScenarioError(`unknown function ${e.fn}`);
      return q.fn(
        m,
        e.args.map((a) => evaluate(a, m, vars)),
      );
    }
    case 'binary': {
      const l = evaluate(e.left, m, vars);
      const r = evaluate(e.right, m, vars);
      if (typeof r !== 'bigint') throw new ScenarioError(`cannot ${e.op === '+' ? 'add' : 'subtract'} a non-number`);
      if (typeof l === 'bigint') {
        const v = e.op === '+' ? l + r : l - r;
        return v & ((1n << 64n) - 1n);
      }
      if (isBuffer(l)) {
        const off = e.op === '+' ? l.offset + r : l.offset - r;
        if (off < 0n || off >= l.buf.size) throw new ScenarioError(`offset 0x${off.toString(16)} is outside the ${l.buf.size}-byte buffer`);
        return { kind: 'buffer', buf: l.buf, offset: off };
      }
      throw new ScenarioError('cannot do arithmetic on a string');
    }
  }
}
