import { describe, expect, it } from 'vitest';
import { diagnosticCodes } from './codes.js';
import { opExecutors, opRegistry, queryRegistry, unwiredOps, unwiredQueries } from './registry.js';
import { runScenario } from './run.js';

const HEADER = `platform intel-vtd
boot "intel_iommu=on"
topology {
  device 00:19.0 class=nic id=8086:15bc
}
`;

function run(body: string, header = HEADER) {
  return runScenario(`scenario "t"\nkernel 6.12\n${header}${body}`, 't.dma');
}

describe('registry', () => {
  it('every executor has a package-declared spec and every spec names its kernel source', () => {
    for (const name of Object.keys(opExecutors)) expect(opRegistry.has(name), name).toBe(true);
    for (const { spec } of opRegistry.values()) expect(spec.source.length).toBeGreaterThan(5);
    for (const { spec } of queryRegistry.values()) expect(spec.source.length).toBeGreaterThan(3);
  });
  it('lists what packages declare but the engine does not run yet', () => {
    expect(unwiredOps()).not.toContain('dma.map_single');
    expect(unwiredQueries()).not.toContain('group');
  });
  it('documents every engine diagnostic code', () => {
    for (const code of ['DMA201', 'DMA202', 'DMA206', 'DMA208', 'DMA302', 'DMA303']) expect(diagnosticCodes[code]?.explanation.length).toBeGreaterThan(20);
  });
});

describe('runScenario', () => {
  it('passes a correct scenario and records the kernel log', () => {
    const [r] = run(`step "s" {\n  b = kmalloc 4K\n  dma.map_single 00:19.0 b 4K to-device => iova 0xffff_f000\n}\n`);
    expect(r!.status).toBe('pass');
    expect(r!.steps).toMatchObject([{ title: 's', status: 'pass' }]);
    expect(r!.log).toContain('DMAR: IOMMU enabled');
  });
  it('reports a wrong outcome with expected, actual and why, and stops the scenario there', () => {
    const [r] = run(`step "a" {\n  b = kmalloc 4K\n  dma.map_single 00:19.0 b 4K to-device => iova 0x1000\n}\nstep "b" {\n  c = kmalloc 4K\n}\n`);
    expect(r!.status).toBe('fail');
    expect(r!.failures[0]).toMatchObject({ expected: 'iova 0x1000', actual: 'ok (0xfffff000)' });
    expect(r!.failures[0]!.loc.startLine).toBe(10);
    expect(r!.failures[0]!.why?.join(' ')).toContain('iommu');
    expect(r!.steps.map((s) => s.status)).toEqual(['fail', 'not-run']);
  });
  it('fails an op that errors when no outcome was written', () => {
    const [r] = run(`b = kmalloc 4K\ndevice 00:19.0 write 0x1000 4\n`);
    expect(r!.status).toBe('fail');
    expect(r!.failures[0]!.actual).toContain('fault');
  });
  it('checks bytes with don\'t-care nibbles', () => {
    const ok = run(`b = kmalloc 4K at=0x100_0000\nmem.fill b 4 0xab\nmem.read b 4 => bytes ab*b ab**\n`);
    expect(ok[0]!.status).toBe('pass');
    const bad = run(`b = kmalloc 4K at=0x100_0000\nmem.fill b 4 0xab\nmem.read b 4 => bytes abab abac\n`);
    expect(bad[0]!.failures[0]!.actual).toBe('bytes abababab (first difference at byte 3)');
  });
  it('xfail and xpass', () => {
    expect(run(`expect 1 == 2\n`, `xfail "known gap"\n${HEADER}`)[0]).toMatchObject({ status: 'xfail', xfailReason: 'known gap' });
    expect(run(`expect 1 == 1\n`, `xfail "known gap"\n${HEADER}`)[0]!.status).toBe('xpass');
  });
  it('requires skips runs that do not match', () => {
    expect(run(`expect 1 == 1\n`, `requires kernel="6.1|6.19"\n${HEADER}`)[0]).toMatchObject({ status: 'skip' });
    expect(run(`expect 1 == 1\n`, `requires kernel="6.1|6.12"\n${HEADER}`)[0]).toMatchObject({ status: 'pass' });
  });
  it('runs once per variant', () => {
    const rs = run(`expect group_type(00:19.0) != "identity"\n`, `variant lazy boot+="iommu.strict=0"\nvariant strict boot+="iommu.strict=1"\n${HEADER}`);
    expect(rs.map((r) => [r.variant, r.status])).toEqual([
      ['lazy', 'pass'],
      ['strict', 'pass'],
    ]);
  });
  it('reports validation errors without running', () => {
    const [r] = run(`dma.map_singel 00:19.0 0x1000 4K to-device\n`);
    expect(r!.status).toBe('error');
    expect(r!.diagnostics[0]).toMatchObject({ code: 'DMA201', message: 'unknown operation `dma.map_singel`, did you mean `dma.map_single`?' });
  });
  it('turns runtime problems into failures, never exceptions', () => {
    const [r] = run(`expect group(00:19.0) == 0\nb = kmalloc 4K\nexpect phys(b + 0x2000) == 0\n`);
    expect(r!.status).toBe('fail');
    expect(r!.failures[0]!.message).toContain('outside the 4096-byte buffer');
  });
  it('never throws on garbage input', () => {
    for (const s of ['', '\u0000\u0001{{{', '=> => =>', 'step {', 'topology { device }', '"'.repeat(50)]) {
      expect(() => runScenario(s, 'g.dma')).not.toThrow();
    }
  });
});
