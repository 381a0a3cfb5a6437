import { describe, expect, it } from 'vitest';
import { createArmLpae, createArmV7s } from './create.js';
import { diffDumps } from './dump-diff.js';
import { IOMMU_CACHE, IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { env } from './test-env.js';

const RW = IOMMU_READ | IOMMU_WRITE;

describe('diffDumps', () => {
  it('reports removed and added leaves in IOVA order', () => {
    const pt = createArmLpae({ ...env('6.19'), stage: 1, ias: 48, oas: 48 });
    pt.mapPages(0x1000n, 0x200000n, 0x1000n, 1, RW | IOMMU_CACHE);
    const a = pt.dump();
    pt.unmapPages(0x1000n, 0x1000n, 1);
    pt.mapPages(0x2000n, 0x300000n, 0x1000n, 1, IOMMU_READ);
    const d = diffDumps(a, pt.dump());
    expect(d.removed.map((r) => [r.level, r.index, r.value])).toEqual([[3, 1, 0x200f47n]]);
    expect(d.added.map((r) => [r.level, r.index, r.value])).toEqual([[3, 2, 0x300ec3n]]);
    expect(d.changed).toEqual([]);
    expect(d.text.split('\n')).toEqual([
      '- L3[001] iova 0x1000+0x1000 leaf  0x200f47 -> 0x200000  PAGE AttrIndx=1 AP-EL0 RW nG SH=IS AF',
      '+ L3[002] iova 0x2000+0x1000 leaf  0x300ec3 -> 0x300000  PAGE AttrIndx=0 AP-EL0 RO nG SH=OS AF',
    ]);
    expect(diffDumps(a, a)).toEqual({ added: [], removed: [], changed: [], text: 'no differences' });
  });
  it('a block replacing a table is a change of kind; the pages below it are removed', () => {
    const pt = createArmLpae({ ...env('6.19'), stage: 1, ias: 48, oas: 48 });
    pt.mapPages(0x1000n, 0x200000n, 0x1000n, 1, RW);
    const a = pt.dump();
    pt.mapPages(0n, 0x40000000n, 0x200000n, 1, RW);
    const d = diffDumps(a, pt.dump());
    expect(d.changed).toHaveLength(1);
    expect(d.changed[0]!.fields).toEqual(['kind', 'value', 'oa', 'flags']);
    expect(d.changed[0]!.after).toMatchObject({ level: 2, index: 0, kind: 'leaf', value: 0x40000e41n });
    expect(d.removed.map((r) => r.level)).toEqual([3]);
    expect(d.text.split('\n')[0]).toMatch(/^~ L2\[000\] iova 0x0\+0x200000: table → leaf; value 0x[0-9a-f]+ → 0x40000e41; oa 0x[0-9a-f]+ → 0x40000000; flags \+BLOCK/);
  });
  it('a permission change shows the value and the flags that came and went', () => {
    const pt = createArmV7s({ ...env('6.19') });
    pt.mapPages(0x1000n, 0x200000n, 0x1000n, 1, RW | IOMMU_CACHE);
    const a = pt.dump();
    pt.unmapPages(0x1000n, 0x1000n, 1);
    pt.mapPages(0x1000n, 0x200000n, 0x1000n, 1, IOMMU_READ | IOMMU_CACHE);
    const d = diffDumps(a, pt.dump());
    expect(d.text).toBe('~ L2[001] iova 0x1000+0x1000: value 0x200c7e → 0x200e7e; flags +RO -RW');
    expect(d.changed[0]!.fields).toEqual(['value', 'flags']);
  });
});
