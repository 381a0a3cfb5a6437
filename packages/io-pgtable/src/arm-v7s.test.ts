import { PageAllocator, PhysMem } from '@dmasim/physmem';
import { describe, expect, it } from 'vitest';
import { createArmV7s } from './create.js';
import type { ArmV7sConfig } from './create.js';
import { PgtableError } from './errors.js';
import { IotlbGather } from './gather.js';
import { pgtableProfiles } from './profile.js';
import type { Release } from './profile.js';
import { IOMMU_CACHE, IOMMU_MMIO, IOMMU_NOEXEC, IOMMU_PRIV, IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { env, recordingFlush } from './test-env.js';

const RW = IOMMU_READ | IOMMU_WRITE;
const FULL = RW | IOMMU_NOEXEC | IOMMU_CACHE;
const SZ_4K = 0x1000n;
const SZ_64K = 0x10000n;
const SZ_1M = 0x100000n;
const SZ_16M = 0x1000000n;
const SZ_1G = 0x40000000n;

function v7s(release: Release, c: Omit<ArmV7sConfig, 'mem' | 'pages' | 'profile'> = {}) {
  const e = env(release);
  const flush = recordingFlush();
  return { ...e, flush, pt: createArmV7s({ ...e, flush, ...c }) };
}
const WARN_PARTIAL = ['Unmap of a partial large IOPTE is not allowed', 'WARNING: at drivers/iommu/io-pgtable-arm-v7s.c:__arm_v7s_unmap'];

describe('Arm v7s: golden G6 (facts §11) and the prot encoding (§3.2–3.3)', () => {
  it('small page, large page, section and supersection with ARM_NS', () => {
    const { pt } = v7s('6.19', { quirks: { armNs: true } });
    expect(pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE)).toEqual({ mapped: SZ_4K });
    expect(pt.readEntry(2, 0x1000n)?.value).toBe(0x00200c7en);
    pt.mapPages(0x2000n, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE | IOMMU_NOEXEC);
    expect(pt.readEntry(2, 0x2000n)?.value).toBe(0x00200c7fn);
    const l1 = pt.readEntry(1, 0x1000n)!.value;
    expect(l1 & 0x3ffn).toBe(0x9n); // TYPE_TABLE | NS_TABLE
    expect(pt.dump()[0]).toMatchObject({ level: 1, kind: 'table', oa: l1 & ~0x3ffn, flags: ['TABLE', 'NS_TABLE'] });
    pt.mapPages(SZ_1M, SZ_1M, SZ_1M, 1, RW | IOMMU_CACHE);
    expect(pt.readEntry(1, SZ_1M)?.value).toBe(0x001b1c0en);
    pt.mapPages(SZ_16M, SZ_16M, SZ_16M, 1, RW | IOMMU_CACHE);
    for (let i = 0n; i < 16n; i++) expect(pt.readEntry(1, SZ_16M + i * SZ_1M)?.value).toBe(0x010f1c0en);
    pt.mapPages(0x210000n, 0x10000n, SZ_64K, 1, RW | IOMMU_CACHE);
    for (let i = 0n; i < 16n; i++) expect(pt.readEntry(2, 0x210000n + i * SZ_4K)?.value).toBe(0x00011c3dn);
    expect(pt.iovaToPhys(0x21abcdn)).toBe(0x1abcdn);
    expect(pt.iovaToPhys(SZ_16M + 0x345678n)).toBe(SZ_16M + 0x345678n);
    expect(pt.stats.leaves).toBe(2 + 1 + 16 + 16);
  });
  it('without ARM_NS a section is 0x00131c0e; read-only, priv, MMIO and NO_PERMS encodings', () => {
    const { pt } = v7s('6.19');
    pt.mapPages(SZ_1M, SZ_1M, SZ_1M, 1, RW | IOMMU_CACHE);
    expect(pt.readEntry(1, SZ_1M)?.value).toBe(0x00131c0en);
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, IOMMU_READ | IOMMU_CACHE); // + AP2 (0x20 << 4)
    expect(pt.readEntry(2, 0x1000n)?.value).toBe(0x00200e7en);
    pt.mapPages(0x2000n, 0x200000n, SZ_4K, 1, RW | IOMMU_PRIV); // no AP1, no B/C
    expect(pt.readEntry(2, 0x2000n)?.value).toBe(0x00200c52n);
    pt.mapPages(0x3000n, 0x200000n, SZ_4K, 1, RW | IOMMU_MMIO); // TEX 0, B
    expect(pt.readEntry(2, 0x3000n)?.value).toBe(0x00200c36n);
    const np = v7s('6.19', { quirks: { noPerms: true } }).pt;
    np.mapPages(0x1000n, 0x200000n, SZ_4K, 1, IOMMU_READ | IOMMU_CACHE | IOMMU_NOEXEC); // no AF/AP/XN
    expect(np.readEntry(2, 0x1000n)?.value).toBe(0x00200c4en);
    expect(np.walk(0x1000n, 'write').ok).toBe(true); // hardware without permissions
  });
  it('registers: TTBR attributes, TCR 0, PRRR and NMRR', () => {
    const { pt } = v7s('6.19');
    expect(pt.registers).toEqual({ ttbr: pt.rootPa | 0x6an, tcr: 0, nmrr: 0x40004000, prrr: 0x800b8204 });
    expect(v7s('6.19', { coherentWalk: false }).pt.registers.ttbr & 0xffn).toBe(0x2n);
  });
});

