import { describe, expect, it } from 'vitest';
import type { OpSpec } from '@dmasim/op-spec';
import { vfioOps } from './ops.js';

const ops: readonly OpSpec[] = vfioOps;

describe('vfioOps', () => {
  it('declares the brief’s operations, each with a kernel source', () => {
    expect(vfioOps.map((o) => o.name)).toEqual([
      'vfio.bind',
      'vfio.container',
      'vfio.group',
      'vfio.group_set_container',
      'vfio.set_iommu',
      'vfio.map_dma',
      'vfio.unmap_dma',
      'vfio.get_info',
      'vfio.check_extension',
      'vfio.ioctl_number',
    ]);
    for (const o of vfioOps) expect(o.source).toMatch(/\.(c|h)\b/);
  });

  it('vfio.ioctl_number accepts every ioctl name of every release', () => {
    const op = ops.find((o) => o.name === 'vfio.ioctl_number');
    const values = op?.args[0]?.values ?? [];
    expect(values).toContain('VFIO_IOMMU_MAP_DMA');
    expect(values).toContain('IOMMU_IOAS_MAP_FILE');
    expect(values).toContain('VFIO_EEH_PE_OP');
  });

  it('only the last positional argument is variadic; flags are single-word', () => {
    for (const o of ops) {
      o.args.forEach((a, i) => {
        if (a.variadic) expect(i).toBe(o.args.length - 1);
        if (a.flag) expect(a.values).toHaveLength(1);
      });
    }
  });
});
