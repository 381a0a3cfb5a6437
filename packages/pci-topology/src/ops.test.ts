import { describe, expect, it } from 'vitest';
import { pciOps, pciQueries } from './index.js';

describe('op descriptors', () => {
  it('offers group/group_size/rid/untrusted/is_virtfn queries and pci.groups/pci.tree, each naming its kernel source', () => {
    expect(pciQueries.map((q) => q.name)).toEqual(['group', 'group_size', 'rid', 'untrusted', 'is_virtfn']);
    for (const q of pciQueries) {
      expect(q.args.map((a) => a.kind)).toEqual(['bdf']);
      expect(q.source).toMatch(/^drivers\/\S+\.c \w+/);
    }
    expect(pciOps.map((o) => o.name)).toEqual(['pci.groups', 'pci.tree']);
    expect(pciOps[0].source).toMatch(/^drivers\/iommu\/iommu\.c/);
  });
});
