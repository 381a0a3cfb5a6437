import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean.js';

describe('didYouMean', () => {
  it('measures edits, counting a swap of neighbours as one', () => {
    expect(editDistance('bail', 'bail')).toBe(0);
    expect(editDistance('bial', 'bail')).toBe(1);
    expect(editDistance('reporter', 'repoter')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests a close candidate and nothing for a far one', () => {
    expect(didYouMean('--varaint', ['--variant', '--filter'])).toBe('--variant');
    expect(didYouMean('junt', ['default', 'dot', 'json', 'tap', 'junit'])).toBe('junit');
    expect(didYouMean('--xyzzy', ['--variant', '--filter'])).toBeUndefined();
  });

  it('completes a prefix and breaks ties by the longer shared prefix', () => {
    expect(didYouMean('expl', ['run', 'list', 'explain'])).toBe('explain');
    expect(didYouMean('DMA202', ['DMA102', 'DMA201'])).toBe('DMA201');
  });
});
