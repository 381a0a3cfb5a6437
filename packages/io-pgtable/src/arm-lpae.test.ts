import { describe, expect, it } from 'vitest';
import { createArmLpae } from './create.js';
import type { ArmLpaeConfig } from './create.js';
import { PgtableError } from './errors.js';
import { IotlbGather } from './gather.js';
import type { Release } from './profile.js';
import { IOMMU_CACHE, IOMMU_NOEXEC, IOMMU_PRIV, IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { env, recordingFlush } from './test-env.js';

const RW = IOMMU_READ | IOMMU_WRITE;
const SZ_4K = 0x1000n;
const SZ_2M = 0x200000n;
const SZ_1G = 0x40000000n;

function arm(release: Release, c: Omit<ArmLpaeConfig, 'mem' | 'pages' | 'profile'>) {
  const e = env(release);
  const flush = recordingFlush();
  return { ...e, flush, pt: createArmLpae({ ...e, flush, ...c }) };
}

describe('Arm LPAE: goldens G3, G4, G5 (facts/pgtable.md §11)', () => {
  it('G3 stage 1, 4K, ias 48: 4 levels from 0, leaf 0x200f47, tables PA|3, TCR fields', () => {
    for (const rel of ['6.1', '6.12', '6.19'] as const) {
      const { pt } = arm(rel, { stage: 1, ias: 48, oas: 48 });
      expect([pt.levels, pt.startLevel, pt.topLevel, pt.leafLevel]).toEqual([4, 0, 0, 3]);
      expect(pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE)).toEqual({ mapped: SZ_4K });
      expect(pt.readEntry(3, 0x1000n)?.value).toBe(0x200f47n);
      for (const lvl of [0, 1, 2]) expect(pt.readEntry(lvl, 0x1000n)!.value & 0xfffn).toBe(3n);
      pt.mapPages(0x2000n, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE | IOMMU_NOEXEC);
      expect(pt.readEntry(3, 0x2000n)?.value).toBe(0x0060000000200f47n);
      pt.mapPages(0x3000n, 0x200000n, SZ_4K, 1, IOMMU_READ | IOMMU_CACHE);
      expect(pt.readEntry(3, 0x3000n)?.value).toBe(0x200fc7n);
      expect(pt.registers).toMatchObject({ ttbr: pt.rootPa, tcr: { tg: 0, sh: 3, irgn: 1, orgn: 1, ips: 5, tsz: 16 }, mair: 0xf404ff44n });
    }
  });
  it('G4 stage 2: R|W|CACHE 0x2007ff, R|W 0x2006d7; ias = oas = 40 concatenates to start level 1', () => {
    for (const rel of ['6.12', '6.19'] as const) {
      const { pt } = arm(rel, { stage: 2, ias: 40, oas: 40 });
      expect([pt.startLevel, pt.levels]).toEqual([1, 3]);
      expect(pt.registers).toMatchObject({ vttbr: pt.rootPa, vtcr: { sl: 1, tsz: 24, ps: 2, tg: 0 } });
      expect(pt.stats.tablePages).toBe(2); // 1024-entry pgd = 8 KB
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE);
      pt.mapPages(0x2000n, 0x200000n, SZ_4K, 1, RW);
      expect(pt.readEntry(3, 0x1000n)?.value).toBe(0x2007ffn);
      expect(pt.readEntry(3, 0x2000n)?.value).toBe(0x2006d7n);
      // index 1023 of the concatenated pgd sits in its second page
      const hi = (1n << 40n) - SZ_4K;
      pt.mapPages(hi, 0x300000n, SZ_4K, 1, RW);
      expect(pt.readEntry(1, hi)!.pa - pt.rootPa).toBe(1023n * 8n);
      expect(pt.iovaToPhys(hi + 5n)).toBe(0x300005n);
    }
  });
  it('stage-2 concatenation rule changed: 4K, ias 42 / oas 48 concatenates only under the old rule', () => {
    expect(arm('6.12', { stage: 2, ias: 42, oas: 48 }).pt.startLevel).toBe(1);
    expect(arm('6.19', { stage: 2, ias: 42, oas: 48 }).pt.startLevel).toBe(0);
  });
  it('G5 stage 1, 64K granule, oas 52: PA[51:48] folded into PTE[15:12] → 0x1ff47; IPS 6', () => {
    const { pt } = arm('6.19', { stage: 1, granule: '64K', ias: 48, oas: 52 });
    expect([pt.startLevel, pt.levels]).toEqual([1, 3]);
    expect(pt.registers).toMatchObject({ tcr: { ips: 6, tg: 1 } });
    expect(pt.mapPages(0n, 0x000f000000010000n, 0x10000n, 1, RW | IOMMU_CACHE)).toEqual({ mapped: 0x10000n });
    expect(pt.readEntry(3, 0n)?.value).toBe(0x1ff47n);
    expect(pt.iovaToPhys(0x1234n)).toBe(0x000f000000011234n);
    expect(pt.stats.tablePages).toBe(1 + 16 + 16); // pgd (64 entries, one page) + 64K level-2 and level-3 tables
    const { pt: p48 } = arm('6.19', { stage: 1, granule: '64K', ias: 48, oas: 48 });
    expect(p48.mapPages(0n, 0x000f000000010000n, 0x10000n, 1, RW).errno).toBe('ERANGE');
  });
  it('16K granule geometry: ias 36 → 2 levels from 2 with a 2048-entry pgd', () => {
    const { pt } = arm('6.19', { stage: 1, granule: '16K', ias: 36, oas: 40 });
    expect([pt.startLevel, pt.levels, pt.pgsizeBitmap]).toEqual([2, 2, 0x4000n | 0x2000000n]);
    expect(pt.stats.tablePages).toBe(4);
    expect(pt.mapPages(0x2000000n, 0x4000000n, 0x2000000n, 1, RW)).toEqual({ mapped: 0x2000000n });
    expect(pt.iovaToPhys(0x2345678n)).toBe(0x4345678n);
  });
  it('bad configurations are errors with a code', () => {
    const e = env('6.19');
    expect(() => createArmLpae({ ...e, stage: 1, ias: 48, oas: 46 })).toThrow(PgtableError);
    expect(() => createArmLpae({ ...e, stage: 2, ias: 48, oas: 48, quirks: { armNs: true } })).toThrow(/stage 2/);
    expect(() => createArmLpae({ ...e, stage: 1, granule: '8K' as '4K', ias: 48, oas: 48 })).toThrow(/granule/);
  });
});

