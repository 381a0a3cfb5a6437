import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderOpsDoc } from './ops-docs.js';

describe('docs/dsl/ops.md', () => {
  it('is up to date with the op registry (regenerate: node scripts/dmasim-node.mjs packages/scenario-engine/scripts/gen-ops-docs.ts)', () => {
    const committed = readFileSync(new URL('../../../docs/dsl/ops.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderOpsDoc());
  });
});
