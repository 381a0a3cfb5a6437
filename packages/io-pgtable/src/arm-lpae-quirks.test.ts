import { describe, expect, it } from 'vitest';
import { createArmLpae, createMaliLpae } from './create.js';
import type { ArmLpaeConfig } from './create.js';
import { IOMMU_DIRTY_NO_CLEAR } from './dirty.js';
import { PgtableError } from './errors.js';
import { IotlbGather } from './gather.js';
import type { Release } from './profile.js';
import { IOMMU_CACHE, IOMMU_MMIO, IOMMU_NOEXEC, IOMMU_READ, IOMMU_WRITE } from './prot.js';
import { env, recordingFlush } from './test-env.js';

const RW = IOMMU_READ | IOMMU_WRITE;
const SZ_4K = 0x1000n;
const SZ_2M = 0x200000n;

function arm(release: Release, c: Omit<ArmLpaeConfig, 'mem' | 'pages' | 'profile'>) {
  const e = env(release);
  const flush = recordingFlush();
  return { ...e, flush, pt: createArmLpae({ ...e, flush, ...c }) };
}
const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof PgtableError ? e.code : 'other';
  }
  return undefined;
};

describe('Arm LPAE quirks (facts §1.6, §2.3–2.4)', () => {
  it('ARM_NS: NS (bit 5) on leaves, NSTABLE (bit 63) on table descriptors', () => {
    const { pt } = arm('6.1', { stage: 1, ias: 48, oas: 48, quirks: { armNs: true } });
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE);
    expect(pt.readEntry(3, 0x1000n)?.value).toBe(0x200f47n | 0x20n);
    for (const lvl of [0, 1, 2]) expect(pt.readEntry(lvl, 0x1000n)!.value >> 63n).toBe(1n);
    expect(pt.dump()[0]!.flags).toContain('NSTABLE');
  });

  it('quirk sets per format and release are enforced (others → PGTABLE_BAD_CONFIG)', () => {
    const e = env('6.19');
    expect(code(() => createArmLpae({ ...e, stage: 2, ias: 40, oas: 40, quirks: { hd: true } }))).toBe('PGTABLE_BAD_CONFIG');
    expect(code(() => createArmLpae({ ...e, stage: 2, ias: 40, oas: 40, quirks: { ttbr1: true } }))).toBe('PGTABLE_BAD_CONFIG');
    expect(code(() => createArmLpae({ ...e, stage: 1, ias: 40, oas: 40, quirks: { s2fwb: true } }))).toBe('PGTABLE_BAD_CONFIG');
    const e61 = env('6.1');
    expect(() => createArmLpae({ ...e61, stage: 1, ias: 48, oas: 48, quirks: { hd: true } })).toThrow(/ARM_HD does not exist in Linux 6\.1/);
    expect(() => createArmLpae({ ...e61, stage: 1, ias: 48, oas: 48, quirks: { noWarn: true } })).toThrow(/NO_WARN/);
    expect(() => createArmLpae({ ...env('6.12'), stage: 2, ias: 40, oas: 40, quirks: { s2fwb: true } })).toThrow(/ARM_S2FWB/);
    expect(code(() => createArmLpae({ ...env('6.12'), stage: 1, ias: 48, oas: 48, quirks: { hd: true } }))).toBeUndefined();
  });

  it('ARM_TTBR1: upper-half sign-extended IOVAs, TG1 encodings, lower half is ERANGE', () => {
    const { pt, flush } = arm('6.19', { stage: 1, ias: 48, oas: 48, quirks: { ttbr1: true } });
    const top = 0xffff_ffff_ffff_f000n; // every index 511
    expect(pt.mapPages(top, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE)).toEqual({ mapped: SZ_4K });
    expect(pt.readEntry(0, top)!.pa - pt.rootPa).toBe(511n * 8n);
    expect(pt.readEntry(3, top)?.value).toBe(0x200f47n);
    expect(pt.iovaToPhys(top + 0x123n)).toBe(0x200123n);
    expect(pt.iovaToPhys(0x1000n)).toBe(0n);
    expect(pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW).errno).toBe('ERANGE');
    expect(pt.mapPages(0xfffe_ffff_ffff_f000n, 0x200000n, SZ_4K, 1, RW).errno).toBe('ERANGE'); // bit 48 clear
    expect(pt.registers).toMatchObject({ tcr: { tg: 2, tsz: 16, ips: 5 } });
    expect(pt.dump().at(-1)).toMatchObject({ level: 3, index: 511, iova: top, size: SZ_4K });
    const w = pt.walk(top + 8n, 'write');
    expect(w.ok && w.pa).toBe(0x200008n);
    expect(pt.walk(0x1000n, 'read')).toMatchObject({ ok: false, reason: 'beyond-address-width' });
    expect(pt.unmapPages(top, SZ_4K, 1, new IotlbGather())).toBe(SZ_4K);
    expect(flush.calls).toEqual(['add_page fffffffffffff000 1000']);
    expect(pt.readAndClearDirty(top, SZ_4K).errno).toBe('EINVAL'); // the dirty range check ignores TTBR1
    for (const [granule, tg] of [['16K', 1], ['64K', 3]] as const) {
      expect(arm('6.19', { stage: 1, granule, ias: 48, oas: 48, quirks: { ttbr1: true } }).pt.registers).toMatchObject({ tcr: { tg } });
    }
  });

  it('ARM_OUTER_WBWA: refused with a coherent walk; non-coherent TCR gets ORGN=WBWA', () => {
    const e = env('6.19');
    expect(() => createArmLpae({ ...e, stage: 1, ias: 48, oas: 48, quirks: { outerWbwa: true } })).toThrow(/coherent/);
    const nc = arm('6.19', { stage: 1, ias: 48, oas: 48, coherentWalk: false }).pt;
    expect(nc.registers).toMatchObject({ tcr: { sh: 2, irgn: 0, orgn: 0 } });
    const wbwa = arm('6.19', { stage: 1, ias: 48, oas: 48, coherentWalk: false, quirks: { outerWbwa: true } }).pt;
    expect(wbwa.registers).toMatchObject({ tcr: { sh: 2, irgn: 0, orgn: 1 } });
  });

  it('ARM_S2FWB: cacheable stage-2 MemAttr is 0x6 (force write-back), others unchanged', () => {
    const { pt } = arm('6.19', { stage: 2, ias: 40, oas: 40, quirks: { s2fwb: true } });
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE);
    pt.mapPages(0x2000n, 0x200000n, SZ_4K, 1, RW);
    pt.mapPages(0x3000n, 0x200000n, SZ_4K, 1, RW | IOMMU_MMIO);
    // HAP 0xc0 | MemAttr 0x6<<2 | SH IS 0x300 | AF 0x400 | page 0x3
    expect(pt.readEntry(3, 0x1000n)?.value).toBe(0x2007dbn);
    expect(pt.readEntry(3, 0x2000n)?.value).toBe(0x2006d7n); // G4 NC value
    expect(pt.readEntry(3, 0x3000n)?.value).toBe(0x2006c7n); // Device 0x1<<2, SH OS
  });
});

