import { describe, expect, it } from 'vitest';
import { iommuPgsize } from '@dmasim/iommu-core';
import { runScenario } from './run.js';

function run(body: string, kernel = '6.19') {
  return runScenario(`scenario "t"\nkernel ${kernel}\n${body}`, 't.dma');
}

function one(body: string, kernel = '6.19') {
  const rs = run(body, kernel);
  expect(rs).toHaveLength(1);
  return rs[0]!;
}

describe('iommu_pgsize (drivers/iommu/iommu.c)', () => {
  const vtd = 0x1000n | 0x200000n | 0x40000000n;
  it('picks the largest size that fits the length and the alignment of iova|paddr', () => {
    expect(iommuPgsize(vtd, 0x200000n, 0x40000000n, 0x200000n)).toEqual({ pgsize: 0x200000n, count: 1 });
    // iova and pa sit at the same 2M offset, but no whole 2M page fits after the boundary: all 4K
    expect(iommuPgsize(vtd, 0x201000n, 0x40001000n, 0x200000n)).toEqual({ pgsize: 0x1000n, count: 512 });
    expect(iommuPgsize(vtd, 0x1000n, 0x2000n, 0x400000n)).toEqual({ pgsize: 0x1000n, count: 1024 });
  });
  it('stops the small pages where a bigger page becomes possible (offset + next <= size)', () => {
    // 0x1ff000: one 4K page to the 2M boundary, then 2M pages
    expect(iommuPgsize(vtd, 0x1ff000n, 0x1ff000n, 0x201000n)).toEqual({ pgsize: 0x1000n, count: 1 });
    // not enough left after the boundary for a 2M page: all 4K
    expect(iommuPgsize(vtd, 0x1ff000n, 0x1ff000n, 0x2000n)).toEqual({ pgsize: 0x1000n, count: 2 });
  });
  it('has no size when nothing fits (the kernel BUG_ON)', () => {
    expect(iommuPgsize(0x200000n, 0x1000n, 0x1000n, 0x1000n)).toBeUndefined();
  });
});

