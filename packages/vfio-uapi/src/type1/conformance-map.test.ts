/** Fact sheet vfio.md §7 conformance checks on MAP_DMA / UNMAP_DMA (cases 11-21, 30). */
import { describe, expect, it } from 'vitest';
import { expectErrno, K, kit, M, ok, READ, ready, RW, VADDR, WRITE } from './kit.test-support.js';

describe('§7.11 MAP argument validation', () => {
  const k = kit();
  const { c } = ready(k);
  const vaddr = k.backend.mmap(2n * M);
  const base = { flags: RW, vaddr, iova: 0x100000n, size: 0x1000n };
  it.each([
    ['size = 0', { ...base, size: 0n }],
    ['iova = 0x1800', { ...base, iova: 0x1800n }],
    ['vaddr not page-aligned', { ...base, vaddr: vaddr + 0x10n }],
    ['flags = 0', { ...base, flags: 0 }],
    ['flags = READ|VADDR', { ...base, flags: READ | VADDR }],
    ['flags = 0x8', { ...base, flags: 0x8 }],
    ['argsz = 16', { ...base, argsz: 16 }],
  ])('%s is EINVAL', (_, req) => {
    expectErrno(c.mapDma(req), 'EINVAL');
  });
  it('the valid request maps', () => {
    ok(c.mapDma(base));
  });
});

describe('§7.12 overlap', () => {
  it('2 MiB at 0x100000; 4 KiB at 0x2ff000 EEXIST; adjacent 0x300000 ok', () => {
    const k = kit();
    const { c } = ready(k);
    const v = k.backend.mmap(4n * M);
    ok(c.mapDma({ flags: RW, vaddr: v, iova: 0x100000n, size: 2n * M }));
    expectErrno(c.mapDma({ flags: RW, vaddr: v, iova: 0x2ff000n, size: 4n * K }), 'EEXIST');
    ok(c.mapDma({ flags: RW, vaddr: v, iova: 0x300000n, size: 4n * K }));
  });

  it('§10 ordering: misaligned and overlapping is EINVAL; overlapping with dma_avail 0 is EEXIST', () => {
    const k = kit('6.19', { dmaEntryLimit: 1 });
    const { c } = ready(k);
    const v = k.backend.mmap(M);
    ok(c.mapDma({ flags: RW, vaddr: v, iova: 0x100000n, size: 0x10000n }));
    expectErrno(c.mapDma({ flags: RW, vaddr: v, iova: 0x100800n, size: 0x1000n }), 'EINVAL');
    expectErrno(c.mapDma({ flags: RW, vaddr: v, iova: 0x101000n, size: 0x1000n }), 'EEXIST');
    expectErrno(c.mapDma({ flags: RW, vaddr: v, iova: 0x200000n, size: 0x1000n }), 'ENOSPC');
  });
});

describe('§7.13 reserved window and aperture', () => {
  it('the MSI window and 1 << 48 are EINVAL', () => {
    const k = kit();
    const { c } = ready(k);
    const v = k.backend.mmap(4n * K);
    expectErrno(c.mapDma({ flags: RW, vaddr: v, iova: 0xfee00000n, size: 4n * K }), 'EINVAL');
    expectErrno(c.mapDma({ flags: RW, vaddr: v, iova: 1n << 48n, size: 4n * K }), 'EINVAL');
    ok(c.mapDma({ flags: RW, vaddr: v, iova: 0xfef00000n, size: 4n * K }));
  });
});

describe('§7.14 entry limit', () => {
  it('limit 3: the 4th map ENOSPC, DMA_AVAIL 0; after one unmap 1', () => {
    const k = kit('6.19', { dmaEntryLimit: 3 });
    const { c } = ready(k);
    const v = k.backend.mmap(16n * K);
    for (let i = 0n; i < 3n; i++)
      ok(c.mapDma({ flags: RW, vaddr: v, iova: 0x10000n * (i + 1n), size: 4n * K }));
    expectErrno(c.mapDma({ flags: RW, vaddr: v, iova: 0x40000n, size: 4n * K }), 'ENOSPC');
    const avail = () => ok(c.getInfo(256)).caps.find((x) => x.id === 3)?.fields.avail;
    expect(avail()).toBe(0);
    expect(ok(c.unmapDma({ iova: 0x10000n, size: 4n * K }))).toBe(4n * K);
    expect(avail()).toBe(1);
  });
});

