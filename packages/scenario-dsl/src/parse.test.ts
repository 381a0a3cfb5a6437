import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from './index.js';
import type { Expr, Loc, Stmt } from './index.js';

// The example from the language brief, verbatim.
const source = readFileSync(new URL('./test-fixtures/example.dma', import.meta.url), 'utf8');
const lines = source.split('\n');

/** 1-based line of the first line containing `needle`, counted independently of the parser. */
function lineOf(needle: string, from = 1): number {
  const i = lines.findIndex((l, idx) => idx + 1 >= from && l.includes(needle));
  if (i < 0) throw new Error(`fixture has no line with ${needle}`);
  return i + 1;
}

/** Expected location of `needle` on `line` (0-based offsets, 1-based columns, end exclusive). */
function at(line: number, needle: string): Loc {
  const text = lines[line - 1]!;
  const col = text.indexOf(needle);
  const lineStart = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  return {
    startOffset: lineStart + col,
    endOffset: lineStart + col + needle.length,
    startLine: line,
    startColumn: col + 1,
    endLine: line,
    endColumn: col + 1 + needle.length,
  };
}

function stmtsOfStep(body: Stmt[]): Stmt[] {
  const step = body.find((s) => s.kind === 'step');
  if (step?.kind !== 'step') throw new Error('no step');
  return step.body;
}

