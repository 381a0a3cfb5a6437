import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { formatDiagnostic, parse } from './index.js';
import { parser } from './parser.js';

/** Deterministic pseudo-random numbers (a fixed LCG), so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const example = readFileSync(new URL('./test-fixtures/example.dma', import.meta.url), 'utf8');

function checkResult(text: string): void {
  const r = parse(text, 'fuzz.dma');
  expect(r.file.uri).toBe('fuzz.dma');
  expect(r.diagnostics.length).toBeLessThanOrEqual(101);
  for (const d of r.diagnostics) {
    expect(d.code).toMatch(/^DMA1\d\d$/);
    expect(d.loc.startOffset).toBeLessThanOrEqual(d.loc.endOffset);
    expect(d.loc.endOffset).toBeLessThanOrEqual(text.length);
    expect(d.message).not.toMatch(/Identifier|Newline|StringLiteral|undefined|NaN/);
    formatDiagnostic(d, text, 'fuzz.dma');
  }
}

describe('parse never throws', () => {
  it('on random strings over the language\'s own characters', () => {
    const next = rng(1);
    const alphabet = 'ab01fx_.-:=>+(){}," #*\n\t\\$K';
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(next() * 120);
      let s = '';
      for (let k = 0; k < len; k++) s += alphabet.charAt(Math.floor(next() * alphabet.length));
      expect(() => checkResult(s)).not.toThrow();
    }
  });

  it('on mutations of a real scenario (deleted, duplicated and swapped characters)', () => {
    const next = rng(7);
    for (let i = 0; i < 200; i++) {
      const chars = example.split('');
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * chars.length);
        const kind = Math.floor(next() * 3);
        if (kind === 0) chars.splice(at, 1);
        else if (kind === 1) chars.splice(at, 0, chars[at] ?? '{');
        else chars[at] = '})"=#\n'[Math.floor(next() * 6)]!;
      }
      expect(() => checkResult(chars.join(''))).not.toThrow();
    }
  });

  it('on random UTF-16 code units, lone surrogates and binary bytes included', () => {
    const next = rng(3);
    for (let i = 0; i < 50; i++) {
      let s = '';
      for (let k = 0; k < 200; k++) s += String.fromCharCode(Math.floor(next() * 0x10000));
      expect(() => checkResult(s)).not.toThrow();
    }
  });

  it('on a 1 MB file of garbage', () => {
    const next = rng(11);
    const alphabet = 'ab01 x=(){}\n"#=>.:-+,*$';
    const parts: string[] = [];
    for (let k = 0; k < 1 << 20; k++) parts.push(alphabet[Math.floor(next() * alphabet.length)]!);
    const r = parse(parts.join(''), 'big.dma');
    expect(r.diagnostics.at(-1)?.code).toBe('DMA113');
  });
});

describe('the parser is built once and reused', () => {
  it('parses a 5,000-line file through the one shared parser instance', () => {
    const body = example.slice(example.indexOf('step "a'));
    let big = example.slice(0, example.indexOf('step "a'));
    while (big.split('\n').length < 5000) big += body;
    const spy = vi.spyOn(parser, 'parseTokens');
    try {
      const first = parse(big, 'big.dma');
      const second = parse(example, 'small.dma');
      expect(spy).toHaveBeenCalledTimes(2);
      expect(spy.mock.contexts.every((c) => c === parser)).toBe(true);
      expect(first.diagnostics).toEqual([]);
      expect(first.file.body.filter((s) => s.kind === 'step')).toHaveLength(Math.floor(big.split('step "a').length - 1));
      // reuse leaves no state behind: the small file parses exactly as on its own
      expect(second.diagnostics).toEqual([]);
      expect(second.file.body).toHaveLength(2);
    } finally {
      spy.mockRestore();
    }
  });
});