describe('Arm LPAE: partial unmap of a block (G9) and TLB callbacks', () => {
  it('new (6.19): refused with a one-time WARN, returns 0, block intact', () => {
    const { pt } = arm('6.19', { stage: 1, ias: 48, oas: 48 });
    pt.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW | IOMMU_CACHE);
    expect(pt.readEntry(2, 0x200000n)?.value).toBe(0x40000f45n);
    expect(pt.unmapPages(0x200000n, SZ_4K, 1)).toBe(0n);
    expect(pt.unmapPages(0x201000n, SZ_4K, 1)).toBe(0n);
    expect(pt.log).toEqual(['Unmap of a partial large IOPTE is not allowed', 'WARNING: at drivers/iommu/io-pgtable-arm.c:__arm_lpae_unmap']);
    expect(pt.iovaToPhys(0x200000n)).toBe(0x40000000n);
  });
  it('old (6.1/6.12): the block is split into 511 pages; the requested page is gone', () => {
    for (const rel of ['6.1', '6.12'] as const) {
      const { pt, flush } = arm(rel, { stage: 1, ias: 48, oas: 48 });
      pt.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW | IOMMU_CACHE);
      const g = new IotlbGather();
      expect(pt.unmapPages(0x200000n, SZ_4K, 1, g)).toBe(SZ_4K);
      expect(pt.iovaToPhys(0x200000n)).toBe(0n);
      expect(pt.iovaToPhys(0x201000n)).toBe(0x40001000n);
      expect(pt.readEntry(3, 0x3ff000n)?.value).toBe(0x401fff47n); // same attributes, page type
      expect(pt.stats.leaves).toBe(511);
      expect(flush.calls).toEqual(['add_page 200000 1000']);
      expect(pt.unmapPages(0x201000n, SZ_4K, 1, g)).toBe(SZ_4K);
      expect(pt.iovaToPhys(0x201000n)).toBe(0n);
    }
  });
  it('unmapping a table entry: tlb_flush_walk then free; add_page per leaf (6.12+: for every entry)', () => {
    for (const [rel, calls] of [
      ['6.1', ['flush_walk 0 200000 1000']],
      ['6.12', ['flush_walk 0 200000 1000', 'add_page 0 200000']],
      ['6.19', ['flush_walk 0 200000 1000', 'add_page 0 200000']],
    ] as const) {
      const { pt, flush, pages } = arm(rel, { stage: 1, ias: 48, oas: 48 });
      expect(pt.mapPages(0n, 0x100000n, SZ_4K, 512, RW)).toEqual({ mapped: SZ_2M });
      const before = pages.allocated;
      const g = new IotlbGather();
      expect(pt.unmapPages(0n, SZ_2M, 1, g)).toBe(SZ_2M);
      expect(flush.calls).toEqual(calls);
      expect(pages.allocated).toBe(before - 1);
    }
  });
  it('leaf unmap: one tlb_add_page per page, none for a queued gather; stops at a hole with a WARN', () => {
    const { pt, flush } = arm('6.19', { stage: 2, ias: 40, oas: 40 });
    pt.mapPages(0x1000n, 0x5000n, SZ_4K, 3, RW);
    expect(pt.unmapPages(0x1000n, SZ_4K, 2, new IotlbGather())).toBe(0x2000n);
    expect(flush.calls).toEqual(['add_page 1000 1000', 'add_page 2000 1000']);
    expect(pt.unmapPages(0x3000n, SZ_4K, 1, new IotlbGather({ queued: true }))).toBe(SZ_4K);
    expect(flush.calls.length).toBe(2);
    pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    expect(pt.unmapPages(0x1000n, SZ_4K, 2)).toBe(SZ_4K);
    expect(pt.log).toEqual(['WARNING: at drivers/iommu/io-pgtable-arm.c:__arm_lpae_unmap']);
  });
  it('map: EEXIST on a leaf (WARN unless NO_WARN); a block replaces an empty table; maps stop at the table end', () => {
    const { pt, flush } = arm('6.19', { stage: 1, ias: 48, oas: 48 });
    pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    expect(pt.mapPages(0x1000n, 0x6000n, SZ_4K, 1, RW).errno).toBe('EEXIST');
    expect(pt.log).toEqual(['WARNING: at drivers/iommu/io-pgtable-arm.c:arm_lpae_init_pte']);
    // a block over a table: the table (and the 4K page in it) is unmapped and freed first
    expect(pt.mapPages(0x0n, 0x40000000n, SZ_2M, 1, RW)).toEqual({ mapped: SZ_2M });
    expect(flush.calls).toEqual(['flush_walk 0 200000 1000']);
    expect(pt.iovaToPhys(0x1000n)).toBe(0x40001000n);
    expect(pt.mapPages(0x3ff000n, 0x9000n, SZ_4K, 4, RW)).toEqual({ mapped: SZ_4K }); // index 511: one entry left
    const q = arm('6.19', { stage: 1, ias: 48, oas: 48, quirks: { noWarn: true } }).pt;
    q.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    expect(q.mapPages(0x1000n, 0x6000n, SZ_4K, 1, RW).errno).toBe('EEXIST');
    expect(q.log).toEqual([]);
  });
  it('no READ/WRITE: old kernels map nothing and succeed, new ones EINVAL', () => {
    expect(arm('6.12', { stage: 1, ias: 48, oas: 48 }).pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, 0)).toEqual({ mapped: 0n });
    expect(arm('6.19', { stage: 1, ias: 48, oas: 48 }).pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, 0).errno).toBe('EINVAL');
  });
});

