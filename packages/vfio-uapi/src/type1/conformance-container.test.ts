/**
 * Fact sheet vfio.md §7 conformance checks on containers and groups (cases 1-10,
 * 23), on the §7 machine: x86-64, VT-d AW 48, group 26 = {0000:06:0d.0} on vfio-pci.
 */
import { describe, expect, it } from 'vitest';
import { expectErrno, G26, kit, ok, ready } from './kit.test-support.js';

describe('§7.1 fresh container basics', () => {
  it('GET_API_VERSION 0, CHECK_EXTENSION(TYPE1v2) 1, (UPDATE_VADDR) 0, (42) 0', () => {
    const c = kit().vfio.openContainer();
    expect(ok(c.getApiVersion())).toBe(0);
    expect(ok(c.checkExtension(3))).toBe(1);
    expect(ok(c.checkExtension(10))).toBe(0);
    expect(ok(c.checkExtension(42))).toBe(0);
  });
});

describe('§7.2 SET_IOMMU on an empty container', () => {
  it('is EINVAL', () => {
    expectErrno(kit().vfio.openContainer().setIommu(3), 'EINVAL');
  });
});

describe('§7.3 MAP before the IOMMU is set', () => {
  it('MAP_DMA and IOMMU_GET_INFO are EINVAL with a group attached', () => {
    const k = kit();
    const c = k.vfio.openContainer();
    ok(ok(k.vfio.openGroup(26)).setContainer(c));
    expect(c.state).toBe('grouped');
    expectErrno(
      c.mapDma({ flags: 3, vaddr: k.backend.mmap(0x1000n), iova: 0n, size: 0x1000n }),
      'EINVAL',
    );
    expectErrno(c.getInfo(), 'EINVAL');
  });
});

describe('§7.4 group open, status, set container', () => {
  it('second open EBUSY; status 1, SET_CONTAINER 0, status 3, SET_CONTAINER again EINVAL', () => {
    const k = kit();
    const c = k.vfio.openContainer();
    const g = ok(k.vfio.openGroup(26));
    expectErrno(k.vfio.openGroup(26), 'EBUSY');
    expect(ok(g.getStatus(8)).flags).toBe(1);
    ok(g.setContainer(c));
    expect(ok(g.getStatus(8)).flags).toBe(3);
    expectErrno(g.setContainer(c), 'EINVAL');
  });
});

describe('§7.5 non-viable group', () => {
  it('a sibling on a kernel driver: status 0, SET_CONTAINER EBUSY', () => {
    const k = kit('6.19', {}, { groups: [{ ...G26, viable: false }] });
    const g = ok(k.vfio.openGroup(26));
    expect(ok(g.getStatus()).flags).toBe(0);
    expectErrno(g.setContainer(k.vfio.openContainer()), 'EBUSY');
  });
});

describe('§7.6 SET_CONTAINER fd checks', () => {
  it('/dev/null fd EBADFD, -1 EBADF, GET_STATUS(argsz 4) EINVAL', () => {
    const k = kit();
    const g = ok(k.vfio.openGroup(26));
    expectErrno(g.setContainer(k.vfio.openOtherFile()), 'EBADFD');
    expectErrno(g.setContainer(-1), 'EBADF');
    expectErrno(g.getStatus(4), 'EINVAL');
  });

  it('a container given by fd number works; a closed one is EBADF', () => {
    const k = kit();
    const g = ok(k.vfio.openGroup(26));
    const closed = k.vfio.openContainer();
    closed.close();
    expectErrno(g.setContainer(closed), 'EBADF');
    const c = k.vfio.openContainer();
    ok(g.setContainer(c.fd));
    expect(c.groups).toEqual([26]);
  });
});

describe('§7.7 GET_DEVICE_FD gating', () => {
  it('EINVAL before SET_CONTAINER and before SET_IOMMU; unknown name ENODEV in every state', () => {
    const k = kit();
    const c = k.vfio.openContainer();
    const g = ok(k.vfio.openGroup(26));
    expectErrno(g.getDeviceFd('0000:06:0d.0'), 'EINVAL');
    expectErrno(g.getDeviceFd('0000:06:0d.7'), 'ENODEV');
    ok(g.setContainer(c));
    expectErrno(g.getDeviceFd('0000:06:0d.0'), 'EINVAL');
    expectErrno(g.getDeviceFd('0000:06:0d.7'), 'ENODEV');
    ok(c.setIommu(3));
    expectErrno(g.getDeviceFd('0000:06:0d.7'), 'ENODEV');
    expect(ok(g.getDeviceFd('0000:06:0d.0')).isOpen).toBe(true);
  });
});

describe('§7.8 SET_IOMMU twice / wrong type', () => {
  it('TYPE1v2 then TYPE1: EINVAL', () => {
    const { c } = ready(kit(), 3);
    expectErrno(c.setIommu(1), 'EINVAL');
  });

  it('SPAPR_TCE on x86: ENODEV', () => {
    const k = kit();
    const c = k.vfio.openContainer();
    ok(ok(k.vfio.openGroup(26)).setContainer(c));
    expectErrno(c.setIommu(2), 'ENODEV');
    expect(c.state).toBe('grouped');
  });
});

