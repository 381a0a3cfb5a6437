import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { armLpaeSelftestFiles } from '../../../scenarios/io-pgtable/gen-arm-lpae-selftest.js';
import { genericPtKunitFiles } from '../../../scenarios/io-pgtable/gen-generic-pt-kunit.js';

// The kernel self-test scenarios are generated; the committed files must be what the generators write.
const dir = new URL('../../../scenarios/io-pgtable/', import.meta.url);

describe('generated io-pgtable scenarios are current', () => {
  const generators: [string, string, () => Map<string, string>][] = [
    ['gen-arm-lpae-selftest.ts', 'arm-lpae-selftest-', armLpaeSelftestFiles],
    ['gen-generic-pt-kunit.ts', 'kunit-', genericPtKunitFiles],
  ];
  for (const [script, prefix, gen] of generators) {
    it(`${script} (regenerate: node scripts/dmasim-node.mjs scenarios/io-pgtable/${script})`, () => {
      const files = gen();
      expect(files.size).toBeGreaterThan(5);
      const onDisk = readdirSync(dir).filter((n) => n.startsWith(prefix) && n.endsWith('.dma'));
      expect(onDisk.sort()).toEqual([...files.keys()].sort());
      for (const [name, text] of files) expect(readFileSync(new URL(name, dir), 'utf8'), name).toBe(text);
    });
  }
  it('the Arm matrix has 63 configurations per stage and the kunit files cover every case', () => {
    const arm = armLpaeSelftestFiles();
    for (const stage of ['s1', 's2']) {
      const steps = ['4k', '16k', '64k'].reduce((n, g) => n + (arm.get(`arm-lpae-selftest-${stage}-${g}.dma`)!.match(/^step "/gm) ?? []).length, 0);
      expect(steps).toBe(63);
    }
    const kunit = [...genericPtKunitFiles().keys()].join(' ');
    for (const c of ['fmt-test', 'increase-level', 'map-simple', 'map-table-to-oa', 'unmap-split', 'random-map', 'pgsize-boundary', 'mixed']) {
      expect(kunit).toContain(c);
    }
  });
});