describe('Arm LPAE: ARM_HD dirty tracking (§2.8)', () => {
  it('DBM on writable stage-1 leaves (G3), read_and_clear_dirty records and cleans', () => {
    const { pt } = arm('6.19', { stage: 1, ias: 48, oas: 48, quirks: { hd: true } });
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE);
    pt.mapPages(0x2000n, 0x201000n, SZ_4K, 1, IOMMU_READ | IOMMU_CACHE);
    expect(pt.readEntry(3, 0x1000n)?.value).toBe(0x0008000000200f47n);
    expect(pt.readEntry(3, 0x2000n)?.value).toBe(0x201fc7n); // read-only: AP[2], no DBM
    expect(pt.dump().at(-2)!.flags).toContain('DBM');
    // a fresh writable DBM leaf is already "dirty"
    expect(pt.readAndClearDirty(0x1000n, 0x2000n)).toEqual({ dirty: [{ iova: 0x1000n, size: SZ_4K }] });
    expect(pt.readEntry(3, 0x1000n)?.value).toBe(0x0008000000200fc7n); // writable-clean
    expect(pt.readAndClearDirty(0x1000n, 0x2000n)).toEqual({ dirty: [] });
    // the SMMU's HTTU update on a write: AP[2] cleared, the DMA succeeds
    const w = pt.walk(0x1010n, 'write');
    expect(w.ok && w.pa).toBe(0x200010n);
    expect(pt.readEntry(3, 0x1000n)?.value).toBe(0x0008000000200f47n);
    expect(pt.walk(0x2000n, 'write')).toMatchObject({ ok: false, reason: 'no-write' });
    pt.events.length = 0;
    expect(pt.readAndClearDirty(0x1000n, SZ_4K, IOMMU_DIRTY_NO_CLEAR).dirty).toHaveLength(1);
    expect(pt.readEntry(3, 0x1000n)?.value).toBe(0x0008000000200f47n); // NO_CLEAR left it dirty
    // iommu_dirty_bitmap_record adds every recorded range to the gather, NO_CLEAR or not
    expect(pt.events).toEqual([{ kind: 'add-range', iova: 0x1000n, size: SZ_4K }]);
    expect([pt.dirtyTracking, pt.setDirtyTracking(false)]).toEqual([true, undefined]); // always on with ARM_HD
  });
  it('a block records its whole size from the walk address; holes, size 0, S2 and 32-bit are EINVAL', () => {
    const { pt } = arm('6.19', { stage: 1, ias: 48, oas: 48, quirks: { hd: true } });
    pt.mapPages(SZ_2M, 0x40000000n, SZ_2M, 1, RW);
    expect(pt.readAndClearDirty(SZ_2M + SZ_4K, SZ_4K)).toEqual({ dirty: [{ iova: SZ_2M + SZ_4K, size: SZ_2M }] });
    expect(pt.readAndClearDirty(SZ_2M, 2n * SZ_2M).errno).toBe('EINVAL'); // runs into an empty level-2 slot
    expect(pt.readAndClearDirty(SZ_2M, 0n).errno).toBe('EINVAL');
    expect(pt.readAndClearDirty((1n << 48n) - SZ_4K, 2n * SZ_4K).errno).toBe('EINVAL');
    expect(arm('6.19', { stage: 2, ias: 40, oas: 40 }).pt.readAndClearDirty(0n, SZ_4K).errno).toBe('EINVAL');
    const p32 = arm('6.19', { stage: 1, width: 32, ias: 32, oas: 40, quirks: { hd: true } }).pt;
    p32.mapPages(0n, 0x1000n, SZ_4K, 1, RW);
    expect(p32.readEntry(3, 0n)!.value >> 51n).toBe(1n); // DBM written (ARM_32_LPAE_S1 takes the quirk)…
    expect(p32.readAndClearDirty(0n, SZ_4K).errno).toBe('EINVAL'); // …but only ARM_64_LPAE_S1 reports dirt
  });
});

