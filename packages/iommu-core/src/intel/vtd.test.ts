import { IOMMU_READ, IOMMU_WRITE, pgtableProfiles } from '@dmasim/io-pgtable';
import { buildTopology } from '@dmasim/pci-topology';
import { PageAllocator, PhysMem } from '@dmasim/physmem';
import { describe, expect, it } from 'vitest';
import { parseCmdline } from '../cmdline.js';
import { IommuCore } from '../core.js';
import { computeDefaultDomainPolicy } from '../default-domain.js';
import { KernelLog } from '../log.js';
import { iommuProfiles } from '../profile.js';
import { parseIntelOptions } from './options.js';
import { IntelVtd, type VtdPlatform } from './vtd.js';

const platform: VtdPlatform = {
  addressWidth: 39,
  superpages: { '2M': true, '1G': false },
  passThrough: true,
  cachingMode: false,
  faultRecords: 2,
  gfxDedicatedDrhd: true,
};

function boot(cmdline: string, release: '6.12' | '6.19' = '6.12') {
  const mem = new PhysMem({ size: 1n << 30n });
  const pages = new PageAllocator(mem);
  const log = new KernelLog();
  const kc = { defaultOn: false, defaultOnIntgpuOff: true, scalableModeDefaultOn: true };
  const opts = parseIntelOptions(parseCmdline(cmdline), kc);
  const vtd = new IntelVtd(platform, opts, iommuProfiles[release], pgtableProfiles[release], mem, pages, log, () => 0);
  const { topology, errors } = buildTopology([
    { kind: 'device', bdf: '00:02.0', attrs: { class: 'display', id: '8086:9a49' }, children: [] },
    {
      kind: 'root-port',
      bdf: '00:1c.0',
      attrs: { acs: 'full' },
      children: [{ kind: 'device', bdf: '01:00.0', attrs: { class: 'nic', id: '10ec:8168' }, children: [] }],
    },
  ]);
  expect(errors).toEqual([]);
  const policy = computeDefaultDomainPolicy({
    kconfig: 'strict',
    cmdline: parseCmdline(cmdline),
    memEncrypt: false,
    profile: iommuProfiles[release],
    driverStrict: false,
    driverForceDac: false,
  });
  const core = new IommuCore({ topology, driver: vtd, policy, log, iommuDma: true });
  core.probe();
  return { vtd, core, log, mem };
}

const RID_NIC = 0x0100;
const RID_GPU = 0x0010;

