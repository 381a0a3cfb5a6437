import { describe, expect, it } from 'vitest';
import { focusOnLine } from './line-select.js';
import { failure, loc, result, span } from './testing/fake-engine.js';

const steps = [
  { title: 'boot', loc: span(3, 6), status: 'pass' as const },
  { title: 'map', loc: span(8, 12), status: 'fail' as const },
  { title: 'unmap', loc: span(14, 16), status: 'not-run' as const },
];
const mapFailure = failure({ message: 'outcome of dma.map_single', loc: loc(10, 3) });
const failed = result('a.dma', { status: 'fail', steps, failures: [mapFailure] });

describe('focusOnLine', () => {
  it('a passing step passes even when a later step failed', () => {
    const f = focusOnLine(failed, 4);
    expect(f.step?.title).toBe('boot');
    expect(f.result.status).toBe('pass');
    expect(f.result.failures).toEqual([]);
  });

  it('a failing step keeps only its own failures', () => {
    const other = failure({ message: 'log line missing', loc: loc(20, 1) });
    const f = focusOnLine({ ...failed, failures: [mapFailure, other] }, 12);
    expect(f.step?.title).toBe('map');
    expect(f.result.status).toBe('fail');
    expect(f.result.failures).toEqual([mapFailure]);
  });

  it('a step that did not run fails, says so, and shows what stopped it', () => {
    const f = focusOnLine(failed, 14);
    expect(f.result.status).toBe('fail');
    expect(f.result.failures.map((x) => x.message)).toEqual([
      'step "unmap" did not run: an earlier statement failed',
      'outcome of dma.map_single',
    ]);
  });

  it('a line outside every step reports the whole file', () => {
    const f = focusOnLine(failed, 7);
    expect(f.step).toBeUndefined();
    expect(f.result).toBe(failed);
  });

  it('SKIP, ERROR, XFAIL and XPASS are file-level verdicts and stay as they are', () => {
    for (const status of ['skip', 'error', 'xfail', 'xpass'] as const) {
      const r = { ...failed, status };
      expect(focusOnLine(r, 4).result.status).toBe(status);
    }
  });
});
