/** Fact sheet vfio.md §2.2, §3.1, §3.5, §3.8 rules beyond the numbered §7 checks. */
import { describe, expect, it } from 'vitest';
import { expectErrno, G26, K, kit, M, ok, ready, RW } from './kit.test-support.js';
import { aperResize, resvRefine } from './iova-list.js';
import { Vfio } from './vfio.js';

describe('§3.8 CHECK_EXTENSION answers', () => {
  it('unset container: TYPE1, TYPE1v2, UNMAP_ALL 1; UPDATE_VADDR, DMA_CC 0', () => {
    const c = kit().vfio.openContainer();
    expect([1, 3, 9, 10, 4].map((e) => ok(c.checkExtension(e)))).toEqual([1, 1, 1, 0, 0]);
  });

  it('TYPE1_NESTING: 1 up to 6.12, 0 from 6.13 on', () => {
    expect(ok(kit('6.12').vfio.openContainer().checkExtension(6))).toBe(1);
    expect(ok(kit('6.19').vfio.openContainer().checkExtension(6))).toBe(0);
  });

  it('set container: UPDATE_VADDR 1; DMA_CC 1 iff every domain enforces coherency', () => {
    expect(ok(ready(kit()).c.checkExtension(10))).toBe(1);
    expect(ok(ready(kit()).c.checkExtension(4))).toBe(1);
    expect(ok(ready(kit('6.19', {}, { coherent: false })).c.checkExtension(4))).toBe(0);
  });

  it('NOIOMMU is 1 only with enable_unsafe_noiommu_mode; no type1 module means all 0', () => {
    expect(ok(kit().vfio.openContainer().checkExtension(8))).toBe(0);
    expect(
      ok(kit('6.19', { enableUnsafeNoiommuMode: true }).vfio.openContainer().checkExtension(8)),
    ).toBe(1);
    const c = kit('6.19', { type1Loaded: false }).vfio.openContainer();
    expect([1, 3, 9].map((e) => ok(c.checkExtension(e)))).toEqual([0, 0, 0]);
  });

  it('type1 not loaded: SET_IOMMU is ENODEV', () => {
    const k = kit('6.19', { type1Loaded: false });
    const c = k.vfio.openContainer();
    ok(ok(k.vfio.openGroup(26)).setContainer(c));
    expectErrno(c.setIommu(3), 'ENODEV');
  });
});