describe('Arm LPAE: registers and geometry', () => {
  it('VTCR SL0 and pgd concatenation under both profile rules', () => {
    // [granule, ias, oas, legacy {start, sl}, mandatory {start, sl}, mandatory pgd pages]
    const rows = [
      ['4K', 40, 40, [1, 1], [1, 1], 2],
      ['4K', 42, 48, [1, 1], [0, 2], 1],
      ['4K', 48, 48, [0, 2], [0, 2], 1],
      ['4K', 36, 40, [1, 1], [1, 1], 1],
      ['16K', 40, 40, [1, 2], [2, 1], 64],
      ['16K', 48, 48, [1, 2], [1, 2], 8],
      ['64K', 48, 48, [1, 2], [1, 2], 1],
      ['64K', 42, 48, [2, 1], [2, 1], 16],
    ] as const;
    for (const [granule, ias, oas, legacy, mandatory, pages] of rows) {
      for (const [rel, [start, sl]] of [['6.12', legacy], ['6.19', mandatory]] as const) {
        const pt = arm(rel, { stage: 2, granule, ias, oas }).pt;
        expect([granule, ias, oas, rel, pt.startLevel, pt.registers]).toMatchObject([granule, ias, oas, rel, start, { vtcr: { sl, tsz: 64 - ias } }]);
        if (rel === '6.19') expect(pt.stats.tablePages).toBe(pages);
      }
    }
  });
  it('TCR IPS / VTCR PS for each output size, TG0 per granule, MAIR', () => {
    for (const [oas, ips] of [[32, 0], [36, 1], [40, 2], [42, 3], [44, 4], [48, 5]] as const) {
      expect(arm('6.19', { stage: 1, ias: 32, oas }).pt.registers).toMatchObject({ tcr: { ips, tg: 0 }, mair: 0xf404ff44n });
      expect(arm('6.19', { stage: 2, ias: 32, oas }).pt.registers).toMatchObject({ vtcr: { ps: ips } });
    }
    expect(arm('6.19', { stage: 1, granule: '16K', ias: 48, oas: 48 }).pt.registers).toMatchObject({ tcr: { tg: 2 } });
    expect(arm('6.19', { stage: 2, granule: '64K', ias: 48, oas: 52 }).pt.registers).toMatchObject({ vtcr: { ps: 6, tg: 1 } });
  });
  it('G5: 64K granule with 52-bit output adds the 4TB block; ias 52 gives a 1024-entry pgd at level 1', () => {
    const { pt } = arm('6.19', { stage: 1, granule: '64K', ias: 52, oas: 52 });
    expect(pt.pgsizeBitmap).toBe(0x10000n | 0x20000000n | (1n << 42n));
    expect([pt.startLevel, pt.stats.tablePages]).toEqual([1, 2]);
    const hi = (1n << 52n) - 0x10000n;
    expect(pt.mapPages(hi, 0x000f000000010000n, 0x10000n, 1, RW | IOMMU_CACHE)).toEqual({ mapped: 0x10000n });
    expect(pt.readEntry(3, hi)?.value).toBe(0x1ff47n);
    expect(pt.readEntry(1, hi)!.pa - pt.rootPa).toBe(1023n * 8n);
    expect(pt.iovaToPhys(hi + 0x42n)).toBe(0x000f000000010042n);
    expect(pt.mapPages(0n, 0n, 1n << 42n, 1, RW)).toEqual({ mapped: 1n << 42n }); // a level-1 block
    expect(pt.readEntry(1, 0n)!.value & 3n).toBe(1n);
  });
  it('ARM_32_LPAE_S1/S2: 4K granule only, ias/oas limits, same encodings as 64-bit', () => {
    const s1 = arm('6.19', { stage: 1, width: 32, ias: 32, oas: 40 }).pt;
    expect([s1.format, s1.startLevel, s1.levels, s1.pgsizeBitmap]).toEqual(['arm-32-lpae-s1', 1, 3, 0x40201000n]);
    s1.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE);
    expect(s1.readEntry(3, 0x1000n)?.value).toBe(0x200f47n);
    const s2 = arm('6.19', { stage: 2, width: 32, ias: 40, oas: 40 }).pt;
    expect([s2.format, s2.startLevel]).toEqual(['arm-32-lpae-s2', 1]);
    const e = env('6.19');
    expect(() => createArmLpae({ ...e, stage: 1, width: 32, ias: 33, oas: 40 })).toThrow(/ias ≤ 32/);
    expect(() => createArmLpae({ ...e, stage: 2, width: 32, ias: 40, oas: 42 })).toThrow(/oas ≤ 40/);
    expect(() => createArmLpae({ ...e, stage: 1, width: 32, granule: '16K', ias: 32, oas: 32 })).toThrow(/4K granule/);
  });
});

