import { describe, expect, it } from 'vitest';
import { createVtdSecondStage } from './create.js';
import { IotlbGather } from './gather.js';
import type { Release } from './profile.js';
import { IOMMU_CACHE, IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { env, recordingFlush } from './test-env.js';

const RW = IOMMU_READ | IOMMU_WRITE;
const SZ_4K = 0x1000n;
const SZ_2M = 0x200000n;
const ALL: Release[] = ['6.1', '6.12', '6.19'];

function vtd(release: Release, extra: { aw?: 39 | 48 | 57; sp?: boolean; snoop?: boolean } = {}) {
  const e = env(release);
  const flush = recordingFlush();
  const pt = createVtdSecondStage({
    ...e,
    flush,
    addressWidth: extra.aw ?? 48,
    superpages: extra.sp ? { '2M': true, '1G': true } : undefined,
    forceSnoop: extra.snoop,
  });
  return { ...e, pt, flush };
}

describe('VT-d second stage: golden G7 (facts/pgtable.md §11)', () => {
  for (const rel of ALL) {
    it(`${rel}: 4K R|W leaf 0x200003, tables PA|3, indices iova>>39/30/21/12`, () => {
      const { pt } = vtd(rel);
      expect(pt.levels).toBe(4);
      expect(pt.topLevel).toBe(4);
      expect(pt.leafLevel).toBe(1);
      expect(pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW)).toEqual({ mapped: SZ_4K });
      expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200003n);
      for (const lvl of [4, 3, 2]) {
        const e = pt.readEntry(lvl, 0x1000n)!;
        expect(e.value & 0xfffn).toBe(3n);
        expect(e.pa & 0xfffn).toBe(0n); // index 0 at levels 4..2
      }
      const leaf = pt.readEntry(1, 0x1000n)!;
      expect(leaf.pa & 0xfffn).toBe(8n); // index 1
      // the table chain really is what the entries point to
      expect(pt.readEntry(4, 0x1000n)!.value & ~0xfffn).toBe(pt.readEntry(3, 0x1000n)!.pa & ~0xfffn);
      expect(pt.iovaToPhys(0x1abcn)).toBe(0x200abcn);
    });
    it(`${rel}: force-snoop leaf 0x200803, 2M superpage 0x40000083`, () => {
      const { pt } = vtd(rel, { snoop: true, sp: true });
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
      expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200803n);
      const { pt: p2 } = vtd(rel, { sp: true });
      expect(p2.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW)).toEqual({ mapped: SZ_2M });
      expect(p2.readEntry(2, 0x200000n)?.value).toBe(0x40000083n);
      expect(p2.iovaToPhys(0x212345n)).toBe(0x40012345n);
    });
    it(`${rel}: IOMMU_CACHE does not set SNP without force-snooping`, () => {
      const { pt } = vtd(rel);
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE);
      expect(pt.readEntry(1, 0x1000n)?.value).toBe(0x200003n);
    });
  }

  it('AGAW 1/2/3 ⇔ 39/48/57 bits ⇔ 3/4/5 levels', () => {
    for (const [aw, levels] of [[39, 3], [48, 4], [57, 5]] as const) {
      for (const rel of ALL) {
        const { pt } = vtd(rel, { aw });
        expect(pt.levels).toBe(levels);
        expect(pt.ias).toBe(aw);
        const top = (1n << BigInt(aw)) - SZ_4K;
        expect(pt.mapPages(top, 0x5000n, SZ_4K, 1, RW).errno).toBeUndefined();
        expect(pt.readEntry(levels, top)!.pa & 0xfffn).toBe(511n * 8n);
        expect(pt.iovaToPhys(top + 0x10n)).toBe(0x5010n);
      }
    }
  });

  it('write-only leaves: 6.1/6.12 force bit 0 (R|W = 0x3), 6.19 vtdss keeps W only (0x2)', () => {
    for (const [rel, want] of [['6.1', 0x5003n], ['6.12', 0x5003n], ['6.19', 0x5002n]] as const) {
      const { pt } = vtd(rel);
      pt.mapPages(0x3000n, 0x5000n, SZ_4K, 1, IOMMU_WRITE);
      expect(pt.readEntry(1, 0x3000n)?.value).toBe(want);
      pt.mapPages(0x4000n, 0x6000n, SZ_4K, 1, IOMMU_READ);
      expect(pt.readEntry(1, 0x4000n)?.value).toBe(0x6001n);
      const r = pt.walk(0x3000n, 'read');
      expect(r.ok).toBe(rel !== '6.19');
      if (!r.ok) expect([r.reason, r.level]).toEqual(['no-read', 1]);
    }
  });

  it('no R/W is EINVAL everywhere; generic_pt also WARNs', () => {
    for (const rel of ALL) {
      const { pt } = vtd(rel);
      expect(pt.mapPages(0x1000n, 0x2000n, SZ_4K, 1, 0).errno).toBe('EINVAL');
      expect(pt.log.length).toBe(rel === '6.19' ? 1 : 0);
    }
  });
});

