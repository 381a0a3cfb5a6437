import { describe, expect, it } from 'vitest';
import { node } from './fixtures/node.js';
import { buildTopology, formatTree } from './index.js';

describe('formatTree (lspci -tv shape)', () => {
  it('draws a root bus with a bridge, a multi-device bus and a single-device bus', () => {
    const { topology } = buildTopology([
      node('device', '00:00.0', { id: '8086:1234' }),
      node('root-port', '00:01.0', {}, [node('device', '01:00.0', { id: '10de:2487' }), node('device', '01:00.1', { id: '10de:228b' })]),
      node('root-port', '00:1c.0', { secondary: '02', subordinate: '03' }, [node('device', '02:00.0', { id: '8086:1533' })]),
      node('root-port', '00:1d.0', { secondary: '04' }),
    ]);
    expect(formatTree(topology)).toBe(
      [
        '-[0000:00]-+-00.0  8086:1234',
        '           +-01.0-[01]--+-00.0  10de:2487',
        '           |            \\-00.1  10de:228b',
        '           +-1c.0-[02-03]----00.0  8086:1533',
        '           \\-1d.0-[04]--',
        '',
      ].join('\n'),
    );
  });
  it('draws several root buses', () => {
    const { topology } = buildTopology([node('device', '00:00.0'), node('device', '80:00.0')]);
    expect(formatTree(topology, { ids: false })).toBe(['-+-[0000:00]---00.0', ' \\-[0000:80]---00.0', ''].join('\n'));
  });
});
