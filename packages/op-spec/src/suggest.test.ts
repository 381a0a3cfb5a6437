import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from './index.js';

describe('suggest', () => {
  it('finds the intended op for a typo', () => {
    expect(suggest('vfio.mapp', ['vfio.map_dma', 'vfio.map', 'dma.map_single'])).toBe('vfio.map');
    expect(suggest('dma.map_singel', ['dma.map_single', 'dma.unmap_single'])).toBe('dma.map_single');
  });
  it('gives nothing when no name is close', () => {
    expect(suggest('frobnicate', ['dma.map_single', 'vfio.map'])).toBeUndefined();
  });
  it('computes edit distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});

describe('signatures', () => {
  it('formats positional, word, named and optional arguments', async () => {
    const { formatSignature } = await import('./index.js');
    expect(
      formatSignature('x.op', [
        { name: 'dev', kind: 'bdf' },
        { name: 'access', kind: 'word', values: ['read', 'write'] },
        { name: 'fill', kind: 'u64', named: true, optional: true },
      ]),
    ).toBe('x.op <dev> read|write [fill=<u64>]');
  });
});
