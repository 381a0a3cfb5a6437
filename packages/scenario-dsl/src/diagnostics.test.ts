import { describe, expect, it, vi } from 'vitest';
import { MAX_DIAGNOSTICS, diagnosticCodes, parse, syntaxDiagnosticCodes } from './index.js';
import type { Diagnostic } from './index.js';
import { parser } from './parser.js';

/** [code, line, column] of each diagnostic. */
function where(src: string): [string, number, number][] {
  return parse(src, 'd.dma').diagnostics.map((d) => [d.code, d.loc.startLine, d.loc.startColumn]);
}

function only(src: string): Diagnostic {
  const { diagnostics } = parse(src, 'd.dma');
  expect(diagnostics).toHaveLength(1);
  return diagnostics[0]!;
}

describe('every syntax diagnostic code', () => {
  it('DMA101 unexpected character', () => {
    expect(where('dump 1 $x\n')).toEqual([['DMA101', 1, 8]]);
    const d = only('kernel 6.1\nexpect a == b ;\n');
    expect([d.code, d.loc.startLine, d.loc.startColumn, d.message]).toEqual(['DMA101', 2, 15, 'unexpected character `;`']);
  });

  it('DMA101 for a binary file (NUL bytes) is one diagnostic, not thousands', () => {
    const d = only('scenario "x"\n\u0000\u0001\u0002\u0000');
    expect([d.code, d.loc.startLine, d.loc.startColumn]).toEqual(['DMA101', 2, 1]);
  });

  it('DMA102 missing outcome after `=>`, pointing at the arrow', () => {
    const d = only('step "s" {\n  buf = kmalloc 4K =>\n}\n');
    expect([d.code, d.loc.startLine, d.loc.startColumn, d.loc.endColumn]).toEqual(['DMA102', 2, 20, 22]);
    expect(d.message).toBe('expected an outcome after `=>` (ok | error ERRNO | fault … | iova … | bytes …)');
  });

  it('DMA102 also when something that is not an outcome follows', () => {
    expect(where('dump 1 => 0x10\n')).toEqual([['DMA102', 1, 11]]);
  });

  it('DMA103 unterminated string', () => {
    expect(where('scenario "abc\nkernel 6.1\n')).toEqual([['DMA103', 1, 10]]);
  });

  it('DMA104 header line after statements, with a note at the first statement', () => {
    const d = only('kernel 6.1\ndump 1\nboot "x"\n');
    expect([d.code, d.loc.startLine, d.loc.startColumn]).toEqual(['DMA104', 3, 1]);
    expect(d.hint).toBeDefined();
    expect(d.notes[0]?.loc?.startLine).toBe(2);
  });

  it('DMA104 for a header line inside a step', () => {
    expect(where('step "s" {\n  memory 4G\n}\n')).toEqual([['DMA104', 2, 3]]);
  });

  it('DMA105 unexpected token, in words rather than token names', () => {
    const d = only('kernel 6\n');
    expect([d.code, d.loc.startLine, d.loc.startColumn]).toEqual(['DMA105', 1, 8]);
    expect(d.message).toBe('expected a kernel release like `6.12` after `kernel`, found the number `6`');
    const many = parse('expect a\nplatform\n= x\n}\n', 'd.dma').diagnostics;
    for (const m of many) expect(m.message).not.toMatch(/Newline|Identifier|StringLiteral|NEWLINE|EOF|-->/);
    expect(many.map((m) => [m.code, m.loc.startLine])).toEqual([
      ['DMA105', 1],
      ['DMA105', 2],
      ['DMA105', 3],
      ['DMA105', 4],
    ]);
    expect(many[3]?.message).toBe('unexpected `}`: no block is open here');
  });

  it('DMA106 unclosed `{`, at the end of the file with a note at the brace', () => {
    const d = only('topology {\n  device 00:02.0\n');
    expect([d.code, d.loc.startLine, d.loc.startColumn]).toEqual(['DMA106', 2, 17]);
    expect(d.notes[0]?.loc).toMatchObject({ startLine: 1, startColumn: 10, endColumn: 11 });
  });

  it('DMA107 duplicate header line, with a note at the first', () => {
    const d = only('kernel 6.1\nkernel 6.12\n');
    expect([d.code, d.loc.startLine, d.loc.startColumn]).toEqual(['DMA107', 2, 1]);
    expect(d.notes[0]?.loc?.startLine).toBe(1);
    expect(where('variant a\nvariant a boot+="x"\n')).toEqual([['DMA107', 2, 9]]);
    expect(where('topology {\n}\ntopology {\n}\n')).toEqual([['DMA107', 3, 1]]);
  });

  it('DMA108 malformed number, size, BDF or byte pattern', () => {
    expect(where('memory 4k\n')).toEqual([['DMA108', 1, 8]]);
    expect(where('dump 00:20.0\n')).toEqual([['DMA108', 1, 6]]);
    expect(where('dump 0x1_0000_0000_0000_0000\n')).toEqual([['DMA108', 1, 6]]);
    expect(where('device 01:00.0 read 0 2 => bytes a5a\n')).toEqual([['DMA108', 1, 34]]);
    expect(where('device 01:00.0 read 0 2 => bytes a5zz\n')).toEqual([['DMA108', 1, 34]]);
  });

  it('DMA109 nested step (and a topology block inside a step)', () => {
    const d = only('step "a" {\n  step "b" {\n  }\n}\n');
    expect([d.code, d.loc.startLine, d.loc.startColumn, d.loc.endColumn]).toEqual(['DMA109', 2, 3, 7]);
    expect(d.notes[0]?.loc?.startLine).toBe(1);
    expect(where('step "a" {\n  topology {\n  }\n}\n')).toEqual([['DMA109', 2, 3]]);
  });

  it('DMA110 invalid escape in a string', () => {
    expect(where('boot "a\\qb"\n')).toEqual([['DMA110', 1, 8]]);
  });

  it('DMA111 `error` outcome without one errno', () => {
    expect(where('dump 1 => error\n')).toEqual([['DMA111', 1, 11]]);
    expect(where('dump 1 => error EEXIST EINVAL\n')).toEqual([['DMA111', 1, 17]]);
    expect(where('dump 1 => error 17\n')).toEqual([['DMA111', 1, 17]]);
  });

  it('DMA112 nesting too deep, instead of a stack overflow', () => {
    const r = parse(`expect ${'('.repeat(50_000)}1\n`, 'd.dma');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['DMA112']);
  });

  it('DMA113 closes a list capped at MAX_DIAGNOSTICS', () => {
    const src = 'dump $\n'.repeat(MAX_DIAGNOSTICS + 20);
    const ds = parse(src, 'd.dma').diagnostics;
    expect(ds).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(ds.at(-1)).toMatchObject({ code: 'DMA113', severity: 'warning', message: 'too many errors: 20 more not shown' });
  });

  it('DMA100 when the parser itself fails, instead of throwing', () => {
    const spy = vi.spyOn(parser, 'parseTokens').mockImplementation(() => {
      throw new Error('boom');
    });
    try {
      const r = parse('kernel 6.1\n', 'd.dma');
      expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([['DMA100', 'internal parser error: boom']]);
      expect(r.file.body).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('documents every code it can emit, and only DMA1xx', () => {
    const emitted = ['DMA100', 'DMA101', 'DMA102', 'DMA103', 'DMA104', 'DMA105', 'DMA106', 'DMA107', 'DMA108', 'DMA109', 'DMA110', 'DMA111', 'DMA112', 'DMA113'];
    expect(Object.keys(syntaxDiagnosticCodes).sort()).toEqual(emitted);
    for (const code of emitted) {
      expect(diagnosticCodes[code]?.title.length).toBeGreaterThan(5);
      expect(diagnosticCodes[code]?.explanation.length).toBeGreaterThan(20);
    }
  });
});

describe('recovery', () => {
  it('reports three broken lines as three diagnostics and keeps the good lines', () => {
    const src = [
      'scenario "recovery"',
      'kernel six', // 2: not a release
      'step "s" {',
      '  buf = kmalloc 4K',
      '  dma.map_single 00:02.0 buf 4K to-device =>', // 5: no outcome
      '  dma.unmap_single 00:02.0 d 4K to-device => ok',
      '  expect phys(buf) ==', // 7: no right-hand side
      '  dump buf',
      '}',
      '',
    ].join('\n');
    const { file, diagnostics } = parse(src, 'r.dma');
    expect(diagnostics.map((d) => [d.code, d.loc.startLine])).toEqual([
      ['DMA105', 2],
      ['DMA102', 5],
      ['DMA105', 7],
    ]);
    expect(file.header.title?.value).toBe('recovery');
    const step = file.body[0];
    expect(step?.kind === 'step' ? step.body.map((s) => (s.kind === 'op' ? s.op : s.kind)) : []).toEqual([
      'kmalloc',
      'dma.map_single',
      'dma.unmap_single',
      'dump',
    ]);
  });

  it('a broken line inside a topology block does not hide later errors', () => {
    const src = 'topology {\n  device 00:02.0 = \n  device 00:03.0 id=8086:1533\n}\nkernel 6.1\n';
    expect(where(src)).toEqual([
      ['DMA105', 2, 18],
      ['DMA104', 5, 1],
    ]);
  });

  it('an unclosed step still yields its statements', () => {
    const { file, diagnostics } = parse('step "s" {\n  dump 1\n  dump 2\n', 'u.dma');
    expect(diagnostics.map((d) => d.code)).toEqual(['DMA106']);
    const step = file.body[0];
    expect(step?.kind === 'step' ? step.body.length : -1).toBe(2);
  });
});