describe('Arm v7s: tables in PhysMem', () => {
  it('16 KiB level-1 table below 4 GiB; 1 KiB level-2 tables four to a page, reused lowest-first', () => {
    const { pt, flush, pages } = v7s('6.19', { quirks: { armNs: true } });
    expect(pt.rootPa).toBe(0x4000n); // order-2 pages are 16 KiB aligned; pfn 0 is never used
    expect(pt.stats).toMatchObject({ tablePages: 4, tableAllocs: 4 });
    for (let i = 0n; i < 5n; i++) pt.mapPages(i * SZ_1M, 0x200000n, SZ_4K, 1, RW);
    // the first slab page is the first free page (pfn 1); the fifth table opens a second page
    expect([0n, 1n, 2n, 3n, 4n].map((i) => pt.readEntry(1, i * SZ_1M)!.value)).toEqual([0x1009n, 0x1409n, 0x1809n, 0x1c09n, 0x2009n]);
    expect(pt.l2Tables).toEqual({ slotsInUse: 5, slotAllocs: 5, slotFrees: 0, pages: 2 });
    expect(pt.stats.tablePages).toBe(6);
    // unmapping a whole level-1 entry frees its level-2 table after a walk flush
    expect(pt.unmapPages(SZ_1M, SZ_1M, 1, new IotlbGather())).toBe(SZ_1M);
    expect(flush.calls).toEqual(['flush_walk 100000 100000 1000']);
    expect(pt.l2Tables).toMatchObject({ slotsInUse: 4, slotFrees: 1 });
    pt.mapPages(7n * SZ_1M, 0x200000n, SZ_4K, 1, RW);
    expect(pt.readEntry(1, 7n * SZ_1M)!.value).toBe(0x1409n); // the freed slot again
    const walk = pt.walk(7n * SZ_1M + 8n, 'read');
    expect(walk.ok && walk.path.map((s) => [s.level, s.tablePa, s.entryPa])).toEqual([
      [1, 0x4000n, 0x4000n + 7n * 4n],
      [2, 0x1400n, 0x1400n],
    ]);
    // the second slab page is released when its only table goes
    pt.unmapPages(4n * SZ_1M, SZ_1M, 1);
    expect(pt.l2Tables.pages).toBe(1);
    pt.free();
    expect(pages.allocated).toBe(0);
    expect(pt.events.at(-1)).toEqual({ kind: 'flush-all' });
  });
  it('a section over a level-2 table unmaps and frees the table first; a page inside a section is EEXIST', () => {
    const { pt, flush } = v7s('6.19');
    pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    expect(pt.mapPages(0n, 0x40000000n, SZ_1M, 1, RW)).toEqual({ mapped: SZ_1M });
    expect(flush.calls).toEqual(['flush_walk 0 100000 1000']);
    expect(pt.l2Tables.slotsInUse).toBe(0);
    expect(pt.iovaToPhys(0x1234n)).toBe(0x40001234n);
    expect(pt.mapPages(0x2000n, 0x6000n, SZ_4K, 1, RW).errno).toBe('EEXIST');
    expect(pt.mapPages(0n, 0x6000n, SZ_1M, 1, RW).errno).toBe('EEXIST');
    expect(pt.log).toEqual([
      'WARNING: at drivers/iommu/io-pgtable-arm-v7s.c:__arm_v7s_map',
      'WARNING: at drivers/iommu/io-pgtable-arm-v7s.c:arm_v7s_init_pte',
    ]);
  });
  it('map_pages maps page by page across level-1 entries; input checks', () => {
    const { pt } = v7s('6.19');
    expect(pt.mapPages(0xfe000n, 0x300000n, SZ_4K, 4, RW)).toEqual({ mapped: 4n * SZ_4K });
    expect(pt.iovaToPhys(0x101abcn)).toBe(0x303abcn);
    expect(pt.l2Tables.slotsInUse).toBe(2);
    expect(pt.mapPages(0xff000n, 0x900000n, SZ_4K, 3, RW)).toEqual({ errno: 'EEXIST', mapped: 0n });
    expect(pt.mapPages(1n << 32n, 0n, SZ_4K, 1, RW).errno).toBe('ERANGE');
    expect(pt.mapPages(0n, 1n << 32n, SZ_4K, 1, RW).errno).toBe('ERANGE');
    expect(pt.mapPages(0n, 0n, 0x2000n, 1, RW).errno).toBe('EINVAL');
    expect(v7s('6.12').pt.mapPages(0n, 0n, SZ_4K, 1, 0)).toEqual({ mapped: 0n });
    expect(v7s('6.19').pt.mapPages(0n, 0n, SZ_4K, 1, 0).errno).toBe('EINVAL');
    expect(v7s('6.19', { pgsizes: SZ_4K | SZ_1M }).pt.pgsizeBitmap).toBe(SZ_4K | SZ_1M);
  });
});

