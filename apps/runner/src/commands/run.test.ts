import { describe, expect, it } from 'vitest';
import { fakeEngine } from '../testing/fake-engine.js';
import { runFile } from './run.js';

describe('runFile', () => {
  it('turns an unreadable file into an ERROR item instead of throwing', () => {
    const engine = fakeEngine({});
    const r = runFile({ path: 'gone.dma', absPath: '/nonexistent/dmasim/gone.dma' }, engine, {});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.items).toHaveLength(1);
    expect(r.items[0]?.result.status).toBe('error');
    expect(r.items[0]?.problem).toMatch(/^cannot read file: ENOENT/);
    expect(engine.calls).toEqual([]);
  });
});
