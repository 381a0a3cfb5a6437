/**
 * SR-IOV VFs: routing IDs from First VF Offset / VF Stride (drivers/pci/iov.c
 * pci_iov_virtfn_bus, pci_iov_virtfn_devfn), VFs never multifunction
 * (pci_iov_add_virtfn), probed after boot devices, grouped by pci_device_group.
 */
import { describe, expect, it } from 'vitest';
import { node } from './fixtures/node.js';
import { buildTopology, formIommuGroups, formatTree, pciRequesterId, virtfnRouting } from './index.js';

const codes = (r: { errors: { code: string }[] }): string[] => r.errors.map((e) => e.code);

describe('virtfnRouting (iov.c pci_iov_virtfn_bus/devfn)', () => {
  it('adds offset + id * stride to the PF routing ID; the carry goes into the bus number', () => {
    // PF 01:00.0 (devfn 0x00), offset 128, stride 2: VF 0 at devfn 0x80 (10.0), VF 3 at 0x86 (10.6).
    expect(virtfnRouting(1, 0x00, { offset: 128, stride: 2 }, 0)).toEqual({ bus: 1, devfn: 0x80 });
    expect(virtfnRouting(1, 0x00, { offset: 128, stride: 2 }, 3)).toEqual({ bus: 1, devfn: 0x86 });
    // PF 01:00.1 with the same offset/stride interleaves: VF 0 at devfn 0x81 (10.1).
    expect(virtfnRouting(1, 0x01, { offset: 128, stride: 2 }, 0)).toEqual({ bus: 1, devfn: 0x81 });
    // 0x00 + 384 + 4 * 1 = 0x184: bus + 1, devfn 0x84.
    expect(virtfnRouting(1, 0x00, { offset: 384, stride: 4 }, 1)).toEqual({ bus: 2, devfn: 0x84 });
  });
});