describe('Arm v7s: unmap and TLB callbacks', () => {
  it('one tlb_add_page per cleared entry with the entry size; none for a queued gather; holes WARN', () => {
    const { pt, flush } = v7s('6.19');
    pt.mapPages(0x10000n, 0x10000n, SZ_64K, 1, RW);
    pt.mapPages(SZ_16M, SZ_16M, SZ_16M, 1, RW);
    expect(pt.unmapPages(0x10000n, SZ_64K, 1, new IotlbGather())).toBe(SZ_64K);
    expect(flush.calls).toEqual(Array.from({ length: 16 }, (_, i) => `add_page ${(0x10000 + i * 0x1000).toString(16)} 1000`));
    flush.calls.length = 0;
    expect(pt.unmapPages(SZ_16M, SZ_16M, 1, new IotlbGather({ queued: true }))).toBe(SZ_16M);
    expect(flush.calls).toEqual([]);
    expect(pt.unmapPages(SZ_16M, SZ_16M, 1)).toBe(0n);
    expect(pt.log).toEqual(['WARNING: at drivers/iommu/io-pgtable-arm-v7s.c:__arm_v7s_unmap']);
    expect(pt.unmapPages(1n << 32n, SZ_4K, 1)).toBe(0n);
  });
  it('new (6.19): partial unmap of a large page, section or supersection is refused, warning once per site', () => {
    const { pt } = v7s('6.19');
    pt.mapPages(0x10000n, 0x10000n, SZ_64K, 1, RW);
    pt.mapPages(SZ_1M, SZ_1M, SZ_1M, 1, RW);
    pt.mapPages(SZ_16M, SZ_16M, SZ_16M, 1, RW);
    expect(pt.unmapPages(0x13000n, SZ_4K, 1)).toBe(0n);
    expect(pt.unmapPages(SZ_16M + SZ_1M, SZ_1M, 1)).toBe(0n); // same site (contiguous entry)
    expect(pt.unmapPages(SZ_1M + SZ_4K, SZ_4K, 1)).toBe(0n); // second site (section)
    expect(pt.log).toEqual([...WARN_PARTIAL, ...WARN_PARTIAL]);
    expect(pt.iovaToPhys(0x13000n)).toBe(0x13000n);
    expect(pt.iovaToPhys(SZ_16M + SZ_1M)).toBe(SZ_16M + SZ_1M);
  });
  it('old (6.12): a large page is split into 16 pages (flush_walk over 64K), the rest keep their addresses', () => {
    const { pt, flush } = v7s('6.12');
    pt.mapPages(0x10000n, 0x90000n, SZ_64K, 1, RW);
    expect(pt.unmapPages(0x13000n, SZ_4K, 1, new IotlbGather())).toBe(SZ_4K);
    expect(flush.calls).toEqual(['flush_walk 13000 10000 10000', 'add_page 13000 1000']);
    expect(pt.iovaToPhys(0x13000n)).toBe(0n);
    expect(pt.iovaToPhys(0x14abcn)).toBe(0x94abcn);
    expect(pt.readEntry(2, 0x14000n)?.value).toBe(0x94c72n); // a small page again: R|W, TEX1, B/C clear
  });
  it('old (6.12): splitting a section writes pieces whose output addresses start at 0 (kernel bug reproduced)', () => {
    const { pt, flush } = v7s('6.12');
    pt.mapPages(SZ_1M, 0x500000n, SZ_1M, 1, RW | IOMMU_CACHE);
    expect(pt.unmapPages(SZ_1M + SZ_4K, SZ_4K, 1, new IotlbGather())).toBe(SZ_4K);
    expect(flush.calls).toEqual(['add_page 101000 1000']);
    expect(pt.iovaToPhys(SZ_1M + SZ_4K)).toBe(0n);
    expect(pt.iovaToPhys(SZ_1M + 0x2010n)).toBe(0x2010n); // not 0x502010
    expect(pt.readEntry(1, SZ_1M)!.value & 3n).toBe(1n);
    expect(pt.l2Tables).toMatchObject({ slotsInUse: 1, slotAllocs: 1 });
  });
  it('old (6.12): inside a supersection only the first section can be split; others end as 16 sections and 0', () => {
    const { pt, flush } = v7s('6.12');
    pt.mapPages(SZ_16M, SZ_16M, SZ_16M, 1, RW);
    expect(pt.unmapPages(SZ_16M + SZ_1M + SZ_4K, SZ_4K, 1, new IotlbGather())).toBe(0n);
    expect(flush.calls).toEqual(['flush_walk 1101000 1000000 1000000']);
    expect(pt.l2Tables).toMatchObject({ slotsInUse: 0, slotAllocs: 1, slotFrees: 1 });
    expect(pt.readEntry(1, SZ_16M + SZ_1M)?.value).toBe(0x01131c02n); // an ordinary section now
    expect(pt.iovaToPhys(SZ_16M + SZ_1M + SZ_4K)).toBe(SZ_16M + SZ_1M + SZ_4K);
    expect(pt.unmapPages(SZ_16M + SZ_4K, SZ_4K, 1)).toBe(SZ_4K); // index 16 compares equal
    expect(pt.iovaToPhys(SZ_16M + 0x2000n)).toBe(0x2000n);
    expect(pt.unmapPages(2n * SZ_16M, SZ_1M, 1)).toBe(0n);
  });
});

