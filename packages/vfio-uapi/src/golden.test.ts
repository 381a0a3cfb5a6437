/**
 * Checks the model against listings compiled with gcc from Debian's kernel
 * headers (test/golden/, copied from shared/golden/; see its README). Every line
 * must match, and the model must define nothing the listing lacks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listConstants, listStructs, structLayout, uapiConstant } from './uapi/api.js';
import { VFIO_RELEASES } from './uapi/release.js';
import type { VfioRelease } from './uapi/release.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'test', 'golden');
const shared = join(here, '..', '..', '..', '..', 'shared', 'golden');

function listing(release: VfioRelease): [string, string][] {
  const text = readFileSync(join(fixtures, `vfio-uapi-golden-${release}.txt`), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const sp = l.indexOf(' ');
      return [l.slice(0, sp), l.slice(sp + 1).trim()];
    });
}

/** What the model says for one listing key, formatted like the listing. */
function modelValue(key: string, release: VfioRelease): string {
  const layoutKey = /^(sizeof|alignof)\.struct\.(\w+)$/.exec(key);
  if (layoutKey) {
    const l = structLayout(layoutKey[2]!, release);
    if (!l.ok) return `<${l.error.code}>`;
    return String(layoutKey[1] === 'sizeof' ? l.value.size : l.value.align);
  }
  const fieldKey = /^(offsetof|fieldsize|elemsize)\.(\w+)\.(\w+)$/.exec(key);
  if (fieldKey) {
    const l = structLayout(fieldKey[2]!, release);
    if (!l.ok) return `<${l.error.code}>`;
    const f = l.value.fields.find((x) => x.name === fieldKey[3]);
    if (!f) return '<no field>';
    if (fieldKey[1] === 'offsetof') return String(f.offset);
    if (fieldKey[1] === 'elemsize') return f.flexible ? String(f.elemSize) : '<not flexible>';
    return f.flexible ? '<flexible>' : String(f.size);
  }
  const c = uapiConstant(key, release);
  if (!c.ok) return `<${c.error.code}>`;
  if (c.value.kind === 'string') return JSON.stringify(c.value.value);
  return `0x${BigInt.asUintN(64, c.value.value).toString(16)}`;
}

// Struct members the listing's generator does not print (it skips `__counted_by` arrays).
const UNLISTED_MEMBERS = new Set(['vfio_device_feature_dma_buf.dma_ranges']);

describe.each(VFIO_RELEASES)('golden uAPI listing %s', (release) => {
  const lines = listing(release);

  it('has the expected shape', () => {
    expect(lines.length).toBeGreaterThan(500);
  });

  it('every line equals the model', () => {
    const mismatches = lines
      .map(([k, v]) => ({ key: k, golden: v, model: modelValue(k, release) }))
      .filter((m) => m.golden !== m.model);
    expect(mismatches).toEqual([]);
  });

  it('the model defines no constant the headers lack', () => {
    const golden = new Set(lines.map(([k]) => k).filter((k) => !k.includes('.')));
    const extra = listConstants(release)
      .map((c) => c.name)
      .filter((n) => !golden.has(n));
    expect(extra).toEqual([]);
  });

  it('the model defines no struct or member the headers lack', () => {
    const keys = new Set(lines.map(([k]) => k));
    const extra: string[] = [];
    for (const s of listStructs(release)) {
      if (!keys.has(`sizeof.struct.${s}`)) extra.push(s);
      const l = structLayout(s, release);
      if (!l.ok) {
        extra.push(`${s}: ${l.error.message}`);
        continue;
      }
      for (const f of l.value.fields) {
        const id = `${s}.${f.name}`;
        if (!keys.has(`offsetof.${id}`) && !UNLISTED_MEMBERS.has(id)) extra.push(id);
      }
    }
    expect(extra).toEqual([]);
  });

  it.runIf(existsSync(shared))('the fixture is identical to shared/golden', () => {
    const name = `vfio-uapi-golden-${release}.txt`;
    expect(readFileSync(join(fixtures, name), 'utf8')).toBe(
      readFileSync(join(shared, name), 'utf8'),
    );
  });
});