describe('§7.15 RLIMIT_MEMLOCK', () => {
  it('64 KiB limit: MAP of 1 MiB is ENOMEM, logs the limit, leaves nothing behind', () => {
    const k = kit('6.19', {}, { memlockLimit: 64n * K });
    const { c } = ready(k);
    const v = k.backend.mmap(M);
    expectErrno(c.mapDma({ flags: RW, vaddr: v, iova: 0x100000n, size: M }), 'ENOMEM');
    expect(k.vfio.log).toContain('vfio_pin_pages_remote: RLIMIT_MEMLOCK (65536) exceeded');
    expect(c.mappings()).toEqual([]);
    expect(c.dmaAvail).toBe(65535);
    expect(k.vfio.lockedBytes).toBe(0n);
    expect(k.backend.pinnedPages()).toBe(0);
  });

  it('the same call with CAP_IPC_LOCK maps (and still counts locked_vm)', () => {
    const k = kit('6.19', { capIpcLock: true }, { memlockLimit: 64n * K });
    const { c } = ready(k);
    ok(c.mapDma({ flags: RW, vaddr: k.backend.mmap(M), iova: 0x100000n, size: M }));
    expect(k.vfio.lockedBytes).toBe(M);
  });
});

describe('§7.16 bad vaddr', () => {
  it("a munmap'd range and WRITE over PROT_READ memory are EFAULT", () => {
    const k = kit();
    const { c } = ready(k);
    const gone = k.backend.mmap(64n * K);
    k.backend.munmap(gone);
    expectErrno(c.mapDma({ flags: RW, vaddr: gone, iova: 0x100000n, size: 64n * K }), 'EFAULT');
    const ro = k.backend.mmap(64n * K, { readOnly: true });
    expectErrno(c.mapDma({ flags: RW, vaddr: ro, iova: 0x100000n, size: 64n * K }), 'EFAULT');
    ok(c.mapDma({ flags: READ, vaddr: ro, iova: 0x100000n, size: 64n * K }));
    expect(c.dmaAvail).toBe(65534);
  });
});

describe('§7.17-18 type1v2 unmap', () => {
  const setup = () => {
    const k = kit();
    const { c } = ready(k, 3);
    ok(c.mapDma({ flags: RW, vaddr: k.backend.mmap(0x20000n), iova: 0x10000n, size: 0x20000n }));
    return c;
  };

  it('bisecting requests are EINVAL; a superset unmaps 0x20000', () => {
    const c = setup();
    expectErrno(c.unmapDma({ iova: 0x10000n, size: 0x10000n }), 'EINVAL');
    expectErrno(c.unmapDma({ iova: 0x20000n, size: 0x10000n }), 'EINVAL');
    expect(ok(c.unmapDma({ iova: 0n, size: 0x100000n }))).toBe(0x20000n);
  });

  it('the exact range unmaps 0x20000', () => {
    expect(ok(setup().unmapDma({ iova: 0x10000n, size: 0x20000n }))).toBe(0x20000n);
  });

  it('nothing mapped: 0 and size 0', () => {
    expect(ok(setup().unmapDma({ iova: 0x40000n, size: 0x1000n }))).toBe(0n);
  });
});

describe('§7.19 type1 (v1) unmap semantics', () => {
  const setup = () => {
    const k = kit();
    const { c } = ready(k, 1);
    expect(c.iommuType).toBe('type1');
    ok(c.mapDma({ flags: RW, vaddr: k.backend.mmap(0x20000n), iova: 0x10000n, size: 0x20000n }));
    return c;
  };

  it('starting inside a mapping: 0, size 0', () => {
    const c = setup();
    expect(ok(c.unmapDma({ iova: 0x20000n, size: 0x10000n }))).toBe(0n);
    expect(c.mappings()).toHaveLength(1);
  });

  it('covering its first page: the whole mapping, size 0x20000', () => {
    expect(ok(setup().unmapDma({ iova: 0x10000n, size: 0x1000n }))).toBe(0x20000n);
  });

  it('§3.3: cutting off the tail removes the whole mapping', () => {
    expect(ok(setup().unmapDma({ iova: 0x10000n, size: 0x10000n }))).toBe(0x20000n);
  });
});

describe('§7.20 UNMAP_ALL', () => {
  it('ALL(0, 0) returns the total; ALL with iova 0x1000 and ALL|GET_DIRTY_BITMAP are EINVAL', () => {
    const k = kit();
    const { c } = ready(k);
    const v = k.backend.mmap(M);
    ok(c.mapDma({ flags: RW, vaddr: v, iova: 0x100000n, size: 0x10000n }));
    ok(c.mapDma({ flags: RW, vaddr: v, iova: 0x200000n, size: 0x30000n }));
    expectErrno(c.unmapDma({ flags: 2, iova: 0x1000n, size: 0n }), 'EINVAL');
    expectErrno(c.unmapDma({ flags: 2 | 1, iova: 0n, size: 0n }), 'EINVAL');
    expect(ok(c.unmapDma({ flags: 2, iova: 0n, size: 0n }))).toBe(0x40000n);
    expect(c.mappings()).toEqual([]);
  });
});