describe('IntelVtd + IommuCore', () => {
  it('probes groups in order and gives the Debian integrated GPU an identity domain', () => {
    const { core, log } = boot('');
    expect(log.lines).toContain('pci 0000:00:02.0: Adding to iommu group 0');
    expect(core.groupType('0000:00:02.0')).toBe('identity');
    expect(core.groupType('0000:01:00.0')).toBe('DMA');
  });

  it('translates through the page table, caches in the IOTLB, and faults with the VT-d reasons', () => {
    const { vtd, core } = boot('intel_iommu=on');
    const d = core.groupOf('0000:01:00.0')!.domain!;
    expect(d.map(0x10000n, 0x200000n, 0x1000n, IOMMU_READ).errno).toBeUndefined();
    expect(vtd.translate(RID_NIC, 0x10010n, false)).toMatchObject({ ok: true, pa: 0x200010n, how: 'walk' });
    expect(vtd.translate(RID_NIC, 0x10020n, false)).toMatchObject({ ok: true, pa: 0x200020n, how: 'iotlb' });
    expect(vtd.translate(RID_NIC, 0x10000n, true)).toMatchObject({ ok: false, record: { reason: 0x05, addr: 0x10000n, write: true } });
    expect(vtd.translate(RID_NIC, 0x20000n, false)).toMatchObject({ ok: false, record: { reason: 0x06 } });
    // Beyond the 39-bit address width.
    expect(vtd.translate(RID_NIC, 1n << 40n, false)).toMatchObject({ ok: false, record: { reason: 0x04 } });
    // A requester with no context entry on a bus that has a context table; a bus without one.
    expect(vtd.translate(0x0108, 0x10000n, false)).toMatchObject({ ok: false, record: { reason: 0x02 } });
    expect(vtd.translate(0x0900, 0x10000n, false)).toMatchObject({ ok: false, record: { reason: 0x01 } });
  });

  it('passes identity-domain DMA through untranslated', () => {
    const { vtd } = boot('');
    expect(vtd.translate(RID_GPU, 0x1234_5678n, true)).toEqual({ ok: true, pa: 0x1234_5678n, how: 'passthrough' });
  });

  it('fault reporting cycles the fault recording index and prints status + record', () => {
    const { vtd, log } = boot('intel_iommu=on');
    vtd.reportFault({ sourceId: RID_NIC, addr: 0x5000n, reason: 6, write: false });
    vtd.reportFault({ sourceId: RID_NIC, addr: 0x6000n, reason: 6, write: false });
    vtd.reportFault({ sourceId: RID_NIC, addr: 0x7000n, reason: 5, write: true });
    const faults = log.lines.filter((l) => l.startsWith('DMAR: DRHD'));
    expect(faults).toEqual([
      'DMAR: DRHD: handling fault status reg 2',
      'DMAR: DRHD: handling fault status reg 102',
      'DMAR: DRHD: handling fault status reg 2',
    ]);
  });

  it('unmapped IOVA stays cached until the IOTLB is invalidated', () => {
    const { vtd, core } = boot('intel_iommu=on');
    const d = core.groupOf('0000:01:00.0')!.domain!;
    d.map(0x10000n, 0x200000n, 0x1000n, IOMMU_READ | IOMMU_WRITE);
    expect(vtd.translate(RID_NIC, 0x10000n, true).ok).toBe(true);
    expect(d.unmap(0x10000n, 0x1000n).unmapped).toBe(0x1000n);
    expect(vtd.translate(RID_NIC, 0x10000n, true)).toMatchObject({ ok: true, how: 'iotlb' });
    vtd.flushRange(d, 0x10000n, 0x1000n);
    expect(vtd.translate(RID_NIC, 0x10000n, true)).toMatchObject({ ok: false, record: { reason: 0x05 } });
  });

  it('iommu_map rejects unaligned requests with the kernel message and non-paging domains', () => {
    const { core } = boot('intel_iommu=on');
    const d = core.groupOf('0000:01:00.0')!.domain!;
    expect(d.map(0x1001n, 0x2000n, 0x1000n, IOMMU_READ)).toEqual({
      errno: 'EINVAL',
      mapped: 0n,
      log: ['iommu: unaligned: iova 0x1001 pa 0x0000000000002000 size 0x1000 min_pagesz 0x1000'],
    });
    const id = boot('').core.groupOf('0000:00:02.0')!.domain!;
    expect(id.type).toBe('identity');
    expect(id.map(0x1000n, 0x2000n, 0x1000n, IOMMU_READ).errno).toBe('EINVAL');
    // Legacy VT-d (6.12 intel_iommu_unmap) rounds an unmap up to the level where the walk
    // stopped, even when nothing is mapped: an empty 3-level table reports 1 GiB.
    expect(d.unmap(0x40000n, 0x1000n).unmapped).toBe(1n << 30n);
  });

  it('the 6.19 profile refuses to map over an existing entry; 6.12 keeps the old one and warns', () => {
    const a = boot('intel_iommu=on', '6.19').core.groupOf('0000:01:00.0')!.domain!;
    a.map(0x10000n, 0x200000n, 0x1000n, IOMMU_READ);
    expect(a.map(0x10000n, 0x300000n, 0x1000n, IOMMU_READ).errno).toBe('EADDRINUSE');
    const b = boot('intel_iommu=on', '6.12').core.groupOf('0000:01:00.0')!.domain!;
    b.map(0x10000n, 0x200000n, 0x1000n, IOMMU_READ);
    const r = b.map(0x10000n, 0x300000n, 0x1000n, IOMMU_READ);
    expect(r.errno).toBeUndefined();
    expect(b.iovaToPhys(0x10000n)).toBe(0x200000n);
  });
});
