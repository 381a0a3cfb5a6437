import { describe, expect, it } from 'vitest';
import { palette } from './color.js';
import { formatSummary, summarize } from './status.js';

describe('summary line', () => {
  it('counts pass and fail only when nothing was skipped', () => {
    expect(formatSummary(summarize(['pass', 'pass', 'fail']))).toBe('2 passed, 1 failed');
    expect(formatSummary(summarize([]))).toBe('0 passed, 0 failed');
  });

  it('adds skipped only when something was skipped', () => {
    expect(formatSummary(summarize(['pass', 'skip', 'skip', 'fail']))).toBe(
      '1 passed, 1 failed, 2 skipped',
    );
    expect(formatSummary(summarize(['skip']))).toBe('0 passed, 0 failed, 1 skipped');
  });

  it('counts xfail as passed and xpass and error as failed', () => {
    const s = summarize(['xfail', 'xpass', 'error', 'pass']);
    expect(formatSummary(s)).toBe('2 passed, 2 failed');
    expect(s.byStatus).toEqual({ pass: 1, fail: 0, xfail: 1, xpass: 1, skip: 0, error: 1 });
  });

  it('colours only non-zero counts', () => {
    expect(formatSummary(summarize(['pass']), palette(true))).toBe(
      '\u001b[32m1 passed\u001b[39m, 0 failed',
    );
  });
});