describe('Arm v7s: MediaTek quirks', () => {
  it('ARM_MTK_EXT: PA bits 32/33/34 in PTE bits 9/4/5, oas up to 35, ias up to 34', () => {
    const { pt } = v7s('6.19', { ias: 34, oas: 35, quirks: { noPerms: true, mtkExt: true } });
    expect(pt.stats.tablePages).toBe(16); // 16384-entry level-1 table
    expect(pt.registers.ttbr).toBe(pt.rootPa);
    expect(pt.mapPages(0x3_0000_1000n, 0x7_0000_1000n, SZ_4K, 1, RW | IOMMU_CACHE)).toEqual({ mapped: SZ_4K });
    expect(pt.readEntry(1, 0x3_0000_1000n)!.pa - pt.rootPa).toBe(0x3000n * 4n);
    expect(pt.readEntry(2, 0x3_0000_1000n)?.value).toBe(0x1e7en); // 0xc4e | bits 9,4,5 | 0x1000
    expect(pt.iovaToPhys(0x3_0000_1abcn)).toBe(0x7_0000_1abcn);
    const w = pt.walk(0x3_0000_1abcn, 'write');
    expect(w.ok && w.pa).toBe(0x7_0000_1abcn);
    pt.mapPages(0x100000n, 0x2_0010_0000n, SZ_1M, 1, RW);
    expect(pt.readEntry(1, 0x100000n)?.value).toBe(0x00131012n); // 0xc4 << 10 | section | bit 4 (PA33) | PA
    expect(pt.iovaToPhys(0x100004n)).toBe(0x2_0010_0004n);
  });
  it('ARM_MTK_TTBR_EXT: tables may sit above 4 GiB, encoded the same way', () => {
    const mem = new PhysMem({ size: 8n << 30n });
    const pages = new PageAllocator(mem);
    const pt = createArmV7s({ mem, pages, profile: pgtableProfiles['6.19'], oas: 35, quirks: { noPerms: true, mtkExt: true, mtkTtbrExt: true }, tableAlloc: { minPfn: 0x100000 } });
    expect(pt.rootPa).toBe(0x1_0000_0000n);
    expect(pt.registers.ttbr).toBe(0x1n); // paddr | upper_32_bits(paddr), truncated to 32 bits
    pt.mapPages(0x1000n, 0x1000n, SZ_4K, 1, RW);
    expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x4201n); // L2 at 0x1_0000_4000: | PA32 (bit 9) | TABLE
    expect(pt.iovaToPhys(0x1010n)).toBe(0x1010n);
    // without the quirk tables must fit a 32-bit PTE: nothing above 4 GiB qualifies
    expect(() => createArmV7s({ mem, pages, profile: pgtableProfiles['6.19'], tableAlloc: { minPfn: 0x100000 } })).toThrow(PgtableError);
  });
  it('configuration rules of arm_v7s_alloc_pgtable', () => {
    const e = env('6.19');
    const bad = (c: Omit<ArmV7sConfig, 'mem' | 'pages' | 'profile'>) => () => createArmV7s({ ...e, ...c });
    expect(bad({ quirks: { mtkExt: true } })).toThrow(/NO_PERMS/);
    expect(bad({ quirks: { noPerms: true, mtkTtbrExt: true } })).toThrow(/needs ARM_MTK_EXT/);
    expect(bad({ ias: 33 })).toThrow(PgtableError);
    expect(bad({ oas: 33 })).toThrow(/oas/);
    expect(bad({ pgsizes: 0x2000n })).toThrow(/pgsizes/);
  });
});