describe('pgtable ops', () => {
  it('map, unmap, iova_to_phys and pte() follow golden G7 (VT-d second stage)', () => {
    const r = one(`T = pgtable.create format=vtd-ss aw=48 sp=2M
pgtable.map T 0x1000 0x200000 4K => value 0x1000
expect pte(T, 0x1000, 1) == 0x200003
pgtable.map T 0x200000 0x40000000 2M => ok
expect pte(T, 0x200000, 2) == 0x40000083
pgtable.iova_to_phys T 0x1abc => value 0x200abc
pgtable.unmap T 0x1000 4K => value 0x1000
expect pte(T, 0x1000, 1) == 0
`);
    expect(r.status).toBe('pass');
  });

  it('a wrong pte() expectation fails and shows the table in the state excerpt', () => {
    const r = one(`T = pgtable.create format=vtd-ss aw=48
pgtable.map T 0x1000 0x200000 4K
expect pte(T, 0x1000, 1) == 0x200001
`);
    expect(r.status).toBe('fail');
    expect(r.failures[0]).toMatchObject({ expected: '0x200001', actual: '0x200003' });
    expect(r.failures[0]!.state?.some((l) => l.includes('L1[001] 0000000000200003 leaf'))).toBe(true);
  });

  it('map errors are errno outcomes: EADDRINUSE (6.19), EEXIST (Arm), EINVAL without R/W or unaligned', () => {
    const r = one(`T = pgtable.create format=vtd-ss aw=48
pgtable.map T 0x1000 0x200000 4K => ok
pgtable.map T 0x1000 0x300000 4K => error EADDRINUSE
pgtable.map T 0x2000 0x300000 4K prot=none => error EINVAL
pgtable.map T 0x2800 0x300000 4K => error EINVAL
A = pgtable.create format=arm-lpae-s1 ias=48 oas=48
pgtable.map A 0 0 4K prot=r-noexec => ok
pgtable.map A 0 0x1000 4K => error EEXIST
`);
    expect(r.status).toBe('pass');
    expect(r.log.some((l) => l.startsWith('iommu: unaligned: iova 0x2800'))).toBe(true);
  });

  it('the page-table code log lines reach the kernel log (legacy VT-d "already set")', () => {
    const r = one(
      `T = pgtable.create format=vtd-ss aw=48
pgtable.map T 0x1000 0x200000 4K => ok
pgtable.map T 0x1000 0x300000 4K => ok
expect log "DMAR: ERROR: DMA PTE for vPFN 0x1 already set (to 200003 not 300003)"
expect pte(T, 0x1000, 1) == 0x200003
`,
      '6.12',
    );
    expect(r.status).toBe('pass');
  });

  it('walk: value on success, fault with level and reason words otherwise', () => {
    const ok = one(`T = pgtable.create format=vtd-ss aw=48
pgtable.map T 0x1000 0x200000 4K prot=w => ok
pgtable.walk T 0x1010 write => value 0x200010
pgtable.walk T 0x1010 read => fault read level=1 reason=no-read addr=0x1010
pgtable.walk T 0x9000_0000 write => fault write reason=no-write level=3
`);
    expect(ok.status).toBe('pass');
    const bad = one(`T = pgtable.create format=vtd-ss aw=48
pgtable.walk T 0x1000 read => fault read level=1
`);
    expect(bad.status).toBe('fail');
    expect(bad.failures[0]).toMatchObject({ expected: 'fault level=0x1', actual: 'fault (read at 0x1000, reason no-read, level 4)' });
  });

  it('the validator accepts reason words and level= on fault, and still rejects other keys', () => {
    const r = one(`T = pgtable.create format=vtd-ss
pgtable.walk T 0 read => fault read lvl=1
`);
    expect(r.status).toBe('error');
    expect(r.diagnostics[0]).toMatchObject({ code: 'DMA303' });
    expect(r.diagnostics[0]!.message).toContain('`level=`');
  });

  it('dump prints the table, diff= prints the changes, format=json is one JSON object', () => {
    const r = one(`T = pgtable.create format=amd-v1
pgtable.map T 0x1000 0x200000 4K => ok
S = pgtable.dump T
pgtable.map T 0x10000 0x40000 16K => ok
pgtable.unmap T 0x1000 4K => value 0x1000
pgtable.dump T diff=S
pgtable.dump T format=json
expect dump_changes(S, T) == 5
`);
    expect(r.status).toBe('pass');
    const out = r.output ?? [];
    expect(out[0]).toMatch(/^dump #1 of page table #1 \(amd-v1, generic_pt\/amdv1\): amd-v1/);
    expect(out).toContain('    L0[001] 7000000000200001 leaf  iova 0x1000..0x1fff -> 0x200000  PR NL=0 FC IR IW');
    const diffStart = out.findIndex((l) => l.includes('changes since dump #1'));
    expect(out[diffStart]).toContain('4 added, 1 removed, 0 changed');
    expect(out.slice(diffStart + 1, diffStart + 6).filter((l) => l.startsWith('+ ')).length).toBe(4);
    expect(out).toContain('- L0[001] iova 0x1000+0x1000 leaf  0x7000000000200001 -> 0x200000  PR NL=0 FC IR IW');
    const json = JSON.parse(out[out.length - 1]!) as { format: string; entries: { value: string; level: number }[] };
    expect(json.format).toBe('amd-v1');
    expect(json.entries.filter((e) => e.level === 0).map((e) => e.value)).toEqual(['0x7000000000041e01', '0x7000000000041e01', '0x7000000000041e01', '0x7000000000041e01']);
  });

  it('leaf_count counts a replicated leaf once; pgtable_info reads numbers; mask() masks', () => {
    const r = one(`T = pgtable.create format=amd-v1
pgtable.map T 0x10000 0x40000 16K => ok
expect leaf_count(T, 16K) == 1
expect leaf_count(T, 4K) == 0
expect leaf_count(T, 0) == 1
expect pgtable_info(T, "stats.leaves") == 4
expect pgtable_info(T, "mode") == 3
expect mask(0x7000000000041e01, 0xe00) == 0xe00
`);
    expect(r.status).toBe('pass');
  });

  it('each= makes one core call per chunk', () => {
    const r = one(`T = pgtable.create format=vtd-ss sp=2M
pgtable.map T 0x200000 0x200000 2M each=4K => value 0x200000
expect leaf_count(T, 4K) == 512
pgtable.unmap T 0x200000 2M each=1M => value 0x200000
expect leaf_count(T, 0) == 0
pgtable.map T 0x200000 0x200000 2M => ok
expect leaf_count(T, 2M) == 1
`);
    expect(r.status).toBe('pass');
  });

  it('the release profile decides the implementation (G9: 6.12 splits an Arm block, 6.19 refuses)', () => {
    const body = `T = pgtable.create format=arm-lpae-s1 ias=48 oas=48
pgtable.map T 0x200000 0x40000000 2M prot=rw-cache => ok
pgtable.unmap T 0x200000 4K => value 0x1000
`;
    expect(one(body, '6.12').status).toBe('pass');
    const r = one(body, '6.19');
    expect(r.status).toBe('fail');
    expect(r.failures[0]!.actual).toBe('ok (0x0)');
  });

  it('bad input gives clear failures or errno outcomes, never exceptions', () => {
    const cases: [string, string][] = [
      ['T = pgtable.create format=arm-lpae-s1 aw=48 ias=48 oas=48\n', '`aw=` does not apply to arm-lpae-s1'],
      ['T = pgtable.create format=vtd-ss ns\n', 'flag `ns` does not apply to vtd-ss'],
      ['T = pgtable.create format=arm-lpae-s1\n', 'arm-lpae-s1 needs ias= and oas='],
      ['T = pgtable.create format=vtd-ss sp=4M\n', 'sp=0x400000'],
      ['T = pgtable.create format=vtd-ss\npgtable.map T 0 0 4K prot=rx\n', 'prot=rx is not a protection'],
      ['T = pgtable.create format=vtd-ss\nexpect pte(T, 0, 7) == 0\n', 'level 7 is not a level of this vtd-ss table'],
      ['T = pgtable.create format=vtd-ss\nexpect pgtable_info(T, "nope") == 0\n', 'no numeric field "nope"'],
      ['b = kmalloc 4K\npgtable.map b 0 0 4K\n', 'expected a page table'],
    ];
    for (const [body, msg] of cases) {
      const r = one(body);
      expect(r.status, body).toBe('fail');
      expect(r.failures[0]!.message, body).toContain(msg);
    }
    const cfg = one('pgtable.create format=vtd-ss aw=40 => error EINVAL\n');
    expect(cfg.status).toBe('pass');
    const nowhere = one('T = pgtable.create format=vtd-ss aw=40\n');
    expect(nowhere.failures[0]!.why?.[0]).toMatch(/^PGTABLE_BAD_CONFIG: /);
  });

  it('every format pgtable.create declares has an executor', async () => {
    const { pgtableOps } = await import('@dmasim/io-pgtable');
    const formats = pgtableOps.find((o) => o.name === 'pgtable.create')!.args.find((a) => a.name === 'format')!.values;
    const cfg: Record<string, string> = {
      'arm-lpae-s1': 'ias=48 oas=48 hd',
      'arm-lpae-s2': 'ias=40 oas=40 s2fwb',
      'arm-32-lpae-s1': 'ias=32 oas=40',
      'arm-32-lpae-s2': 'ias=40 oas=40',
      'arm-mali-lpae': 'ias=48 oas=40',
      'arm-v7s': 'ns',
      'apple-dart': 'granule=4K ias=32 oas=36',
      'apple-dart2': 'ias=32 oas=42',
    };
    for (const f of formats) {
      const r = one(`T = pgtable.create format=${f} ${cfg[f] ?? ''}\npgtable.map T 0x10000 0x10000 64K => value 0x10000\npgtable.iova_to_phys T 0x10123 => value 0x10123\n`);
      expect({ f, status: r.status, why: r.failures[0]?.message }).toEqual({ f, status: 'pass', why: undefined });
    }
  });

  it('diff= needs a dump of the same table', () => {
    const r = one(`T = pgtable.create format=vtd-ss
U = pgtable.create format=vtd-ss
S = pgtable.dump U
pgtable.dump T diff=S
`);
    expect(r.status).toBe('fail');
    expect(r.failures[0]!.message).toContain('that dump is of page table #2');
  });
});
