import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cstTypings, syntaxDiagramsHtml } from './grammar-artifacts.js';

const read = (rel: string): string => readFileSync(new URL(rel, import.meta.url), 'utf8');

describe('checked-in files generated from the grammar', () => {
  it('docs/dsl/syntax-diagrams.html is up to date (regenerate: pnpm docs:grammar)', () => {
    expect(read('../../../docs/dsl/syntax-diagrams.html')).toBe(syntaxDiagramsHtml());
  });

  it('src/generated/cst.ts is up to date (regenerate: scripts/gen-cst-types.ts)', () => {
    expect(read('./generated/cst.ts')).toBe(cstTypings());
  });
});