describe('parse: the example scenario', () => {
  const { file, diagnostics } = parse(source, 'scenarios/boot/example.dma');

  it('has no diagnostics', () => {
    expect(diagnostics).toEqual([]);
    expect(file.uri).toBe('scenarios/boot/example.dma');
  });

  it('reads every header line', () => {
    const h = file.header;
    expect(h.title?.value).toBe('title in quotes');
    expect(h.kernel?.value).toBe('6.12');
    expect(h.kernel?.loc).toEqual(at(3, '6.12'));
    expect(h.platform?.name).toBe('intel-vtd');
    expect(h.platform?.attrs.map((a) => a.key)).toEqual(['aw', 'sm']);
    expect(h.platform?.attrs[0]?.value).toMatchObject({ kind: 'number', value: 48n, text: '48' });
    expect(h.platform?.attrs[1]?.value).toMatchObject({ kind: 'ident', name: 'off' });
    expect(h.boot.map((b) => b.value)).toEqual(['intel_iommu=on iommu.strict=1']);
    expect(h.memory?.value).toMatchObject({ kind: 'number', value: 4n << 30n, text: '4G' });
    expect(h.kconfig.map((a) => [a.key, a.value?.kind === 'ident' ? a.value.name : undefined])).toEqual([
      ['IOMMU_DEFAULT_DMA_STRICT', 'y'],
      ['INTEL_IOMMU_DEFAULT_ON', 'n'],
    ]);
    expect(h.xfail?.value).toBe('reason');
    expect(h.requires).toHaveLength(1);
    expect(h.requires[0]).toMatchObject({ key: 'iommu', value: { kind: 'ident', name: 'intel-vtd' } });
  });

  it('reads a variant with an append key `boot+`', () => {
    const [v] = file.header.variants;
    expect(file.header.variants).toHaveLength(1);
    expect(v?.name).toBe('strict');
    expect(v?.attrs).toHaveLength(1);
    expect(v?.attrs[0]?.key).toBe('boot+');
    expect(v?.attrs[0]?.keyLoc).toEqual(at(lineOf('variant strict'), 'boot+'));
    expect(v?.attrs[0]?.value).toMatchObject({ kind: 'string', value: 'iommu.strict=1' });
  });

  it('builds the topology tree with BDFs and vendor:device IDs', () => {
    const topo = file.topology;
    expect(topo?.nodes.map((n) => n.kind)).toEqual(['root-port', 'device']);
    const port = topo!.nodes[0]!;
    expect(port.bdf).toMatchObject({ segment: 0, bus: 0, dev: 0x1c, fn: 0, text: '00:1c.0' });
    expect(port.attrs[0]).toMatchObject({ key: 'acs', value: { kind: 'ident', name: 'none' } });
    expect(port.children.map((c) => c.bdf?.fn)).toEqual([0, 1]);
    expect(port.children[1]?.bdf).toMatchObject({ bus: 1, dev: 0, fn: 1 });
    expect(port.children[0]?.attrs[1]?.value).toEqual({
      kind: 'pciid',
      vendor: 0x8086,
      device: 0x1533,
      text: '8086:1533',
      loc: at(lineOf('device 01:00.0 class'), '8086:1533'),
    });
    const gpu = topo!.nodes[1]!;
    expect(gpu.bdf).toMatchObject({ bus: 0, dev: 2, fn: 0 });
    expect(gpu.attrs.map((a) => [a.key, a.value === undefined])).toEqual([
      ['class', false],
      ['id', false],
      ['dma-mask', false],
      ['multifunction', true],
    ]);
    expect(gpu.attrs[2]?.value).toMatchObject({ kind: 'number', value: 32n });
    // the root port's range runs from its kind to its closing brace
    const portLine = lineOf('root-port');
    const closeLine = portLine + 3;
    expect(port.loc.startLine).toBe(portLine);
    expect(port.loc.startColumn).toBe(3);
    expect(port.loc.endLine).toBe(closeLine);
    expect(port.loc.endColumn).toBe(4);
    expect(topo!.loc.startLine).toBe(lineOf('topology {'));
  });

  it('keeps a top-level expect before the step', () => {
    expect(file.body.map((s) => s.kind)).toEqual(['expect-compare', 'step']);
    const e = file.body[0]!;
    expect(e.kind).toBe('expect-compare');
    if (e.kind !== 'expect-compare') return;
    expect(e.op).toBe('==');
    const call = (x: Expr) => (x.kind === 'call' ? [x.fn, x.args.map((a) => (a.kind === 'bdf' ? a.text : a.kind))] : x.kind);
    expect(call(e.left)).toEqual(['group', ['01:00.0']]);
    expect(call(e.right)).toEqual(['group', ['01:00.1']]);
    const l = lineOf('expect group');
    expect(e.loc).toEqual({ ...at(l, 'expect group(01:00.0) == group(01:00.1)') });
    if (e.left.kind === 'call') expect(e.left.fnLoc).toEqual(at(l, 'group'));
  });

  it('reads the step and its statements', () => {
    const step = file.body[1]!;
    expect(step).toMatchObject({ kind: 'step', title: 'a kernel driver maps a buffer' });
    const s = stmtsOfStep(file.body);
    expect(s.map((x) => (x.kind === 'op' ? x.op : x.kind))).toEqual([
      'kmalloc',
      'dma.map_single',
      'dma.unmap_single',
      'device',
      'device',
      'vfio.map_dma',
      'expect-log',
      'expect-log',
      'expect-compare',
    ]);
  });

  it('binds results, numbers are exact bigints, outcomes carry `as`', () => {
    const s = stmtsOfStep(file.body);
    const kmalloc = s[0]!;
    expect(kmalloc).toMatchObject({ kind: 'op', bind: { name: 'buf' }, op: 'kmalloc' });
    if (kmalloc.kind === 'op') {
      expect(kmalloc.args).toEqual([
        { kind: 'positional', value: { kind: 'number', value: 4096n, text: '4K', loc: at(lineOf('kmalloc'), '4K') }, loc: at(lineOf('kmalloc'), '4K') },
      ]);
      expect(kmalloc.bind?.loc).toEqual(at(lineOf('kmalloc'), 'buf'));
    }
    const map = s[1]!;
    if (map.kind !== 'op') throw new Error('op expected');
    const l = lineOf('dma.map_single');
    expect(map.opLoc).toEqual(at(l, 'dma.map_single'));
    expect(map.args.map((a) => a.value.kind)).toEqual(['bdf', 'ident', 'number', 'ident']);
    expect(map.args[3]?.value).toMatchObject({ kind: 'ident', name: 'to-device' });
    expect(map.outcome).toMatchObject({ kind: 'iova', as: { name: 'd' } });
    expect(map.outcome?.args[0]?.value).toMatchObject({ kind: 'number', value: 0xfffff000n, text: '0xffff_f000' });
    expect(map.outcome?.kindLoc).toEqual(at(l, 'iova'));
    const asD = at(l, 'as d');
    expect(map.outcome?.as?.loc).toEqual({ ...asD, startOffset: asD.startOffset + 3, startColumn: asD.startColumn + 3 });
    expect(map.loc.startColumn).toBe(3);
    expect(map.loc.endColumn).toBe(lines[l - 1]!.length + 1);
  });

  it('reads a byte pattern with don\'t-care nibbles', () => {
    const s = stmtsOfStep(file.body);
    const read = s[3]!;
    if (read.kind !== 'op') throw new Error('op expected');
    expect(read.args.map((a) => (a.value.kind === 'number' ? a.value.value : a.value.kind))).toEqual(['bdf', 'ident', 0x100000n, 8n]);
    expect(read.outcome?.kind).toBe('bytes');
    expect(read.outcome?.bytes?.pattern).toBe('a5a5a5a5********');
    const l = lineOf('=> bytes');
    const groups = at(l, 'a5a5a5a5 ********');
    expect(read.outcome?.bytes?.loc).toEqual(groups);
    const write = s[4]!;
    expect(write.kind === 'op' ? write.outcome : undefined).toMatchObject({ kind: 'fault', args: [] });
  });

  it('reads named arguments, flags and `error ERRNO`', () => {
    const s = stmtsOfStep(file.body);
    const v = s[5]!;
    if (v.kind !== 'op') throw new Error('op expected');
    expect(v.args.map((a) => (a.kind === 'named' ? `${a.key}=` : a.value.kind === 'ident' ? a.value.name : '?'))).toEqual([
      'c',
      'iova=',
      'vaddr=',
      'size=',
      'rw',
    ]);
    expect(v.args[1]?.value).toMatchObject({ kind: 'number', value: 0x108000n });
    expect(v.args[3]?.value).toMatchObject({ kind: 'number', value: 4096n, text: '4K' });
    const l = lineOf('vfio.map_dma');
    if (v.args[2]?.kind === 'named') expect(v.args[2].keyLoc).toEqual(at(l, 'vaddr'));
    expect(v.outcome).toMatchObject({ kind: 'error', args: [{ kind: 'positional', value: { kind: 'ident', name: 'EEXIST' } }] });
  });

  it('reads expect log, expect not log and arithmetic comparisons', () => {
    const s = stmtsOfStep(file.body);
    expect(s[6]).toMatchObject({
      kind: 'expect-log',
      negate: false,
      text: 'DMAR: [DMA Write NO_PASID] Request device [01:00.0] fault addr 0x200000 [fault reason 0x05] PTE Write access is not set',
    });
    expect(s[7]).toMatchObject({ kind: 'expect-log', negate: true, text: 'iommu: Default domain type: Passthrough' });
    const cmp = s[8]!;
    if (cmp.kind !== 'expect-compare') throw new Error('compare expected');
    expect(cmp.op).toBe('!=');
    expect(cmp.left).toMatchObject({
      kind: 'binary',
      op: '+',
      left: { kind: 'call', fn: 'phys', args: [{ kind: 'ident', name: 'buf' }] },
      right: { kind: 'number', value: 0x10n },
    });
    expect(cmp.left.loc).toEqual(at(lineOf('expect phys'), 'phys(buf) + 0x10'));
    expect(cmp.right).toMatchObject({ kind: 'number', value: 0n });
  });

  it('covers the whole text with the file range', () => {
    expect(file.loc.startOffset).toBe(0);
    expect(file.loc.endOffset).toBe(source.length);
  });
});