describe('VT-d second stage: map over an existing entry (§7.1, §9)', () => {
  for (const rel of ['6.1', '6.12'] as const) {
    it(`${rel}: logs "already set", WARNs, keeps the old PTE and returns success`, () => {
      const { pt } = vtd(rel);
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
      expect(pt.mapPages(0x1000n, 0x300000n, SZ_4K, 1, RW)).toEqual({ mapped: SZ_4K });
      expect(pt.log).toEqual([
        'DMAR: ERROR: DMA PTE for vPFN 0x1 already set (to 200003 not 300003)',
        'WARNING: at drivers/iommu/intel/iommu.c:__domain_mapping',
      ]);
      expect(pt.iovaToPhys(0x1000n)).toBe(0x200000n);
    });
  }
  it('6.19: EADDRINUSE, nothing written', () => {
    const { pt } = vtd('6.19');
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
    expect(pt.mapPages(0x1000n, 0x300000n, SZ_4K, 1, RW)).toEqual({ errno: 'EADDRINUSE', mapped: 0n });
    expect(pt.iovaToPhys(0x1000n)).toBe(0x200000n);
    // a 4K map inside a 2M leaf, and a run that hits a mapped page half way
    const { pt: p2 } = vtd('6.19', { sp: true });
    p2.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW);
    expect(p2.mapPages(0x201000n, 0x5000n, SZ_4K, 1, RW).errno).toBe('EADDRINUSE');
    p2.mapPages(0x5000n, 0x9000n, SZ_4K, 1, RW);
    expect(p2.mapPages(0x3000n, 0x7000n, SZ_4K, 4, RW)).toEqual({ errno: 'EADDRINUSE', mapped: 0x2000n });
  });

  it('6.1/6.12: a 2M superpage over a table of 4K leaves frees the table and flushes; no warning', () => {
    for (const rel of ['6.1', '6.12'] as const) {
      const { pt, flush, pages } = vtd(rel, { sp: true });
      pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
      const before = pages.allocated;
      expect(pt.mapPages(0n, 0x40000000n, SZ_2M, 1, RW)).toEqual({ mapped: SZ_2M });
      expect(pages.allocated).toBe(before - 1);
      expect(pt.log).toEqual([]);
      expect(flush.calls).toEqual(['flush_walk 0 200000 200000']);
      expect(pt.iovaToPhys(0x1000n)).toBe(0x40001000n);
    }
  });

  it('6.19: a 2M leaf may replace an empty table (freed through the gather + sync), not a populated one', () => {
    const { pt, flush, pages } = vtd('6.19', { sp: true });
    pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    expect(pt.mapPages(0n, 0x40000000n, SZ_2M, 1, RW).errno).toBe('EADDRINUSE');
    pt.unmapPages(0x1000n, SZ_4K, 1);
    const before = pages.allocated;
    expect(pt.mapPages(0n, 0x40000000n, SZ_2M, 1, RW)).toEqual({ mapped: SZ_2M });
    expect(pages.allocated).toBe(before - 1);
    expect(pt.events.slice(-2)).toEqual([{ kind: 'add-range', iova: 0n, size: SZ_2M }, { kind: 'sync' }]);
    expect(flush.calls.at(-1)).toBe('sync');
  });

  it('6.1/6.12: a 4K map inside a superpage walks into the data page (pfn_to_dma_pte) and writes the PTE there', () => {
    for (const rel of ['6.1', '6.12'] as const) {
      const { pt, mem } = vtd(rel, { sp: true });
      pt.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW);
      expect(pt.mapPages(0x201000n, 0x5000n, SZ_4K, 1, RW)).toEqual({ mapped: SZ_4K });
      expect(mem.readU64(0x40000008n)).toBe(0x5003n); // the "level-1 entry" at index 1 of the data page
      expect(pt.iovaToPhys(0x201000n)).toBe(0x40001000n); // the superpage still translates
      expect(pt.log).toEqual([]);
    }
  });

  it('legacy picks its own superpage for an aligned run of 4K pages; generic_pt picks the best size', () => {
    for (const rel of ALL) {
      const { pt } = vtd(rel, { sp: true });
      expect(pt.mapPages(0x200000n, 0x40000000n, SZ_4K, 512, RW)).toEqual({ mapped: SZ_2M });
      expect(pt.readEntry(2, 0x200000n)?.value).toBe(0x40000083n);
    }
  });
});