describe('Arm LPAE: hardware walk', () => {
  it('stage 1: AP[2] read-only, AP[1] for unprivileged DMA, invalid descriptors are translation faults', () => {
    const { pt } = arm('6.19', { stage: 1, ias: 48, oas: 48 });
    pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, IOMMU_READ);
    pt.mapPages(0x2000n, 0x6000n, SZ_4K, 1, RW | IOMMU_PRIV);
    const r = pt.walk(0x1010n, 'read');
    expect(r.ok && [r.pa, r.level, r.path.map((s) => s.level)]).toEqual([0x5010n, 3, [0, 1, 2, 3]]);
    const w = pt.walk(0x1000n, 'write');
    expect(!w.ok && [w.reason, w.level]).toEqual(['no-write', 3]);
    const p = pt.walk(0x2000n, 'read');
    expect(!p.ok && p.reason).toBe('user-priv');
    const n = pt.walk(SZ_1G, 'read');
    expect(!n.ok && [n.reason, n.level]).toEqual(['not-present', 1]);
    const b = pt.walk(1n << 48n, 'read');
    expect(!b.ok && b.reason).toBe('beyond-address-width');
  });
  it('stage 2: S2AP read and write bits', () => {
    const { pt } = arm('6.19', { stage: 2, ias: 40, oas: 40 });
    pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, IOMMU_WRITE);
    const r = pt.walk(0x1000n, 'read');
    expect(!r.ok && [r.reason, r.level]).toEqual(['no-read', 3]);
    expect(pt.walk(0x1000n, 'write').ok).toBe(true);
  });
});

