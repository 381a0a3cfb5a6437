import { describe, expect, it } from 'vitest';
import { formatCodeFrame, formatDiagnostic, parse } from './index.js';
import type { Loc } from './index.js';

const source = [
  '# scenarios/x.dma',
  'scenario "format"',
  'kernel 6.12',
  'platform intel-vtd',
  '',
  'topology {',
  '  device 00:02.0 class=display',
  '}',
  '',
  'step "a kernel driver maps a buffer" {',
  '  buf = kmalloc 4K',
  '  dma.map_single 00:02.0 buf 4K to-device =>',
  '}',
  '',
].join('\n');

function loc(line: number, startColumn: number, endColumn: number): Loc {
  return { startOffset: 0, endOffset: 0, startLine: line, startColumn, endLine: line, endColumn };
}

describe('formatDiagnostic', () => {
  it('prints the header, a code frame with carets under the range, and the hint', () => {
    const [d] = parse(source, 'scenarios/x.dma').diagnostics;
    expect(d?.code).toBe('DMA102');
    expect(formatDiagnostic(d!, source, 'scenarios/x.dma')).toBe(
      [
        'scenarios/x.dma:12:43: error[DMA102]: expected an outcome after `=>` (ok | error ERRNO | fault … | iova … | bytes …)',
        '   11 |   buf = kmalloc 4K',
        ' > 12 |   dma.map_single 00:02.0 buf 4K to-device =>',
        '      |                                           ^^',
        '   13 | }',
        '  hint: write `=> ok` if the call must succeed, or drop the `=>` if any outcome will do',
      ].join('\n'),
    );
  });

  it('prints located notes as `path:line:col: note:` lines and plain notes indented', () => {
    const src = 'kernel 6.1\nkernel 6.12\n';
    const [d] = parse(src, 'k.dma').diagnostics;
    const text = formatDiagnostic({ ...d!, notes: [...d!.notes, { message: 'no location' }] }, src, 'k.dma');
    expect(text.split('\n')).toEqual([
      'k.dma:2:1: error[DMA107]: duplicate `kernel` line',
      '   1 | kernel 6.1',
      ' > 2 | kernel 6.12',
      '     | ^^^^^^',
      '  hint: keep one; `boot`, `kconfig` and `requires` lines may repeat, the others may not',
      'k.dma:1:1: note: first defined here',
      '  note: no location',
    ]);
  });

  it('uses ANSI colour only when asked', () => {
    const [d] = parse(source, 'scenarios/x.dma').diagnostics;
    const ESC = String.fromCharCode(27);
    expect(formatDiagnostic(d!, source, 'x.dma')).not.toContain(ESC);
    const coloured = formatDiagnostic(d!, source, 'x.dma', { color: true });
    expect(coloured).toContain(`${ESC}[31m`);
    // stripping the escapes gives the plain text back
    expect(coloured.replaceAll(new RegExp(`${ESC}\\[\\d+m`, 'g'), '')).toBe(formatDiagnostic(d!, source, 'x.dma'));
  });

  it('prints warnings as warnings', () => {
    const ds = parse('dump $\n'.repeat(101), 'w.dma').diagnostics;
    const last = ds.at(-1)!;
    expect(formatDiagnostic(last, 'dump $\n'.repeat(101), 'w.dma').split('\n')[0]).toBe(
      'w.dma:100:6: warning[DMA113]: too many errors: 1 more not shown',
    );
  });
});

describe('formatCodeFrame', () => {
  it('marks the first line and shows no line before it', () => {
    expect(formatCodeFrame('abc\ndef\n', loc(1, 2, 3))).toBe([' > 1 | abc', '     |  ^', '   2 | def'].join('\n'));
  });

  it('gives an empty range one caret and appends a label', () => {
    expect(formatCodeFrame('x =>\n', loc(1, 5, 5), { label: 'outcome here' })).toBe(
      [' > 1 | x =>', '     |     ^ outcome here'].join('\n'),
    );
  });

  it('keeps tabs so carets line up under tab-indented text', () => {
    expect(formatCodeFrame('\tdump x\n', loc(1, 7, 8)).split('\n')[1]).toBe('     | \t     ^');
  });

  it('shows the empty line after a final newline only when the range is there', () => {
    expect(formatCodeFrame('a\n', loc(2, 1, 1))).toBe(['   1 | a', ' > 2 |', '     | ^'].join('\n'));
  });

  it('underlines a range spanning lines to the end of its first line', () => {
    const frame = formatCodeFrame('step "s" {\n  dump 1\n}\n', { ...loc(1, 1, 2), endLine: 3 });
    expect(frame.split('\n').slice(0, 2)).toEqual([' > 1 | step "s" {', '     | ^^^^^^^^^^']);
  });

  it('widens the gutter for the largest line number shown', () => {
    const text = Array.from({ length: 10 }, (_, i) => `line${i + 1}`).join('\n');
    expect(formatCodeFrame(text, loc(9, 1, 6)).split('\n')).toEqual([
      '    8 | line8',
      ' >  9 | line9',
      '      | ^^^^^',
      '   10 | line10',
    ]);
  });
});