describe('VT-d second stage: unmap (§7.1 legacy, §8.3 generic_pt, G9)', () => {
  it('6.1/6.12: a 4K unmap of a 2M superpage rounds up and returns 2M; from the middle the leaf survives', () => {
    for (const rel of ['6.1', '6.12'] as const) {
      const { pt, mem } = vtd(rel, { sp: true });
      pt.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW);
      expect(pt.unmapPages(0x200000n, SZ_4K, 1)).toBe(SZ_2M);
      expect(pt.iovaToPhys(0x200000n)).toBe(0n);
      pt.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW);
      // dma_pte_clear_level recurses into the superpage's data page as if it were a table and clears
      // "present" words from index 1 on (pfn 0x201..): the kernel corrupts the buffer, so do we
      mem.writeU64(0x40000000n, 0x2222n);
      mem.writeU64(0x40000008n, 0x1111n);
      mem.writeU64(0x40000010n, 0x1000n);
      expect(pt.unmapPages(0x201000n, SZ_4K, 1)).toBe(SZ_2M);
      expect(pt.iovaToPhys(0x200000n)).toBe(0x40000000n);
      expect(mem.readU64(0x40000000n)).toBe(0x2222n);
      expect(mem.readU64(0x40000008n)).toBe(0n);
      expect(mem.readU64(0x40000010n)).toBe(0x1000n);
    }
  });
  it('6.19: unmapping the start of a 2M leaf removes all of it; the middle returns 0', () => {
    const { pt } = vtd('6.19', { sp: true });
    pt.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, RW);
    expect(pt.unmapPages(0x201000n, SZ_4K, 1)).toBe(0n);
    expect(pt.iovaToPhys(0x201000n)).toBe(0x40001000n);
    expect(pt.unmapPages(0x200000n, SZ_4K, 1)).toBe(SZ_2M);
    expect(pt.iovaToPhys(0x200000n)).toBe(0n);
  });
  it('unmap of nothing: legacy rounds up to the empty top-level entry (512G); generic_pt returns 0', () => {
    expect(vtd('6.12').pt.unmapPages(0x1000n, SZ_4K, 1)).toBe(1n << 39n);
    expect(vtd('6.19').pt.unmapPages(0x1000n, SZ_4K, 1)).toBe(0n);
  });
  it('beyond the domain width: 6.1 hits BUG_ON, 6.12 returns 0', () => {
    const p1 = vtd('6.1').pt;
    expect(p1.unmapPages(1n << 48n, SZ_4K, 1)).toBe(0n);
    expect(p1.log).toEqual(['kernel BUG at drivers/iommu/intel/iommu.c:intel_iommu_unmap!']);
    const p2 = vtd('6.12').pt;
    expect(p2.unmapPages(1n << 48n, SZ_4K, 1)).toBe(0n);
    expect(p2.log).toEqual([]);
  });
  it('map beyond the width: legacy EFAULT with the intel_iommu_map message; generic_pt ERANGE', () => {
    const p = vtd('6.12', { aw: 39 }).pt;
    expect(p.mapPages((1n << 39n) - SZ_4K, 0x1000n, SZ_4K, 2, RW).errno).toBe('EFAULT');
    expect(p.log).toEqual(['DMAR: intel_iommu_map: iommu width (39) is not sufficient for the mapped address (8000001000)']);
    expect(vtd('6.19', { aw: 39 }).pt.mapPages(1n << 39n, 0x1000n, SZ_4K, 1, RW).errno).toBe('ERANGE');
  });

  it('legacy TLB order: an unmap that frees a table parks it on the gather, then add_page; freed at the sync', () => {
    for (const rel of ['6.1', '6.12'] as const) {
      const { pt, flush } = vtd(rel);
      pt.mapPages(0n, 0x100000n, SZ_4K, 512, RW);
      const tables = pt.stats.tablePages;
      const g = new IotlbGather();
      expect(pt.unmapPages(0n, SZ_4K, 512, g)).toBe(SZ_2M);
      expect(flush.calls).toEqual(['add_page 0 200000']);
      expect(g.freelist.length).toBe(1);
      expect(pt.stats.tablePages).toBe(tables); // still allocated until the IOTLB sync
      expect(pt.releaseGathered(g)).toBe(1);
      expect(pt.stats.tablePages).toBe(tables - 1);
      expect(g.freelist).toEqual([]);
    }
  });
  it('generic_pt TLB order: the requested range goes into the gather, freed tables onto its freelist', () => {
    const { pt } = vtd('6.19');
    pt.mapPages(0n, 0x100000n, SZ_4K, 512, RW);
    const g = new IotlbGather();
    expect(pt.unmapPages(0n, SZ_4K, 512, g)).toBe(SZ_2M);
    expect(pt.events).toEqual([{ kind: 'add-range', iova: 0n, size: SZ_2M }]);
    expect([g.start, g.end]).toEqual([0n, SZ_2M - 1n]);
    expect(g.freelist.length).toBe(1);
  });
  it('a queued (lazy) gather gets no add_page from legacy VT-d', () => {
    const { pt, flush } = vtd('6.12');
    pt.mapPages(0x1000n, 0x5000n, SZ_4K, 1, RW);
    expect(pt.unmapPages(0x1000n, SZ_4K, 1, new IotlbGather({ queued: true }))).toBe(SZ_4K);
    expect(flush.calls).toEqual([]);
  });
});

