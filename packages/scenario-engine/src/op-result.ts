import { formatValue, type Value } from './values.js';

/** What one operation did, in terms an outcome can be checked against. */
export type OpResult =
  | { readonly kind: 'ok'; readonly value?: Value; readonly why?: readonly string[]; readonly state?: readonly string[] }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array; readonly why?: readonly string[] }
  | { readonly kind: 'error'; readonly errno: string; readonly why?: readonly string[]; readonly state?: readonly string[] }
  | {
      readonly kind: 'fault';
      /** The hardware fault reason code (device DMA), or a word naming the failed check (page-table walk: `no-write` …). */
      readonly reason: number | string;
      readonly addr: bigint;
      readonly write: boolean;
      /** Page-table level the walk stopped at (kernel numbering of the format), when known. */
      readonly level?: number;
      readonly why?: readonly string[];
      readonly state?: readonly string[];
    };

export function describeResult(r: OpResult): string {
  switch (r.kind) {
    case 'ok':
      return r.value === undefined ? 'ok' : `ok (${formatValue(r.value)})`;
    case 'bytes':
      return `bytes ${bytesHex(r.bytes)}`;
    case 'error':
      return `error ${r.errno}`;
    case 'fault': {
      const reason = typeof r.reason === 'number' ? `0x${r.reason.toString(16).padStart(2, '0')}` : r.reason;
      const level = r.level === undefined ? '' : `, level ${r.level}`;
      return `fault (${r.write ? 'write' : 'read'} at 0x${r.addr.toString(16)}, reason ${reason}${level})`;
    }
  }
}

export function bytesHex(b: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < b.length; i += 4) {
    parts.push([...b.subarray(i, i + 4)].map((x) => x.toString(16).padStart(2, '0')).join(''));
  }
  return parts.join(' ');
}

/** `bytes` patterns: hex digits and `*` don't-care nibbles, compared nibble by nibble. */
export function bytesMatch(pattern: string, b: Uint8Array): { ok: boolean; at?: number } {
  if (pattern.length !== b.length * 2) return { ok: false };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') continue;
    const byte = b[i >> 1]!;
    const nib = i % 2 === 0 ? byte >> 4 : byte & 0xf;
    if (parseInt(c, 16) !== nib) return { ok: false, at: i >> 1 };
  }
  return { ok: true };
}