describe('§3.5 group attach', () => {
  it('a failed domain allocation is EIO and leaves the container grouped', () => {
    const k = kit('6.19', {}, { domainAllocError: 'EIO' });
    const c = k.vfio.openContainer();
    ok(ok(k.vfio.openGroup(26)).setContainer(c));
    expectErrno(c.setIommu(3), 'EIO');
    expect(c.state).toBe('grouped');
  });

  it('typical VT-d ranges: [0, 0xfedfffff] and [0xfef00000, 0xffffffffffff]', () => {
    expect(ready(kit()).c.iovaRanges()).toEqual([
      { start: 0n, end: 0xfedfffffn },
      { start: 0xfef00000n, end: 0xffffffffffffn },
    ]);
  });

  it('a direct-relaxable RMRR stays usable; a direct one is cut out', () => {
    const rmrr = { start: 0x7c000000n, end: 0x7c7fffffn };
    const relaxed = resvRefine(
      [{ start: 0n, end: 0xffffffffn }],
      [{ ...rmrr, type: 'direct-relaxable' }],
    );
    expect(relaxed).toEqual([{ start: 0n, end: 0xffffffffn }]);
    expect(resvRefine([{ start: 0n, end: 0xffffffffn }], [{ ...rmrr, type: 'direct' }])).toEqual([
      { start: 0n, end: 0x7bffffffn },
      { start: 0x7c800000n, end: 0xffffffffn },
    ]);
  });

  it('a reserved region over an existing mapping is EINVAL when the group joins', () => {
    const resv = [{ start: 0x100000n, end: 0x1fffffn, type: 'reserved' }];
    const k = kit('6.19', {}, { groups: [G26, { id: 27, reserved: resv }] });
    const { c } = ready(k);
    ok(c.mapDma({ flags: RW, vaddr: k.backend.mmap(64n * K), iova: 0x100000n, size: 64n * K }));
    const g27 = ok(k.vfio.openGroup(27));
    expectErrno(g27.setContainer(c), 'EINVAL');
    expect(k.backend.isClaimed(27)).toBe(false);
  });

  it('groups added after SET_IOMMU share the domain and keep existing mappings', () => {
    const k = kit();
    const { c } = ready(k);
    ok(c.mapDma({ flags: RW, vaddr: k.backend.mmap(2n * M), iova: 0x200000n, size: 2n * M }));
    ok(ok(k.vfio.openGroup(27)).setContainer(c));
    expect(c.domains()).toEqual([{ id: 1, groups: [26, 27] }]);
    expect(k.backend.domainMappings(1)).toHaveLength(1);
  });

  it('on detach the range list is widened back', () => {
    const resv = [{ start: 0x100000n, end: 0x1fffffn, type: 'reserved' }];
    const k = kit('6.19', {}, { groups: [G26, { id: 27, reserved: resv }] });
    const { c } = ready(k);
    const g27 = ok(k.vfio.openGroup(27));
    ok(g27.setContainer(c));
    expect(c.iovaRanges()[0]).toEqual({ start: 0n, end: 0xfffffn });
    ok(g27.unsetContainer());
    expect(c.iovaRanges()).toEqual([
      { start: 0n, end: 0xfedfffffn },
      { start: 0xfef00000n, end: 0xffffffffffffn },
    ]);
  });

  it('aperResize drops a node whose end equals the new start (kernel comparison)', () => {
    expect(
      aperResize(
        [
          { start: 0n, end: 0x1000n },
          { start: 0x2000n, end: 0x3000n },
        ],
        0x1000n,
        0x3000n,
      ),
    ).toEqual([{ start: 0x2000n, end: 0x3000n }]);
  });
});

describe('§2.2 container lifecycle', () => {
  it('closing the container fd keeps mappings while a group holds it', () => {
    const k = kit();
    const { c, g } = ready(k);
    ok(c.mapDma({ flags: RW, vaddr: k.backend.mmap(64n * K), iova: 0x100000n, size: 64n * K }));
    c.close();
    expectErrno(c.getApiVersion(), 'EBADF');
    expect(k.backend.pinnedPages()).toBe(16);
    g.close();
    expect(k.backend.pinnedPages()).toBe(0);
    expect(k.vfio.lockedBytes).toBe(0n);
  });

  it('after the last group leaves, the container can be set again', () => {
    const k = kit();
    const { c, g } = ready(k, 1);
    ok(g.unsetContainer());
    expect(c.state).toBe('empty');
    ok(g.setContainer(c));
    ok(c.setIommu(3));
    expect(c.iommuType).toBe('type1v2');
  });

  it('SET_IOMMU(UNMAP_ALL) passes CHECK_EXTENSION but type1 open rejects it: EINVAL', () => {
    const k = kit();
    const c = k.vfio.openContainer();
    ok(ok(k.vfio.openGroup(26)).setContainer(c));
    expectErrno(c.setIommu(9), 'EINVAL');
  });

  it('the group node is busy until device fds held after close() are gone', () => {
    const k = kit();
    const { g } = ready(k);
    const d = ok(g.getDeviceFd('0000:06:0d.0'));
    g.close();
    expectErrno(k.vfio.openGroup(26), 'EBUSY');
    d.close();
    expect(ok(k.vfio.openGroup(26)).groupId).toBe(26);
  });

  it('one opener system-wide: a second process on the same machine gets EBUSY', () => {
    const k = kit();
    ok(k.vfio.openGroup(26));
    const other = new Vfio(k.backend);
    expectErrno(other.openGroup(26), 'EBUSY');
    expect(ok(other.openGroup(27)).groupId).toBe(27);
  });

  it('a group whose node is absent cannot be opened: ENOENT', () => {
    expectErrno(kit().vfio.openGroup(99), 'ENOENT');
  });
});