/** arm_v7s_do_selftests (facts §10.2). */
describe('Arm v7s: kernel selftest', () => {
  for (const rel of ['6.1', '6.12', '6.19'] as const) {
    it(`${rel}: ${rel === '6.19' ? 'without' : 'with'} the partial-unmap step`, () => {
      const { pt, pages } = v7s(rel, { quirks: { armNs: true } });
      for (const a of [42n, SZ_1G + 42n, 2n * SZ_1G + 42n]) expect(pt.iovaToPhys(a)).toBe(0n);
      const sizes = [SZ_4K, SZ_64K, SZ_1M, SZ_16M];
      let iova = 0n;
      for (const s of sizes) {
        expect(pt.mapPages(iova, iova, s, 1, FULL)).toEqual({ mapped: s });
        expect(pt.mapPages(iova, iova + s, s, 1, IOMMU_READ | IOMMU_NOEXEC).errno).toBeDefined();
        expect(pt.iovaToPhys(iova + 42n)).toBe(iova + 42n);
        iova += SZ_16M;
      }
      if (rel !== '6.19') {
        for (let i = 1n; i < 4n; i++) {
          const a = i * SZ_16M + SZ_4K;
          expect(pt.unmapPages(a, SZ_4K, 1)).toBe(SZ_4K);
          expect(pt.mapPages(a, SZ_4K, SZ_4K, 1, IOMMU_READ)).toEqual({ mapped: SZ_4K });
          expect(pt.iovaToPhys(a + 42n)).toBe(SZ_4K + 42n);
        }
      }
      iova = 0n;
      for (const s of sizes) {
        expect(pt.unmapPages(iova, s, 1)).toBe(s);
        expect(pt.iovaToPhys(iova + 42n)).toBe(0n);
        expect(pt.mapPages(iova, iova, s, 1, IOMMU_WRITE)).toEqual({ mapped: s });
        expect(pt.iovaToPhys(iova + 42n)).toBe(iova + 42n);
        iova += SZ_16M;
      }
      for (const ev of pt.events) {
        if (ev.kind === 'add-page') expect(ev.granule & pt.pgsizeBitmap).not.toBe(0n);
        if (ev.kind === 'flush-walk') expect(ev.size & pt.pgsizeBitmap).not.toBe(0n);
      }
      pt.free();
      expect(pages.allocated).toBe(0);
    });
  }
});
