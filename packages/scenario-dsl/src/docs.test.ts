import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, syntaxDiagnosticCodes } from './index.js';

const read = (rel: string): string => readFileSync(new URL(rel, import.meta.url), 'utf8');

/** The ```dma code blocks of a markdown file, with the heading they sit under. */
function dmaBlocks(markdown: string): { heading: string; code: string }[] {
  const out: { heading: string; code: string }[] = [];
  let heading = '';
  const re = /^(#{1,3} .*)$|^```dma\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(re)) {
    if (m[1] !== undefined) heading = m[1];
    else out.push({ heading, code: m[2] ?? '' });
  }
  return out;
}

describe('documentation examples', () => {
  it('every example in docs/dsl/reference.md parses without diagnostics', () => {
    const blocks = dmaBlocks(read('../../../docs/dsl/reference.md'));
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    for (const b of blocks) {
      expect(parse(b.code, 'reference.md').diagnostics, `${b.heading}\n${b.code}`).toEqual([]);
    }
  });

  it('every example in docs/dsl/diagnostics.md produces the code of its section', () => {
    const blocks = dmaBlocks(read('../../../docs/dsl/diagnostics.md'));
    expect(blocks.length).toBeGreaterThan(8);
    for (const b of blocks) {
      const code = /DMA\d{3}/.exec(b.heading)?.[0];
      const got = parse(b.code, 'diagnostics.md').diagnostics.map((d) => d.code);
      expect(got, b.heading).toContain(code);
    }
  });

  it('docs/dsl/diagnostics.md has a section for every syntax code', () => {
    const doc = read('../../../docs/dsl/diagnostics.md');
    for (const [code, { title }] of Object.entries(syntaxDiagnosticCodes)) {
      expect(doc, code).toContain(`## ${code}: ${title}`);
    }
  });
});
