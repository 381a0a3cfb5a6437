import { Lexer } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { lex, lexerDefinition } from './lexer.js';
import { LineIndex } from './loc.js';
import { parse } from './index.js';

/** `TokenName(image)` for every token but the final newline. */
function tokens(src: string): string[] {
  const r = lex(src, new LineIndex(src));
  return r.tokens.filter((t) => t.image !== '').map((t) => `${t.tokenType.name}(${t.image})`);
}

function codes(src: string): string[] {
  return parse(src, 'l.dma').diagnostics.map((d) => d.code);
}

describe('lexer', () => {
  it('keeps Chevrotain\'s first-character optimisations in every mode', () => {
    expect(() => new Lexer(lexerDefinition, { ensureOptimizations: true })).not.toThrow();
  });

  it('tells a BDF from a hex number', () => {
    expect(tokens('00:02.0 0x20')).toEqual(['Bdf(00:02.0)', 'Number(0x20)']);
  });

  it('reads a BDF with a segment, and a vendor:device ID', () => {
    expect(tokens('0000:01:00.0 8086:1533 8086:9a49')).toEqual(['Bdf(0000:01:00.0)', 'PciId(8086:1533)', 'PciId(8086:9a49)']);
  });

  it('reads sizes (decimal and hex mantissa) and underscores between digits', () => {
    expect(tokens('4K 64K 2M 1G 1T 0x10K 0x10_0000 1_000')).toEqual([
      'Size(4K)',
      'Size(64K)',
      'Size(2M)',
      'Size(1G)',
      'Size(1T)',
      'Size(0x10K)',
      'Number(0x10_0000)',
      'Number(1_000)',
    ]);
  });

  it('reads names with digits, `-`, `_` and dots; keywords only when whole', () => {
    expect(tokens('type1v2 to-device dma.map_single kernel kernels step-by step')).toEqual([
      'Identifier(type1v2)',
      'Identifier(to-device)',
      'Identifier(dma.map_single)',
      'Kernel(kernel)',
      'Identifier(kernels)',
      'Identifier(step-by)',
      'Step(step)',
    ]);
  });

  it('reads `boot+=` as one append key', () => {
    expect(tokens('variant lazy boot+="iommu.strict=0"')).toEqual([
      'Variant(variant)',
      'Identifier(lazy)',
      'AppendKey(boot+=)',
      'String("iommu.strict=0")',
    ]);
  });

  it('switches to byte-pattern mode after `=> bytes` and back after `as` or the line end', () => {
    expect(tokens('x => bytes 00ff **** a5 as d\nbytes 00ff')).toEqual([
      'Identifier(x)',
      'Arrow(=>)',
      'Bytes(bytes)',
      'HexBytes(00ff)',
      'HexBytes(****)',
      'HexBytes(a5)',
      'BytesAs(as)',
      'Identifier(d)',
      'Newline(\n)',
      'Identifier(bytes)',
      'BadNumber(00ff)',
    ]);
  });

  it('reads a kernel release only as a version', () => {
    expect(tokens('kernel 6.12 6.1.55')).toEqual(['Kernel(kernel)', 'Version(6.12)', 'Version(6.1.55)']);
  });

  it('skips comments and spaces but keeps newlines', () => {
    expect(tokens('a # comment "x" => 1\n\tb')).toEqual(['Identifier(a)', 'Newline(\n)', 'Identifier(b)']);
  });

  it('lexes a number glued to letters as one malformed token', () => {
    expect(tokens('0x10zz 4k 1.5G')).toEqual(['BadNumber(0x10zz)', 'BadNumber(4k)', 'BadNumber(1.5G)']);
  });

  it('always ends the token list with a newline', () => {
    const r = lex('kernel 6.1', new LineIndex('kernel 6.1'));
    expect(r.tokens.at(-1)?.tokenType.name).toBe('Newline');
    expect(r.tokens.at(-1)?.startOffset).toBe(10);
  });
});

describe('literal values in the AST', () => {
  it('turns sizes into exact byte counts (binary units as in lib/cmdline.c memparse)', () => {
    const { file } = parse('dump 4K 2M 1G 1T 0x10K\n', 'v.dma');
    const s = file.body[0]!;
    if (s.kind !== 'op') throw new Error('op expected');
    expect(s.args.map((a) => (a.value.kind === 'number' ? a.value.value : undefined))).toEqual([
      4096n,
      2097152n,
      1073741824n,
      1099511627776n,
      16384n,
    ]);
  });

  it('keeps 64-bit numbers exact', () => {
    const { file, diagnostics } = parse('dump 0xffff_ffff_ffff_ffff 18446744073709551615\n', 'v.dma');
    expect(diagnostics).toEqual([]);
    const s = file.body[0]!;
    if (s.kind !== 'op') throw new Error('op expected');
    expect(s.args.map((a) => (a.value.kind === 'number' ? a.value.value : undefined))).toEqual([
      18446744073709551615n,
      18446744073709551615n,
    ]);
  });

  it('splits a BDF into hex fields', () => {
    const { file } = parse('dump 0001:3a:1f.7\n', 'v.dma');
    const s = file.body[0]!;
    expect(s.kind === 'op' ? s.args[0]?.value : undefined).toMatchObject({ kind: 'bdf', segment: 1, bus: 0x3a, dev: 0x1f, fn: 7 });
  });

  it('lower-cases a byte pattern and drops its spaces', () => {
    const { file, diagnostics } = parse('device 01:00.0 read 0 4 => bytes A5 ** 00fF\n', 'v.dma');
    expect(diagnostics).toEqual([]);
    const s = file.body[0]!;
    expect(s.kind === 'op' ? s.outcome?.bytes?.pattern : undefined).toBe('a5**00ff');
  });

  it('reports malformed literals without stopping', () => {
    expect(codes('dump 0x10zz 00:20.0 01:00.8 0x1_0000_0000_0000_0000\n')).toEqual(['DMA108', 'DMA108', 'DMA108', 'DMA108']);
  });
});