describe('ARM_MALI_LPAE (§2.2–2.4)', () => {
  const mali = (rel: Release, ias: number, coherentWalk = true) => {
    const e = env(rel);
    return { ...e, pt: createMaliLpae({ ...e, ias, oas: 40, coherentWalk }) };
  };
  it('always 4 levels; TRANSTAB and MEMATTR registers', () => {
    const { pt } = mali('6.19', 32);
    expect([pt.format, pt.startLevel, pt.levels]).toEqual(['arm-mali-lpae', 0, 4]);
    expect(pt.registers).toEqual({ transtab: pt.rootPa | 0x17n, memattr: 0x888d88n });
    const nc = mali('6.19', 32, false).pt;
    expect((nc.registers as { transtab: bigint }).transtab - nc.rootPa).toBe(0x7n);
  });
  it('leaves: block type at every level, HAP-style R/W bits, AttrIndx, SH outer, no AF', () => {
    const { pt } = mali('6.19', 48);
    pt.mapPages(0x1000n, 0x200000n, SZ_4K, 1, RW | IOMMU_CACHE);
    pt.mapPages(0x2000n, 0x200000n, SZ_4K, 1, IOMMU_READ | IOMMU_NOEXEC);
    pt.mapPages(0x3000n, 0x200000n, SZ_4K, 1, IOMMU_WRITE | IOMMU_MMIO);
    pt.mapPages(SZ_2M, 0x40000000n, SZ_2M, 1, RW);
    expect(pt.readEntry(3, 0x1000n)?.value).toBe(0x2002c5n); // 1 | 0x4 | 0xc0 | 0x200
    expect(pt.readEntry(3, 0x2000n)?.value).toBe(0x0060000000200241n);
    expect(pt.readEntry(3, 0x3000n)?.value).toBe(0x200289n);
    expect(pt.readEntry(2, SZ_2M)?.value).toBe(0x400002c1n);
    expect(pt.readEntry(2, 0x1000n)!.value & 3n).toBe(3n); // table
    expect(pt.iovaToPhys(0x1234n)).toBe(0x200234n);
    expect(pt.iovaToPhys(SZ_2M + 0x1234n)).toBe(0x40001234n);
    expect(pt.walk(0x2000n, 'write')).toMatchObject({ ok: false, reason: 'no-write', level: 3 });
    expect(pt.walk(0x3000n, 'read')).toMatchObject({ ok: false, reason: 'no-read', level: 3 });
    expect(pt.walk(0x1000n, 'write').ok).toBe(true);
    expect(pt.unmapPages(0x1000n, SZ_4K, 3)).toBe(3n * SZ_4K);
    expect(pt.unmapPages(SZ_2M, SZ_2M, 1)).toBe(SZ_2M);
    expect(pt.stats.leaves).toBe(0);
  });
  it('limits: ias ≤ 48, oas ≤ 40', () => {
    const e = env('6.19');
    expect(() => createMaliLpae({ ...e, ias: 49, oas: 40 })).toThrow(PgtableError);
    expect(() => createMaliLpae({ ...e, ias: 48, oas: 42 })).toThrow(/oas ≤ 40/);
  });
});
