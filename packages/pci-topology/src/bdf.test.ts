import { describe, expect, it } from 'vitest';
import { formatBdf, formatDevfn, formatRid, parseBdf, pciDevId } from './index.js';

describe('BDF parsing and formatting', () => {
  it('parses [dddd:]bb:dd.f', () => {
    const r = parseBdf('0001:3a:1f.7');
    expect(r.ok && r.bdf).toEqual({ segment: 1, bus: 0x3a, slot: 0x1f, fn: 7, devfn: 0xff, hasSegment: true });
    const s = parseBdf('01:00.1');
    expect(s.ok && s.bdf).toEqual({ segment: 0, bus: 1, slot: 0, fn: 1, devfn: 1, hasSegment: false });
  });
  it('rejects bad text with a stable code', () => {
    for (const t of ['1:2', '00:20.0', '00:00.8', 'zz:00.0', '']) {
      const r = parseBdf(t);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('PCI_BAD_BDF');
    }
  });
  it('formats like the kernel (dev_name and %02x.%d)', () => {
    expect(formatBdf({ segment: 0, bus: 2, devfn: (0x1c << 3) | 4 })).toBe('0000:02:1c.4');
    expect(formatBdf({ segment: 0, bus: 2, devfn: 1 }, { segment: false })).toBe('02:00.1');
    expect(formatDevfn(9)).toBe('01.1');
    // PCI_DEVID(bus, devfn) = bus << 8 | devfn
    expect(pciDevId(2, 0)).toBe(0x0200);
    expect(formatRid(0x0301)).toBe('03:00.1');
  });
});