describe('VT-d second stage: hardware walk', () => {
  for (const rel of ALL) {
    it(`${rel}: R/W checked at every level; non-present reads/writes fault as no-read/no-write`, () => {
      const { pt, mem } = vtd(rel);
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, IOMMU_READ);
      const ok = pt.walk(0x1008n, 'read');
      expect(ok.ok && ok.pa).toBe(0x200008n);
      expect(ok.ok && ok.path.map((s) => s.level)).toEqual([4, 3, 2, 1]);
      const w = pt.walk(0x1000n, 'write');
      expect(!w.ok && [w.reason, w.level]).toEqual(['no-write', 1]);
      const hole = pt.walk(0x2000n, 'read');
      expect(!hole.ok && [hole.reason, hole.level, hole.pte]).toEqual(['no-read', 1, 0n]);
      const far = pt.walk(1n << 40n, 'write');
      expect(!far.ok && [far.reason, far.level]).toEqual(['no-write', 4]);
      for (const lvl of [4, 3, 2]) {
        const e = pt.readEntry(lvl, 0x1000n)!;
        mem.writeU64(e.pa, e.value & ~1n); // clear R in a table entry
        const r = pt.walk(0x1000n, 'read');
        expect(!r.ok && [r.reason, r.level]).toEqual(['no-read', lvl]);
        mem.writeU64(e.pa, e.value);
      }
      const top = pt.readEntry(4, 0x1000n)!;
      mem.writeU64(top.pa, top.value | 0x80n); // PS in an SS-PML4E is reserved
      const rsv = pt.walk(0x1000n, 'read');
      expect(!rsv.ok && [rsv.reason, rsv.level]).toEqual(['reserved-bits', 4]);
      const beyond = pt.walk(1n << 48n, 'read');
      expect(!beyond.ok && beyond.reason).toBe('beyond-address-width');
    });
  }
  it('a DMA write into a table page is seen by the walk (tables live in PhysMem)', () => {
    const { pt, mem } = vtd('6.12');
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
    const leaf = pt.readEntry(1, 0x1000n)!;
    mem.write(leaf.pa, new Uint8Array([0x03, 0x00, 0x70, 0x00, 0, 0, 0, 0]));
    expect(pt.iovaToPhys(0x1000n)).toBe(0x700000n);
    const r = pt.walk(0x1000n, 'write');
    expect(r.ok && r.pa).toBe(0x700000n);
  });
});

