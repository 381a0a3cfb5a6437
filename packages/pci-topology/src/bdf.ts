import type { TopologyError } from './types.js';

/** A parsed '[dddd:]bb:dd.f'. */
export interface ParsedBdf {
  segment: number;
  bus: number;
  slot: number;
  fn: number;
  devfn: number;
  /** Whether the text named the segment (otherwise segment is 0 or the context's). */
  hasSegment: boolean;
}

export type BdfResult = { ok: true; bdf: ParsedBdf } | { ok: false; error: TopologyError };

const BDF_RE = /^(?:([0-9a-f]{1,4}):)?([0-9a-f]{1,2}):([0-9a-f]{1,2})\.([0-7])$/i;

/** Parse '[dddd:]bb:dd.f' (hex; slot 00–1f, function 0–7). */
export function parseBdf(text: string): BdfResult {
  const m = BDF_RE.exec(text.trim());
  if (!m) {
    return {
      ok: false,
      error: {
        code: 'PCI_BAD_BDF',
        message: `'${text}' is not a PCI address`,
        hint: "write [dddd:]bb:dd.f in hex, e.g. 01:00.0 or 0000:01:00.0 (slot 00-1f, function 0-7)",
      },
    };
  }
  const slot = parseInt(m[3]!, 16);
  if (slot > 0x1f) {
    return {
      ok: false,
      error: { code: 'PCI_BAD_BDF', message: `'${text}': slot 0x${slot.toString(16)} is above 1f`, hint: 'a PCI slot (device number) is 00-1f' },
    };
  }
  const fn = parseInt(m[4]!, 16);
  return {
    ok: true,
    bdf: {
      segment: m[1] === undefined ? 0 : parseInt(m[1], 16),
      bus: parseInt(m[2]!, 16),
      slot,
      fn,
      devfn: (slot << 3) | fn,
      hasSegment: m[1] !== undefined,
    },
  };
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** 'dd.f' for a devfn (the kernel's "%02x.%d"). */
export function formatDevfn(devfn: number): string {
  return `${hex2(devfn >> 3)}.${devfn & 7}`;
}

/** 'dddd:bb:dd.f' (segment true) or 'bb:dd.f'. */
export function formatBdf(
  dev: { segment: number; bus: number; devfn: number },
  opts: { segment: boolean } = { segment: true },
): string {
  const short = `${hex2(dev.bus)}:${formatDevfn(dev.devfn)}`;
  return opts.segment ? `${dev.segment.toString(16).padStart(4, '0')}:${short}` : short;
}

/** PCI_DEVID(bus, devfn): the 16-bit requester ID. */
export function pciDevId(bus: number, devfn: number): number {
  return ((bus & 0xff) << 8) | (devfn & 0xff);
}

/** 'bb:dd.f' for a 16-bit requester ID. */
export function formatRid(rid: number): string {
  return `${hex2(rid >> 8)}:${formatDevfn(rid & 0xff)}`;
}
