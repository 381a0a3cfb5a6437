import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScenario } from './run.js';

// The conformance corpus runs in the unit-test suite too: every bundled scenario passes.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = join(root, 'scenarios');

function walk(d: string): string[] {
  return readdirSync(d)
    .sort()
    .flatMap((n) => {
      const p = join(d, n);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith('.dma') ? [p] : [];
    });
}

const files = walk(dir);

describe('bundled scenarios', () => {
  it('there are scenarios to run', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });
  for (const f of files) {
    const rel = relative(root, f);
    it(rel, () => {
      const results = runScenario(readFileSync(f, 'utf8'), rel);
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) {
        const detail = [...r.failures.map((x) => `${x.message}: expected ${x.expected ?? '?'}, actual ${x.actual ?? '?'}`), ...r.diagnostics.map((d) => `${d.code} ${d.message}`)];
        expect({ status: r.status, detail: r.status === 'pass' ? [] : detail }).toEqual({ status: 'pass', detail: [] });
      }
    });
  }
});