describe('VT-d second stage: dumps', () => {
  it('dump lists every present entry with its IOVA range and decoded flags; formatDump prints them', () => {
    for (const rel of ALL) {
      const { pt } = vtd(rel, { sp: true });
      pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW);
      pt.mapPages(0x200000n, 0x40000000n, SZ_2M, 1, IOMMU_READ);
      const rows = pt.dump();
      expect(rows.map((r) => [r.level, r.index, r.kind])).toEqual([
        [4, 0, 'table'],
        [3, 0, 'table'],
        [2, 0, 'table'],
        [1, 1, 'leaf'],
        [2, 1, 'leaf'],
      ]);
      const big = rows[4]!;
      expect([big.iova, big.size, big.oa, big.value, big.flags]).toEqual([0x200000n, SZ_2M, 0x40000000n, 0x40000081n, ['R', 'PS']]);
      expect(rows[3]!.entryPa).toBe(rows[3]!.tablePa + 8n);
      expect(pt.formatDump()).toContain('L1[001] 0000000000200003  leaf  -> 0x200000  iova 0x1000+0x1000  R W');
    }
  });
});

describe('VT-d second stage: page accounting', () => {
  for (const rel of ALL) {
    it(`${rel}: map, unmap everything, free(): allocator back to baseline, flush_all last`, () => {
      const { mem, pages, profile } = env(rel);
      const base = pages.allocated;
      const flush = recordingFlush();
      const pt = createVtdSecondStage({ mem, pages, profile, flush, addressWidth: 48, superpages: { '2M': true } });
      pt.mapPages(0x1000n, 0x5000n, SZ_4K, 3, RW);
      pt.mapPages(0x40000000n, 0x80000000n, SZ_2M, 2, RW);
      pt.mapPages(0x7f0000000000n, 0x9000n, SZ_4K, 1, RW);
      expect(pt.stats.leaves).toBe(6);
      const g = new IotlbGather();
      pt.unmapPages(0x1000n, SZ_4K, 3, g);
      pt.unmapPages(0x40000000n, SZ_2M, 2, g);
      pt.unmapPages(0x7f0000000000n, SZ_4K, 1, g);
      pt.releaseGathered(g);
      expect(pt.stats.leaves).toBe(0);
      pt.free();
      expect(pages.allocated).toBe(base);
      expect(pt.stats.tablePages).toBe(0);
      expect(pt.stats.tableAllocs).toBe(pt.stats.tableFrees);
      expect(flush.calls.at(-1)).toBe('flush_all');
      expect(pt.events.at(-1)).toEqual({ kind: 'flush-all' });
    });
  }
});