describe('§7.9 UNSET_CONTAINER with a device open', () => {
  it('EBUSY with D open; after close(D) 0 and the container is unset with no mappings left', () => {
    const k = kit();
    const { c, g } = ready(k);
    const vaddr = k.backend.mmap(0x10000n);
    ok(c.mapDma({ flags: 3, vaddr, iova: 0x100000n, size: 0x10000n }));
    expect(k.backend.pinnedPages()).toBe(16);
    const d = ok(g.getDeviceFd('0000:06:0d.0'));
    expectErrno(g.unsetContainer(), 'EBUSY');
    d.close();
    ok(g.unsetContainer());
    expect(c.state).toBe('empty');
    expectErrno(c.mapDma({ flags: 3, vaddr, iova: 0x100000n, size: 0x1000n }), 'EINVAL');
    expect(c.mappings()).toEqual([]);
    expect(k.backend.pinnedPages()).toBe(0);
    expect(k.backend.isClaimed(26)).toBe(false);
  });
});

describe('§7.10 GET_INFO layout after SET_IOMMU(TYPE1v2)', () => {
  // §3.6: caps MIGRATION, DMA_AVAIL, IOVA_RANGE in that order; before v6.6 unpadded
  // (IOVA_RANGE at 68, 116 bytes). Commit a881b496941f "vfio: align capability
  // structures" (v6.6) pads each cap to 8 bytes: DMA_AVAIL's 12 bytes take 16, so
  // IOVA_RANGE moves to 72 and the total to 120.
  const cases = [
    { kernel: '6.1', iovaCap: 68, total: 116 },
    { kernel: '6.12', iovaCap: 72, total: 120 },
    { kernel: '6.19', iovaCap: 72, total: 120 },
  ] as const;

  it.each(cases)(
    '$kernel: argsz 24 returns flags 3, pgsizes 0x40201000, cap_offset 0, argsz $total',
    (t) => {
      const { c } = ready(kit(t.kernel));
      const info = ok(c.getInfo(24));
      expect(info.flags).toBe(3);
      expect(info.iovaPgsizes).toBe(0x40201000n);
      expect(info.capOffset).toBe(0);
      expect(info.argsz).toBe(t.total);
      const v = new DataView(info.bytes.buffer);
      expect(v.getUint32(0, true)).toBe(t.total);
      expect(v.getBigUint64(8, true)).toBe(0x40201000n);
    },
  );

  it.each(cases)('$kernel: the chain MIGRATION@24 -> DMA_AVAIL@56 -> IOVA_RANGE@$iovaCap', (t) => {
    const { c } = ready(kit(t.kernel));
    const info = ok(c.getInfo(t.total));
    const v = new DataView(info.bytes.buffer);
    expect(v.getUint32(16, true)).toBe(24); // cap_offset
    // migration cap: id 2 version 1 next 56; pgsize_bitmap smallest page; 256 MiB bitmap max
    expect([v.getUint16(24, true), v.getUint16(26, true), v.getUint32(28, true)]).toEqual([
      2, 1, 56,
    ]);
    expect(v.getBigUint64(24 + 16, true)).toBe(0x1000n);
    expect(v.getBigUint64(24 + 24, true)).toBe(0x10000000n);
    // dma avail cap: id 3, avail 65535
    expect([v.getUint16(56, true), v.getUint32(60, true), v.getUint32(64, true)]).toEqual([
      3,
      t.iovaCap,
      65535,
    ]);
    // iova range cap: id 1, next 0, two ranges around the MSI window, inclusive ends
    const at = t.iovaCap;
    expect([v.getUint16(at, true), v.getUint32(at + 4, true), v.getUint32(at + 8, true)]).toEqual([
      1, 0, 2,
    ]);
    expect([
      v.getBigUint64(at + 16, true),
      v.getBigUint64(at + 24, true),
      v.getBigUint64(at + 32, true),
      v.getBigUint64(at + 40, true),
    ]).toEqual([0n, 0xfedfffffn, 0xfef00000n, 0xffffffffffffn]);
    expect(info.caps.map((x) => [x.id, x.offset])).toEqual([
      [2, 24],
      [3, 56],
      [1, t.iovaCap],
    ]);
  });
});

describe('§7.23 interrupt remapping', () => {
  const noIr = { groups: [{ ...G26, msiIsolated: false }] };

  it('without remapping and allow_unsafe_interrupts=0: SET_IOMMU EPERM with the warning', () => {
    const k = kit('6.19', {}, noIr);
    const c = k.vfio.openContainer();
    ok(ok(k.vfio.openGroup(26)).setContainer(c));
    expectErrno(c.setIommu(3), 'EPERM');
    expect(k.vfio.log.at(-1)).toContain('No interrupt remapping support.');
    expect(k.vfio.log.at(-1)).toContain('allow_unsafe_interrupts');
  });

  it('with allow_unsafe_interrupts=1: 0', () => {
    const k = kit('6.19', { allowUnsafeInterrupts: true }, noIr);
    expect(ready(k).c.state).toBe('set');
  });
});
