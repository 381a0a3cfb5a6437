import { describe, expect, it } from 'vitest';
import { useColor } from './color.js';

describe('useColor', () => {
  it('colours a terminal with a clean environment', () => {
    expect(useColor({ isTTY: true, env: {}, noColor: false })).toBe(true);
    expect(useColor({ isTTY: true, env: { CI: 'false' }, noColor: false })).toBe(true);
    expect(useColor({ isTTY: true, env: { NO_COLOR: '' }, noColor: false })).toBe(true); // no-color.org: only a non-empty value counts
  });
  it('does not colour a pipe, NO_COLOR, CI or --no-color', () => {
    expect(useColor({ isTTY: false, env: {}, noColor: false })).toBe(false);
    expect(useColor({ isTTY: true, env: { NO_COLOR: '1' }, noColor: false })).toBe(false);
    expect(useColor({ isTTY: true, env: { CI: 'true' }, noColor: false })).toBe(false);
    expect(useColor({ isTTY: true, env: {}, noColor: true })).toBe(false);
  });
});