describe('SR-IOV in the topology', () => {
  const nic = (extra: Record<string, string | true>) => ({ class: 'nic', id: '8086:10fb', ...extra });

  it('creates sriov=N VFs at the routed addresses, marked virtfn, single-function, with the VF device id', () => {
    const { topology, errors } = buildTopology([
      node('root-port', '00:01.0', { acs: 'full' }, [node('device', '01:00.0', nic({ sriov: '4', 'vf-id': '10ed' }))]),
    ]);
    expect(errors).toEqual([]);
    const pf = topology.find('01:00.0')!;
    expect(pf.sriov?.virtfns.map((v) => v.bdf)).toEqual(['0000:01:10.0', '0000:01:10.2', '0000:01:10.4', '0000:01:10.6']);
    const vf = topology.find('01:10.2')!;
    expect([vf.isVirtfn, vf.physfn, vf.multifunction, vf.vendor, vf.device, vf.classCode, vf.pcieType]).toEqual([true, pf, false, 0x8086, 0x10ed, 0x020000, 'endpoint']);
    expect(pf.isVirtfn).toBe(false);
    // VFs are added after boot enumeration: they come last in probe order.
    expect(topology.devices.map((d) => d.bdf).slice(-4)).toEqual(pf.sriov!.virtfns.map((v) => v.bdf));
  });

  it('defaults to offset 128, stride 2, TotalVFs = sriov, the PF device id', () => {
    const { topology } = buildTopology([node('device', '00:03.0', { id: '8086:1572', sriov: '2' })]);
    const s = topology.find('00:03.0')!.sriov!;
    expect([s.offset, s.stride, s.totalVfs, s.numVfs, s.vfDevice]).toEqual([128, 2, 2, 2, 0x1572]);
    // PF at devfn 0x18 (03.0): VFs at 0x98 (13.0) and 0x9a (13.2).
    expect(s.virtfns.map((v) => v.bdf)).toEqual(['0000:00:13.0', '0000:00:13.2']);
  });

  it('gives each VF its own group behind an ACS-isolated port, after every boot device', () => {
    const { topology } = buildTopology([
      node('root-port', '00:01.0', { acs: 'full' }, [node('device', '01:00.0', nic({ sriov: '2', 'vf-id': '10ed' }))]),
      node('device', '00:1f.0', { class: 'isa' }),
    ]);
    const a = formIommuGroups(topology);
    // Boot: 00:01.0 → 0, 00:1f.0 → 1, 01:00.0 → 2; then the VFs 3 and 4.
    expect(['00:01.0', '00:1f.0', '01:00.0', '01:10.0', '01:10.2'].map((b) => a.groupOf(b)?.id)).toEqual([0, 1, 2, 3, 4]);
    expect(a.log.slice(-2)).toEqual(['pci 0000:01:10.0: Adding to iommu group 3', 'pci 0000:01:10.2: Adding to iommu group 4']);
  });

  it('puts VFs in the port group when the path to the root lacks ACS', () => {
    const { topology } = buildTopology([node('root-port', '00:01.0', { acs: 'none' }, [node('device', '01:00.0', nic({ sriov: '2' }))])]);
    const a = formIommuGroups(topology);
    expect(a.groupOf('01:10.0')!.devices.map((d) => d.bdf)).toEqual(['0000:00:01.0', '0000:01:00.0', '0000:01:10.0', '0000:01:10.2']);
  });

  it('places VFs beyond the PF bus on a virtual bus: no bridge, skipped by the alias walk and the ACS climb', () => {
    const { topology, errors } = buildTopology([
      node('root-port', '00:01.0', { acs: 'full' }, [node('device', '01:00.0', nic({ sriov: '2', 'vf-offset': '384', 'vf-stride': '4' }))]),
    ]);
    expect(errors).toEqual([]);
    const vf = topology.find('02:10.4')!;
    expect([vf.onBus.isVirtual, vf.onBus.self, vf.parent?.bdf]).toEqual([true, undefined, '0000:00:01.0']);
    // The reserved bus widens the root port's range (iov.c pci_iov_bus_range).
    expect(topology.find('00:01.0')!.subordinateBus).toBe(2);
    expect(pciRequesterId(topology, vf)).toBe(0x0284);
    const a = formIommuGroups(topology);
    expect(a.groupOf('02:10.0')!.devices.length).toBe(1);
    expect(formatTree(topology, { ids: false })).toContain('-[0000:02]-');
  });

  it('propagates untrusted from an external-facing port to the VFs (pci_upstream_bridge of a VF is its PF\'s)', () => {
    const { topology } = buildTopology([node('root-port', '00:07.0', { 'external-facing': true }, [node('device', '01:00.0', nic({ sriov: '1' }))])]);
    expect(topology.find('01:10.0')!.untrusted).toBe(true);
  });

  it('rejects SR-IOV where the kernel would', () => {
    expect(codes(buildTopology([node('root-port', '00:01.0', { sriov: '2' })]))).toEqual(['PCI_BAD_ATTR']);
    expect(codes(buildTopology([node('device', '00:01.0', { sriov: '2', 'vf-offset': '0' })]))).toEqual(['PCI_BAD_ATTR']);
    expect(codes(buildTopology([node('device', '00:01.0', { sriov: '2', 'vf-stride': '0' })]))).toEqual(['PCI_BAD_ATTR']);
    expect(codes(buildTopology([node('device', '00:01.0', { sriov: '8', 'sriov-total': '4' })]))).toEqual(['PCI_BAD_ATTR']);
    expect(codes(buildTopology([node('device', '00:01.0', { 'vf-offset': '4' })]))).toEqual(['PCI_BAD_ATTR']);
    expect(codes(buildTopology([node('device', '00:01.0', { sriov: 'many' })]))).toEqual(['PCI_BAD_ATTR']);
    // A VF landing on an existing function, and past the bridge's explicit subordinate bus.
    expect(codes(buildTopology([node('device', '00:00.0', { sriov: '1', 'vf-offset': '8' }), node('device', '00:01.0')]))).toEqual(['PCI_DUP_BDF']);
    const far = buildTopology([
      node('root-port', '00:01.0', { subordinate: '01' }, [node('device', '01:00.0', { sriov: '1', 'vf-offset': '256' })]),
    ]);
    expect(codes(far)).toEqual(['PCI_SRIOV_BUS_RANGE']);
    expect(far.errors[0]!.message).toContain('SR-IOV: bus number out of range');
  });

  it('rejects VFs routed onto another bridge\'s secondary bus', () => {
    const r = buildTopology([
      node('device', '00:00.0', { sriov: '1', 'vf-offset': '256' }),
      node('root-port', '00:01.0', { secondary: '01' }, [node('device', '01:00.0')]),
    ]);
    expect(codes(r)).toEqual(['PCI_SRIOV_BUS_CONFLICT']);
  });
});
