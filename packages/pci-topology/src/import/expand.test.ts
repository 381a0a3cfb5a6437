import { describe, expect, it } from 'vitest';
import { node } from '../fixtures/node.js';
import { buildTopology, detectDumpFormat, expandImports, importTopology } from '../index.js';

const LSPCI = '00:02.0 VGA compatible controller [0300]: Intel Corporation Device [8086:9a49]\n\tIOMMU group: 0\n\tKernel driver in use: i915\n';
const TREE = '-[0000:00]-+-00.0  8086:9a14\n           \\-1c.0-[01]----00.0  144d:a808\n';
const files: Record<string, string> = { 'a.txt': LSPCI, 'tree.txt': TREE, 'bad.txt': 'nonsense\n' };
const read = (p: string): string => {
  const t = files[p];
  if (t === undefined) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
  return t;
};
const imp = (attrs: Record<string, string | true>, ref = 'import-line') => ({ kind: 'import', attrs, children: [], ref });

describe('expandImports', () => {
  it('replaces an import node by the dump nodes, which carry the import node ref', () => {
    const r = expandImports([imp({ file: 'a.txt', format: 'lspci-vvnn' }), node('device', '00:1f.0')], read);
    expect(r.errors).toEqual([]);
    expect(r.nodes.map((n) => [n.kind, n.bdf, n.ref])).toEqual([
      ['device', '0000:00:02.0', 'import-line'],
      ['device', '00:1f.0', '00:1f.0'],
    ]);
    expect(r.nodes[0]!.attrs.driver).toBeUndefined();
    expect(buildTopology(r.nodes).errors).toEqual([]);
  });

  it('adds driver= when asked (the machine binds the drivers the dump shows)', () => {
    const r = expandImports([imp({ file: 'a.txt' })], read, { drivers: true });
    expect(r.nodes[0]!.attrs.driver).toBe('i915');
  });

  it('passes warnings on, prefixed with the file', () => {
    const r = expandImports([imp({ file: 'tree.txt', format: 'lspci-tv' })], read);
    expect(r.warnings.map((w) => [w.code, w.message.startsWith('tree.txt: '), w.ref, w.attr])).toEqual([['TREE_NO_ACS', true, 'import-line', 'file']]);
  });

  it('turns every problem into an error pointing at the import node', () => {
    const one = (attrs: Record<string, string | true>) => expandImports([imp(attrs)], read).errors.map((e) => [e.code, e.attr, e.ref]);
    expect(one({ file: 'missing.txt' })).toEqual([['PCI_IMPORT_READ', 'file', 'import-line']]);
    expect(one({})).toEqual([['PCI_IMPORT_FILE', 'file', 'import-line']]);
    expect(one({ file: 'a.txt', format: 'lspci-xyz' })).toEqual([['PCI_BAD_ATTR', 'format', 'import-line']]);
    expect(one({ file: 'a.txt', colour: 'red' })).toEqual([['PCI_UNKNOWN_ATTR', 'colour', 'import-line']]);
    const bad = expandImports([imp({ file: 'bad.txt', format: 'lspci-vvnn' })], read).errors;
    expect(bad.map((e) => [e.code, e.message])).toEqual([['LSPCI_NOT_LSPCI', expect.stringMatching(/^bad\.txt:1: expected a device line/) as string]]);
    const nested = expandImports([node('root-port', '00:1c.0', {}, [imp({ file: 'a.txt' }, 'inner')])], read).errors;
    expect(nested.map((e) => [e.code, e.ref])).toEqual([['PCI_IMPORT_NESTED', 'inner']]);
  });
});

describe('detectDumpFormat / importTopology', () => {
  it('tells the three formats apart', () => {
    expect(detectDumpFormat(LSPCI)).toBe('lspci-vv');
    expect(detectDumpFormat(TREE)).toBe('lspci-tree');
    expect(detectDumpFormat(`# x\n0000:00:00.0 ${'86 80 '.repeat(32)}\n`)).toBe('sysfs');
    expect(detectDumpFormat('/sys/kernel/iommu_groups/0/devices/0000:00:00.0\n')).toBe('sysfs');
    expect(detectDumpFormat('0000:00:02.0 VGA compatible controller [0300]: Intel [8086:9a49]\n')).toBe('lspci-vv');
    expect(detectDumpFormat('nonsense')).toBeUndefined();
    expect(importTopology('nonsense').errors.map((e) => e.code)).toEqual(['IMPORT_UNKNOWN_FORMAT']);
  });
});
