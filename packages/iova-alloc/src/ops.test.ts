import type { OpSpec } from '@dmasim/op-spec';
import { describe, expect, it } from 'vitest';
import { iovaOps } from './ops.js';

const ops: readonly OpSpec[] = iovaOps;

describe('iovaOps', () => {
  it('names are unique, namespaced, sourced, and have outcomes', () => {
    const names = ops.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const op of ops) {
      expect(op.name.startsWith('iova.')).toBe(true);
      expect(op.source).toMatch(/^drivers\/iommu\/iova\.c /);
      expect(op.outcomes.length).toBeGreaterThan(0);
      // positional arguments come before named ones; flags are single-word kinds
      const firstNamed = op.args.findIndex((a) => a.named);
      if (firstNamed >= 0) expect(op.args.slice(firstNamed).every((a) => a.named || a.flag)).toBe(true);
      for (const a of op.args) if (a.flag) expect(a.kind === 'word' && a.values?.length === 1).toBe(true);
    }
  });
  it('covers the iova.c calls the engine drives, with sizes in granules', () => {
    expect(ops.map((o) => o.name)).toEqual([
      'iova.init',
      'iova.alloc',
      'iova.alloc_fast',
      'iova.free',
      'iova.free_fast',
      'iova.reserve',
      'iova.find',
      'iova.offline_cpu',
    ]);
    const alloc = ops.find((o) => o.name === 'iova.alloc')!;
    expect(alloc.args.find((a) => a.name === 'size')?.doc).toMatch(/granules/);
    expect(alloc.errors).toEqual(['ENOMEM']);
  });
});