describe('parse: smaller forms', () => {
  it('binary minus is left-associative and parentheses group', () => {
    const { file, diagnostics } = parse('expect 10 - 2 - 3 == (1 + 2) - x\n', 'm.dma');
    expect(diagnostics).toEqual([]);
    const e = file.body[0]!;
    if (e.kind !== 'expect-compare') throw new Error('compare expected');
    expect(e.left).toMatchObject({ op: '-', left: { op: '-', left: { value: 10n }, right: { value: 2n } }, right: { value: 3n } });
    expect(e.right).toMatchObject({ op: '-', left: { kind: 'binary', op: '+' }, right: { kind: 'ident', name: 'x' } });
    // the grouped sum's range includes its parentheses
    if (e.right.kind === 'binary') expect([e.right.left.loc.startColumn, e.right.left.loc.endColumn]).toEqual([22, 29]);
  });

  it('a call needs its `(` right after the name; with a space it is two arguments', () => {
    const { file } = parse('dump phys(a) read (x)\n', 'c.dma');
    const s = file.body[0]!;
    if (s.kind !== 'op') throw new Error('op expected');
    expect(s.args.map((a) => a.value.kind)).toEqual(['call', 'ident', 'ident']);
  });

  it('calls take zero or more comma-separated arguments', () => {
    const { file, diagnostics } = parse('expect f() == g(1, 2, h(3))\n', 'c.dma');
    expect(diagnostics).toEqual([]);
    const e = file.body[0]!;
    if (e.kind !== 'expect-compare') throw new Error('compare expected');
    expect(e.left).toMatchObject({ kind: 'call', fn: 'f', args: [] });
    expect(e.right).toMatchObject({ kind: 'call', fn: 'g', args: [{ value: 1n }, { value: 2n }, { kind: 'call', fn: 'h' }] });
  });

  it('concatenates repeated boot, kconfig and requires lines in order', () => {
    const src = 'boot "a=1"\nboot "b=2"\nkconfig X=y\nkconfig Y=n\nrequires arch=x86_64\nrequires iommu=amd-vi\n';
    const { file, diagnostics } = parse(src, 'h.dma');
    expect(diagnostics).toEqual([]);
    expect(file.header.boot.map((b) => b.value)).toEqual(['a=1', 'b=2']);
    expect(file.header.kconfig.map((a) => a.key)).toEqual(['X', 'Y']);
    expect(file.header.requires.map((a) => a.key)).toEqual(['arch', 'iommu']);
  });

  it('accepts keywords as attribute and argument keys', () => {
    const { file, diagnostics } = parse('variant big memory=8G kernel="6.1"\ndump memory=1\n', 'k.dma');
    expect(diagnostics).toEqual([]);
    expect(file.header.variants[0]?.attrs.map((a) => a.key)).toEqual(['memory', 'kernel']);
    expect(file.header.variants[0]?.attrs[0]?.value).toMatchObject({ value: 8n << 30n });
    expect(file.body[0]).toMatchObject({ kind: 'op', op: 'dump', args: [{ kind: 'named', key: 'memory' }] });
  });

  it('allows a topology node without a BDF, blank lines, comments and CRLF line ends', () => {
    const src = 'topology {\r\n\r\n  host-bridge {   # no address\r\n    device 00:00.0\r\n  }\r\n}\r\n';
    const { file, diagnostics } = parse(src, 't.dma');
    expect(diagnostics).toEqual([]);
    const hb = file.topology?.nodes[0];
    expect(hb?.kind).toBe('host-bridge');
    expect(hb?.bdf).toBeUndefined();
    expect(hb?.children[0]?.bdf?.text).toBe('00:00.0');
    expect(hb?.loc.startLine).toBe(3);
  });

  it('resolves string escapes', () => {
    const { file, diagnostics } = parse('expect log "a \\"quoted\\" back\\\\slash"\n', 's.dma');
    expect(diagnostics).toEqual([]);
    expect(file.body[0]).toMatchObject({ kind: 'expect-log', text: 'a "quoted" back\\slash' });
  });

  it('parses an empty file and a file without a final newline', () => {
    expect(parse('', 'e.dma')).toMatchObject({ diagnostics: [], file: { body: [], header: { boot: [], variants: [] } } });
    const { file, diagnostics } = parse('kernel 6.1', 'n.dma');
    expect(diagnostics).toEqual([]);
    expect(file.header.kernel?.value).toBe('6.1');
  });
});
