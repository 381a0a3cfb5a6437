import { describe, expect, it } from 'vitest';
import { createAmdV1, createAppleDart, createArmLpae, createArmV7s, createMaliLpae, createVtdSecondStage, createX86_64 } from './create.js';
import { IotlbGather } from './gather.js';
import type { Release } from './profile.js';
import { IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { coreMap, coreUnmap, env, prng } from './test-env.js';
import type { IoPageTable } from './types.js';

interface Mapping {
  va: number; // 4K page numbers
  pa: number;
  n: number;
  prot: number;
  huge: boolean;
}

interface Case {
  name: string;
  release: Release;
  sp: boolean;
  make: (e: ReturnType<typeof env>) => IoPageTable;
  /** Whether a DMA read is allowed by a leaf mapped with prot. */
  readable: (prot: number) => boolean;
  /** Whether a DMA write is allowed (default: prot has IOMMU_WRITE). */
  writable?: (prot: number) => boolean;
  /** Where mappings go (4K page numbers; default REGIONS). */
  regions?: number[];
  /** Smallest page in 4K pages (16K DARTs: 4). */
  unit?: number;
  /** Added to every IOVA (the TTBR1 upper half). */
  vaBase?: bigint;
}

const REGIONS = [0, 0x40000, 0x7f0000000]; // page numbers: 0, 1G, 0x7f00_0000_0000
const LOW_REGIONS = [0, 0x40000, 0xf0000]; // 32-bit formats: 0, 1G, 0xf000_0000
const anyPresent = (prot: number) => (prot & (IOMMU_READ | IOMMU_WRITE)) !== 0;
const cases: Case[] = [];
for (const release of ['6.1', '6.12', '6.19'] as const) {
  for (const sp of [false, true]) {
    cases.push({
      name: `vtd-ss ${release}${sp ? ' +superpages' : ''}`,
      release,
      sp,
      make: (e) => createVtdSecondStage({ ...e, addressWidth: 48, superpages: sp ? { '2M': true, '1G': true } : undefined }),
      readable: release === '6.19' ? (p) => (p & IOMMU_READ) !== 0 : anyPresent,
    });
  }
  cases.push({
    name: `amd-v1 ${release}`,
    release,
    sp: true,
    make: (e) => createAmdV1({ ...e }),
    readable: (p) => (p & IOMMU_READ) !== 0,
  });
  for (const stage of [1, 2] as const) {
    cases.push({
      name: `arm-lpae-s${stage} ${release}`,
      release,
      sp: true,
      make: (e) => createArmLpae({ ...e, stage, ias: 48, oas: 48 }),
      readable: stage === 1 ? anyPresent : (p) => (p & IOMMU_READ) !== 0,
    });
  }
  const readR = (p: number) => (p & IOMMU_READ) !== 0;
  cases.push(
    { name: `arm-v7s ${release}`, release, sp: true, regions: LOW_REGIONS, readable: anyPresent, make: (e) => createArmV7s({ ...e, quirks: { armNs: true } }) },
    {
      name: `arm-v7s NO_PERMS ${release}`,
      release,
      sp: true,
      regions: LOW_REGIONS,
      readable: anyPresent,
      writable: anyPresent,
      make: (e) => createArmV7s({ ...e, quirks: { noPerms: true } }),
    },
    { name: `apple-dart 4K ${release}`, release, sp: false, regions: LOW_REGIONS, readable: readR, make: (e) => createAppleDart({ ...e, format: 'dart', pgsize: '4K', ias: 32, oas: 36 }) },
    {
      name: `apple-dart2 16K ${release}`,
      release,
      sp: false,
      unit: 4,
      regions: [0, 0x40000, 0x800000],
      readable: readR,
      make: (e) => createAppleDart({ ...e, ias: 36, oas: 42 }),
    },
    { name: `arm-mali-lpae ${release}`, release, sp: true, readable: readR, make: (e) => createMaliLpae({ ...e, ias: 48, oas: 40 }) },
    { name: `arm-32-lpae-s1 ${release}`, release, sp: true, regions: LOW_REGIONS, readable: anyPresent, make: (e) => createArmLpae({ ...e, stage: 1, width: 32, ias: 32, oas: 40 }) },
    {
      name: `arm-lpae-s1 TTBR1${release === '6.1' ? '' : '+HD'} ${release}`,
      release,
      sp: true,
      vaBase: (1n << 64n) - (1n << 48n),
      readable: anyPresent,
      make: (e) => createArmLpae({ ...e, stage: 1, ias: 48, oas: 48, quirks: { ttbr1: true, hd: release !== '6.1' } }),
    },
  );
  for (const variant of ['intel-fl', 'amd-v2'] as const) {
    cases.push({
      name: `x86_64 ${variant} ${release}`,
      release,
      sp: true,
      make: (e) => createX86_64({ ...e, levels: 4, variant }),
      readable: anyPresent,
    });
  }
}

const PROTS = [IOMMU_READ, IOMMU_WRITE, IOMMU_READ | IOMMU_WRITE];

describe('property: random map/unmap sequences agree with a reference map', () => {
  for (const c of cases) {
    it(c.name, () => {
      const e = env(c.release);
      const base = e.pages.allocated;
      const pt = c.make(e);
      const rnd = prng(0xd3a + cases.indexOf(c));
      const pick = (n: number) => Math.floor(rnd() * n);
      const ref = new Map<number, { pa: number; prot: number }>();
      const maps: Mapping[] = [];

      const u = c.unit ?? 1;
      const vaBase = c.vaBase ?? 0n;
      const writable = c.writable ?? ((p: number) => (p & IOMMU_WRITE) !== 0);
      const check = (probes: number[]) => {
        for (const va of probes) {
          const want = ref.get(va);
          const iova = vaBase + BigInt(va) * 4096n + 0x18n;
          expect(pt.iovaToPhys(iova)).toBe(want ? BigInt(want.pa) * 4096n + 0x18n : 0n);
          const r = pt.walk(iova, 'read');
          const w = pt.walk(iova, 'write');
          expect(r.ok).toBe(want !== undefined && c.readable(want.prot));
          expect(w.ok).toBe(want !== undefined && writable(want.prot));
          if (r.ok && want) expect(r.pa).toBe(BigInt(want.pa) * 4096n + 0x18n);
        }
      };

      for (let step = 0; step < 250; step++) {
        if (maps.length === 0 || rnd() < 0.6) {
          const regions = c.regions ?? REGIONS;
          const region = regions[pick(regions.length)]!;
          const huge = c.sp && rnd() < 0.2;
          const n = huge ? 512 * (1 + pick(2)) : u * (1 + pick(40));
          const va = region + (huge ? 512 * pick(8) : u * pick(4096 / u));
          const pa = huge ? 512 * (1 + pick(256)) : va % 16 === 0 && rnd() < 0.5 ? 16 * (1 + pick(0x4000)) : u * (1 + pick(0x40000 / u));
          const prot = PROTS[pick(3)]!;
          let clash = false;
          for (let i = 0; i < n; i++) if (ref.has(va + i)) clash = true;
          if (clash) continue;
          const r = coreMap(pt, vaBase + BigInt(va) * 4096n, BigInt(pa) * 4096n, BigInt(n) * 4096n, prot);
          expect(r).toEqual({ mapped: BigInt(n) * 4096n });
          for (let i = 0; i < n; i++) ref.set(va + i, { pa: pa + i, prot });
          maps.push({ va, pa, n, prot, huge });
          check([va, va + n - 1, va + pick(n), va + n]);
        } else {
          const idx = pick(maps.length);
          const m = maps[idx]!;
          // whole mappings when large pages may be involved; otherwise any 4K sub-range
          const from = m.huge || c.sp ? 0 : u * pick(m.n / u);
          const to = m.huge || c.sp ? m.n : from + u * (1 + pick((m.n - from) / u));
          const g = new IotlbGather();
          const got = coreUnmap(pt, vaBase + BigInt(m.va + from) * 4096n, BigInt(to - from) * 4096n, g);
          expect(got).toBe(BigInt(to - from) * 4096n);
          pt.releaseGathered(g);
          for (let i = from; i < to; i++) ref.delete(m.va + i);
          maps.splice(idx, 1);
          if (from > 0) maps.push({ ...m, n: from });
          if (to < m.n) maps.push({ ...m, va: m.va + to, pa: m.pa + to, n: m.n - to });
          check([m.va + from, m.va + to - 1, m.va + from - 1, m.va + to]);
        }
        if (step % 25 === 0) check([...ref.keys()].filter(() => rnd() < 0.05));
      }
      check([...ref.keys()]);
      expect(pt.stats.leaves).toBeGreaterThan(0);
      // leafCount agrees with the dump's leaf rows (distinct iova), per size and overall.
      const rows = pt.dump().filter((r) => r.kind === 'leaf');
      const sizes = [...new Set(rows.map((r) => r.size))];
      for (const s of [0n, ...sizes, 3n * 4096n]) {
        expect(pt.leafCount(s)).toBe(new Set(rows.filter((r) => s === 0n || r.size === s).map((r) => r.iova)).size);
      }
      expect(pt.leafCount()).toBeGreaterThan(0);
      for (const m of maps) {
        const g = new IotlbGather();
        expect(coreUnmap(pt, vaBase + BigInt(m.va) * 4096n, BigInt(m.n) * 4096n, g)).toBe(BigInt(m.n) * 4096n);
        pt.releaseGathered(g);
      }
      expect(pt.stats.leaves).toBe(0);
      expect(pt.leafCount()).toBe(0);
      pt.free();
      expect(e.pages.allocated).toBe(base);
    });
  }
});