describe('§7.21 UPDATE_VADDR', () => {
  it('invalidated vaddr blocks a new group; VADDR remap needs the exact range; then attach works', () => {
    const k = kit();
    const { c } = ready(k);
    expect(ok(c.checkExtension(10))).toBe(1);
    const v = k.backend.mmap(0x20000n);
    ok(c.mapDma({ flags: RW, vaddr: v, iova: 0x10000n, size: 0x20000n }));
    expect(ok(c.unmapDma({ flags: VADDR, iova: 0x10000n, size: 0x20000n }))).toBe(0x20000n);
    expect(c.mappings()[0]?.vaddrValid).toBe(false);
    const g27 = ok(k.vfio.openGroup(27));
    expectErrno(g27.setContainer(c), 'EBUSY');
    expect(k.backend.isClaimed(27)).toBe(false);
    const v2 = k.backend.mmap(0x20000n);
    expectErrno(c.mapDma({ flags: VADDR, vaddr: v2, iova: 0x10000n, size: 0x10000n }), 'EINVAL');
    expectErrno(c.mapDma({ flags: VADDR, vaddr: v2, iova: 0x80000n, size: 0x20000n }), 'ENOENT');
    ok(c.mapDma({ flags: VADDR, vaddr: v2, iova: 0x10000n, size: 0x20000n }));
    expect(c.mappings()[0]?.vaddr).toBe(v2);
    ok(g27.setContainer(c));
  });
});

describe('§7.30 top of the address space', () => {
  const full = { aperture: { start: 0n, end: (1n << 64n) - 1n } };
  const top = (1n << 64n) - 4096n;

  it('6.19: MAP(2^64 - 4 KiB, 8 KiB) and its UNMAP are EOVERFLOW; a map ending at 2^64 - 1 works', () => {
    const k = kit('6.19', {}, full);
    const { c } = ready(k);
    const v = k.backend.mmap(8n * K);
    expectErrno(c.mapDma({ flags: RW, vaddr: v, iova: top, size: 8n * K }), 'EOVERFLOW');
    expectErrno(c.unmapDma({ iova: top, size: 8n * K }), 'EOVERFLOW');
    ok(c.mapDma({ flags: RW, vaddr: v, iova: top - 4096n, size: 8n * K }));
    expect(ok(c.unmapDma({ iova: top - 4096n, size: 8n * K }))).toBe(8n * K);
  });

  it('6.12: wrap-around is EINVAL (§3.2 step 5, §3.3 step 7)', () => {
    const k = kit('6.12', {}, full);
    const { c } = ready(k);
    const v = k.backend.mmap(8n * K);
    expectErrno(c.mapDma({ flags: RW, vaddr: v, iova: top, size: 8n * K }), 'EINVAL');
    expectErrno(c.unmapDma({ iova: top, size: 8n * K }), 'EINVAL');
  });

  it('6.19 checks overflow before flags; 6.12 flags first (§3.2 steps 3-5)', () => {
    for (const [kernel, e] of [
      ['6.19', 'EOVERFLOW'],
      ['6.12', 'EINVAL'],
    ] as const) {
      const k = kit(kernel, {}, full);
      const { c } = ready(k);
      expectErrno(c.mapDma({ flags: 0, vaddr: 0n, iova: top, size: 8n * K }), e);
    }
  });
});

describe('§4 accounting', () => {
  it('each container counts separately: the same RAM in two containers is counted twice', () => {
    const k = kit();
    const a = ready(k, 3, 26).c;
    const b = ready(k, 3, 27).c;
    const v = k.backend.mmap(64n * K);
    ok(a.mapDma({ flags: RW, vaddr: v, iova: 0x100000n, size: 64n * K }));
    ok(b.mapDma({ flags: RW, vaddr: v, iova: 0x100000n, size: 64n * K }));
    expect(k.vfio.lockedBytes).toBe(128n * K);
    ok(a.unmapDma({ iova: 0x100000n, size: 64n * K }));
    expect(k.vfio.lockedBytes).toBe(64n * K);
  });

  it('pinning and mapping use the pinned pages with IOMMU_READ|WRITE|CACHE', () => {
    const k = kit();
    const { c } = ready(k);
    const v = k.backend.mmap(2n * M);
    ok(c.mapDma({ flags: WRITE, vaddr: v, iova: 0x200000n, size: 2n * M }));
    const [dom] = c.domains();
    const maps = k.backend.domainMappings(dom!.id);
    expect(maps).toHaveLength(1);
    expect(maps[0]).toMatchObject({ iova: 0x200000n, size: 2n * M, prot: 2 | 4 });
  });
});
