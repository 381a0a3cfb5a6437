import { describe, expect, it } from 'vitest';
import { pgtableOps, pgtableQueries } from './ops.js';

describe('pgtable op descriptors', () => {
  it('has the documented names, each naming its kernel source', () => {
    expect(pgtableOps.map((o) => o.name)).toEqual([
      'pgtable.create',
      'pgtable.map',
      'pgtable.unmap',
      'pgtable.iova_to_phys',
      'pgtable.walk',
      'pgtable.read_dirty',
      'pgtable.dump',
    ]);
    expect(pgtableQueries.map((q) => q.name)).toEqual(['pte']);
    for (const o of [...pgtableOps, ...pgtableQueries]) expect(o.source).toMatch(/\.(c|h)|spec/);
  });
  it('walk takes read|write and can report a fault; map lists the page-table errnos', () => {
    const walk = pgtableOps.find((o) => o.name === 'pgtable.walk')!;
    expect(walk.args[2]).toMatchObject({ kind: 'word', values: ['read', 'write'] });
    expect(walk.outcomes).toContain('fault');
    const map = pgtableOps.find((o) => o.name === 'pgtable.map')!;
    expect(map.errors).toEqual(expect.arrayContaining(['EADDRINUSE', 'EFAULT', 'ERANGE']));
  });
  it('read_dirty takes a no-clear flag, reports a value and the dirty-tracking errnos', () => {
    const rd = pgtableOps.find((o) => o.name === 'pgtable.read_dirty')!;
    expect(rd.args.map((a) => a.name)).toEqual(['table', 'iova', 'size', 'no-clear']);
    expect(rd.args[3]).toMatchObject({ kind: 'word', values: ['no-clear'], flag: true, optional: true });
    expect(rd.outcomes).toEqual(['ok', 'error', 'value']);
    expect(rd.errors).toEqual(expect.arrayContaining(['EOPNOTSUPP', 'EINVAL', 'ERANGE']));
  });
  it('create names every format the package builds', () => {
    const create = pgtableOps.find((o) => o.name === 'pgtable.create')!;
    expect(create.args[0]).toMatchObject({ name: 'format', kind: 'word' });
    expect((create.args[0] as { values: readonly string[] }).values).toEqual(
      expect.arrayContaining(['arm-v7s', 'apple-dart', 'apple-dart2', 'arm-mali-lpae', 'arm-32-lpae-s1', 'arm-32-lpae-s2']),
    );
  });
});
