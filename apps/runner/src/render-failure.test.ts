import { describe, expect, it } from 'vitest';
import { palette } from './color.js';
import { renderFailure } from './render-failure.js';
import type { RenderContext } from './render-failure.js';
import { failSource } from './testing/canned.js';
import { fakeFormatCodeFrame, fakeFormatDiagnostic, loc } from './testing/fake-engine.js';

const ctx = (color: boolean): RenderContext => ({
  formatters: { formatDiagnostic: fakeFormatDiagnostic, formatCodeFrame: fakeFormatCodeFrame },
  palette: palette(color),
  color,
});

describe('renderFailure', () => {
  it('prints the location, the code frame, expected/actual, then why and state lines', () => {
    const lines = renderFailure(
      {
        message: 'outcome of vfio.map_dma',
        loc: loc(3, 3, 15),
        expected: 'error EEXIST',
        actual: 'ok',
        why: [
          '[0x108000, 0x109000) overlaps the mapping made at line 2',
          'type1 rejects any overlap',
        ],
        state: ['container c (type1v2):', '0x100000..0x10ffff rw'],
      },
      's/fail.dma',
      failSource,
      ctx(false),
    );
    expect(lines.join('\n')).toBe(
      [
        's/fail.dma:3:3: expectation failed: outcome of vfio.map_dma',
        '> 3 |   vfio.map_dma c iova=0x10_8000 vaddr=ubuf size=4K rw => error EEXIST',
        '    |   ^^^^^^^^^^^^',
        '  expected: error EEXIST',
        '  actual:   ok',
        '  why: [0x108000, 0x109000) overlaps the mapping made at line 2',
        '  why: type1 rejects any overlap',
        '  state: container c (type1v2):',
        '  state: 0x100000..0x10ffff rw',
      ].join('\n'),
    );
  });

  it('omits the lines it has nothing for', () => {
    expect(
      renderFailure({ message: 'log line missing', loc: loc(1, 1) }, 'a.dma', '', ctx(false)),
    ).toEqual(['a.dma:1:1: expectation failed: log line missing']);
  });

  it('asks the formatter for colour only when colouring', () => {
    const coloured = renderFailure(
      { message: 'm', loc: loc(1, 1), expected: 'ok' },
      'a.dma',
      'x\n',
      ctx(true),
    ).join('\n');
    expect(coloured).toContain('<color>');
    expect(coloured).toContain('\u001b[32mok\u001b[39m');
    const plain = renderFailure(
      { message: 'm', loc: loc(1, 1), expected: 'ok' },
      'a.dma',
      'x\n',
      ctx(false),
    ).join('\n');
    expect(plain).not.toContain('<color>');
    expect(plain).not.toContain('\u001b');
  });
});