/** The io-pgtable-arm selftest (facts §10.1) as a conformance test over the configuration matrix. */
describe('Arm LPAE: kernel selftest matrix', () => {
  const IAS = [32, 36, 40, 42, 44, 48];
  for (const rel of ['6.12', '6.19'] as const) {
    it(`${rel}: ${rel === '6.12' ? 'old selftest with partial unmap' : 'new selftest with last-page-of-IAS'}`, () => {
      let runs = 0;
      for (const granule of ['4K', '16K', '64K'] as const) {
        for (const oas of rel === '6.12' ? [48] : IAS) {
          for (const ias of IAS.filter((i) => i <= oas)) {
            for (const stage of [1, 2] as const) {
              const e = env(rel);
              // 6.12 silenced its selftest WARNs with `selftest_running`; NO_WARN exists from ~6.16
              const pt = createArmLpae({ ...e, stage, granule, ias, oas, quirks: { noWarn: rel === '6.19' } });
              runs++;
              const sizes: bigint[] = [];
              for (let b = 0; b < 64; b++) if ((pt.pgsizeBitmap >> BigInt(b)) & 1n) sizes.push(1n << BigInt(b));
              for (const a of [42n, SZ_1G + 42n, 2n * SZ_1G + 42n]) expect(pt.iovaToPhys(a)).toBe(0n);
              let iova = 0n;
              const full = RW | IOMMU_NOEXEC | IOMMU_CACHE;
              for (const s of sizes) {
                expect(pt.mapPages(iova, iova, s, 1, full)).toEqual({ mapped: s });
                expect(pt.mapPages(iova, iova + s, s, 1, IOMMU_READ | IOMMU_NOEXEC).errno).toBeDefined();
                expect(pt.iovaToPhys(iova + 42n)).toBe(iova + 42n);
                iova += SZ_1G;
              }
              if (rel === '6.12') {
                const s0 = sizes[0]!;
                expect(pt.unmapPages(SZ_1G + s0, s0, 1)).toBe(s0);
                expect(pt.mapPages(SZ_1G + s0, s0, s0, 1, IOMMU_READ)).toEqual({ mapped: s0 });
                expect(pt.iovaToPhys(SZ_1G + s0 + 42n)).toBe(s0 + 42n);
              }
              iova = 0n;
              for (const s of sizes) {
                expect(pt.unmapPages(iova, s, 1)).toBe(s);
                expect(pt.iovaToPhys(iova + 42n)).toBe(0n);
                expect(pt.mapPages(iova, iova, s, 1, IOMMU_WRITE)).toEqual({ mapped: s });
                expect(pt.iovaToPhys(iova + 42n)).toBe(iova + 42n);
                iova += SZ_1G;
              }
              if (rel === '6.19') {
                const big = sizes.at(-1)!;
                const last = (1n << BigInt(pt.ias)) - big;
                if (last >= iova) {
                  expect(pt.mapPages(last, last, big, 1, full)).toEqual({ mapped: big });
                  expect(pt.unmapPages(last, big, 1)).toBe(big);
                }
              }
              for (const ev of pt.events) {
                if (ev.kind === 'add-page') expect(ev.granule & pt.pgsizeBitmap).not.toBe(0n);
                if (ev.kind === 'flush-walk') expect(ev.size & pt.pgsizeBitmap).not.toBe(0n);
              }
              pt.free();
              expect(e.pages.allocated).toBe(0);
              expect(pt.events.at(-1)).toEqual({ kind: 'flush-all' });
            }
          }
        }
      }
      expect(runs).toBe(rel === '6.12' ? 36 : 126);
    });
  }
});

describe('iova_to_phys agrees with the hardware walk (4K fast path and the general path)', () => {
  // arm_lpae_iova_to_phys and the SMMU walk must translate every address alike; the 4K
  // fast path in iovaToPhys and the general path (16K/64K, concatenated S2) are both covered.
  const configs: ArmLpaeConfig[] = [
    { ...env('6.19'), stage: 1, ias: 48, oas: 48 },
    { ...env('6.19'), stage: 1, ias: 39, oas: 40 },
    { ...env('6.12'), stage: 2, ias: 40, oas: 40 },
    { ...env('6.19'), stage: 1, granule: '16K', ias: 47, oas: 48 },
    { ...env('6.19'), stage: 1, granule: '64K', ias: 48, oas: 48 },
  ];
  for (const cfg of configs) {
    it(`stage ${cfg.stage} ${cfg.granule ?? '4K'} ias ${cfg.ias}`, () => {
      const pt = createArmLpae(cfg);
      let seed = 12345;
      const rnd = (n: number): number => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed % n;
      };
      const gran = pt.pgsizeBitmap & -pt.pgsizeBitmap;
      const top = 1n << BigInt(Math.min(cfg.ias, 40));
      const mapped: bigint[] = [];
      for (let k = 0; k < 200; k++) {
        const iova = (BigInt(rnd(1 << 30)) * gran) % top;
        const pa = BigInt(rnd(1 << 20)) * gran;
        const r = pt.mapPages(iova, pa, gran, 1, IOMMU_READ | IOMMU_WRITE);
        if (!r.errno) mapped.push(iova);
      }
      expect(mapped.length).toBeGreaterThan(150);
      for (const iova of mapped) {
        for (const probe of [iova, iova + gran / 2n, iova + gran + 8n]) {
          const w = pt.walk(probe, 'read');
          expect(pt.iovaToPhys(probe)).toBe(w.ok ? w.pa : 0n);
        }
      }
    });
  }
});
