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
