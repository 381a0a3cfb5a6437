import { describe, expect, it } from 'vitest';
import { node } from './fixtures/node.js';
import { KNOWN_ATTRS, buildTopology } from './index.js';

const codes = (r: { errors: { code: string }[] }): string[] => r.errors.map((e) => e.code);

describe('buildTopology: attributes', () => {
  it('reads class names, hex classes, ids, types, dma-mask, iommu=none', () => {
    const { topology, errors } = buildTopology([
      node('device', '00:02.0', { class: 'display', id: '8086:9a49', 'dma-mask': '32' }),
      node('device', '00:03.0', { class: '0x010802', type: 'rc-integrated-endpoint', iommu: 'none' }),
      node('device', '00:04.0', { class: 'usb', type: 'pci' }),
    ]);
    expect(errors).toEqual([]);
    const gpu = topology.find('00:02.0')!;
    expect([gpu.classCode, gpu.vendor, gpu.device, gpu.dmaMaskBits, gpu.pcieType, gpu.behindIommu]).toEqual([0x030000, 0x8086, 0x9a49, 32, 'endpoint', true]);
    const nvme = topology.find('0000:00:03.0')!;
    expect([nvme.classCode, nvme.pcieType, nvme.behindIommu]).toEqual([0x010802, 'rc-integrated-endpoint', false]);
    const usb = topology.find('00:04.0')!;
    expect([usb.classCode, usb.isPcie, usb.pcieType]).toEqual([0x0c0330, false, undefined]);
  });

  it('reads ACS: full, flag lists, separate cap/ctl, none', () => {
    const { topology, errors } = buildTopology([
      node('root-port', '00:01.0', { acs: 'full' }),
      node('root-port', '00:02.0', { acs: 'sv,rr' }),
      node('root-port', '00:03.0', { 'acs-cap': 'sv,tb,rr,cr,uf,dt', 'acs-ctl': '0x1d' }),
      node('root-port', '00:04.0', { acs: 'none' }),
      node('root-port', '00:05.0', { 'acs-cap': '0' }),
    ]);
    expect(errors).toEqual([]);
    const acs = (b: string) => [topology.find(b)!.acsCap, topology.find(b)!.acsCtl];
    expect(acs('00:01.0')).toEqual([0x1d, 0x1d]);
    expect(acs('00:02.0')).toEqual([0x05, 0x05]);
    expect(acs('00:03.0')).toEqual([0x5f, 0x1d]);
    expect(acs('00:04.0')).toEqual([undefined, 0]);
    expect(acs('00:05.0')).toEqual([0, 0]);
  });

  it('reports unknown attributes with the known list, and bad values', () => {
    const r = buildTopology([node('device', '00:02.0', { clas: 'nic', class: 'toaster', id: '8086', acs: 'xx', 'dma-mask': '65' })]);
    const unknown = r.errors.find((e) => e.code === 'PCI_UNKNOWN_ATTR')!;
    expect(unknown.attr).toBe('clas');
    expect(unknown.ref).toBe('00:02.0');
    for (const a of KNOWN_ATTRS) expect(unknown.hint).toContain(a);
    expect(r.errors.filter((e) => e.code === 'PCI_BAD_ATTR').map((e) => e.attr).sort()).toEqual(['acs', 'class', 'dma-mask', 'id']);
  });

  it('rejects acs-ctl without acs-cap, ctl bits outside cap, and acs= mixed with acs-cap=', () => {
    expect(codes(buildTopology([node('root-port', '00:01.0', { 'acs-ctl': 'sv' })]))).toEqual(['PCI_BAD_ATTR']);
    expect(codes(buildTopology([node('root-port', '00:01.0', { 'acs-cap': 'sv', 'acs-ctl': 'sv,rr' })]))).toEqual(['PCI_BAD_ATTR']);
    expect(codes(buildTopology([node('root-port', '00:01.0', { acs: 'full', 'acs-cap': 'sv' })]))).toEqual(['PCI_BAD_ATTR']);
  });

  it('rejects unknown node kinds and bridge-only attributes on endpoints', () => {
    expect(codes(buildTopology([node('gizmo', '00:01.0')]))).toEqual(['PCI_UNKNOWN_KIND']);
    const r = buildTopology([node('device', '00:01.0', { secondary: '01' }, [node('device', '01:00.0')])]);
    expect(codes(r).sort()).toEqual(['PCI_BAD_ATTR', 'PCI_NOT_A_BRIDGE']);
  });
});

describe('buildTopology: buses and addresses', () => {
  it('infers secondary/subordinate from children and links parents', () => {
    const { topology, errors } = buildTopology([
      node('root-port', '00:1c.0', {}, [node('switch', '02:00.0', {}, [node('downstream-port', '03:00.0', {}, [node('device', '04:00.0')])])]),
    ]);
    expect(errors).toEqual([]);
    const rp = topology.find('00:1c.0')!;
    expect([rp.secondaryBus, rp.subordinateBus, rp.isBridge, rp.classCode]).toEqual([2, 4, true, 0x060400]);
    const ep = topology.find('04:00.0')!;
    expect(ep.parent!.bdf).toBe('0000:03:00.0');
    expect(ep.parent!.parent!.parent).toBe(rp);
    expect(rp.parent).toBeUndefined();
    expect(topology.rootBuses.map((b) => b.number)).toEqual([0]);
  });

  it('reports a child that is not on the bridge secondary bus', () => {
    const r = buildTopology([node('root-port', '00:1c.0', { secondary: '02' }, [node('device', '03:00.0')])]);
    expect(codes(r)).toEqual(['PCI_BUS_MISMATCH']);
    expect(r.errors[0]!.message).toContain('secondary bus is 02');
    const r2 = buildTopology([node('pci-bridge', '00:1e.0', {}, [node('device', '05:00.0'), node('device', '06:01.0')])]);
    expect(codes(r2)).toEqual(['PCI_BUS_MISMATCH']);
  });

  it('reports duplicate addresses, overlapping ranges and a secondary not above the bridge bus', () => {
    expect(codes(buildTopology([node('device', '00:02.0'), node('device', '0000:00:02.0')]))).toEqual(['PCI_DUP_BDF']);
    const overlap = buildTopology([
      node('root-port', '00:01.0', { secondary: '01', subordinate: '05' }),
      node('root-port', '00:02.0', { secondary: '04', subordinate: '06' }),
    ]);
    expect(codes(overlap)).toEqual(['PCI_BUS_RANGE']);
    expect(codes(buildTopology([node('pci-bridge', '05:00.0', { secondary: '03' })]))).toEqual(['PCI_BUS_RANGE']);
    expect(codes(buildTopology([node('root-port', '00:01.0', { subordinate: '01' }, [node('switch', '01:00.0', {}, [node('downstream-port', '02:00.0')])])]))).toEqual([
      'PCI_BUS_RANGE',
    ]);
  });

  it('a switch holds downstream ports; bus numbers are not reused', () => {
    expect(codes(buildTopology([node('root-port', '00:01.0', {}, [node('switch', '01:00.0', {}, [node('device', '02:00.0')])])]))).toEqual(['PCI_BAD_CHILD']);
    expect(codes(buildTopology([node('root-port', '00:01.0', { secondary: '01' }), node('root-port', '00:02.0', { secondary: '01' })]))).toContain('PCI_DUP_BUS');
    expect(codes(buildTopology([node('host-bridge', undefined, { bus: '00' }), node('host-bridge', undefined, { bus: '00' }, [node('device', '00:01.0')])]))).toEqual(['PCI_DUP_BUS']);
  });

  it('Linux scans only device 0 below a root or downstream port, and a slot needs function 0', () => {
    expect(codes(buildTopology([node('root-port', '00:1c.0', {}, [node('device', '01:01.0')])]))).toEqual(['PCI_SLOT_NOT_SCANNED']);
    expect(codes(buildTopology([node('device', '00:1f.3')]))).toEqual(['PCI_NO_FUNCTION0']);
  });

  it('multifunction: from several functions in a slot, or the flag on function 0', () => {
    const { topology } = buildTopology([
      node('device', '00:1f.0'),
      node('device', '00:1f.3'),
      node('device', '00:02.0', { multifunction: true }),
      node('device', '00:03.0'),
    ]);
    expect(topology.find('00:1f.0')!.multifunction).toBe(true);
    expect(topology.find('00:1f.3')!.multifunction).toBe(true);
    expect(topology.find('00:02.0')!.multifunction).toBe(true);
    expect(topology.find('00:03.0')!.multifunction).toBe(false);
  });

  it('addresses nodes without a BDF and numbers their buses', () => {
    const { topology, errors } = buildTopology([
      node('root-port', '00:01.0', {}, [node('device', '01:00.0')]),
      node('root-port', undefined, {}, [node('device', undefined), node('device', undefined)]),
    ]);
    expect(errors).toEqual([]);
    // Second root port: lowest free slot (00.0) on bus 0; its bus is the next unused number (02);
    // below a root port only slot 0 is scanned, so the two devices are 02:00.0 and 02:00.1.
    expect(topology.devices.map((d) => d.bdf)).toEqual(['0000:00:00.0', '0000:00:01.0', '0000:02:00.0', '0000:02:00.1', '0000:01:00.0']);
    expect(topology.find('00:00.0')!.secondaryBus).toBe(2);
  });

  it('host bridges give root buses in other segments; enumeration order is per bus, then each bridge', () => {
    const { topology, errors } = buildTopology([
      node('host-bridge', undefined, { segment: '0001', bus: '80' }, [node('root-port', '80:01.0', {}, [node('device', '81:00.0')]), node('device', '80:00.0')]),
      node('root-port', '00:03.0', {}, [node('device', '02:00.0')]),
      node('root-port', '00:01.0', {}, [node('device', '01:00.0')]),
      node('device', '00:00.0'),
    ]);
    expect(errors).toEqual([]);
    expect(topology.rootBuses.map((b) => [b.segment, b.number])).toEqual([
      [0, 0],
      [1, 0x80],
    ]);
    // drivers/pci/bus.c pci_bus_add_devices: bus devices in devfn order, then each bridge's bus.
    expect(topology.devices.map((d) => d.bdf)).toEqual([
      '0000:00:00.0',
      '0000:00:01.0',
      '0000:00:03.0',
      '0000:01:00.0',
      '0000:02:00.0',
      '0001:80:00.0',
      '0001:80:01.0',
      '0001:81:00.0',
    ]);
    expect(topology.find('0001:81:00.0')!.segment).toBe(1);
  });
});

describe('buildTopology: untrusted', () => {
  it('propagates below an external-facing port, not to the port itself (probe.c set_pcie_untrusted)', () => {
    const { topology, errors } = buildTopology([
      node('root-port', '00:07.0', { 'external-facing': true }, [
        node('switch', '01:00.0', {}, [node('downstream-port', '02:00.0', {}, [node('device', '03:00.0', { class: 'nic' })])]),
      ]),
      node('root-port', '00:1c.0', {}, [node('device', '04:00.0')]),
      node('device', '00:02.0'),
    ]);
    expect(errors).toEqual([]);
    const u = (b: string) => topology.find(b)!.untrusted;
    expect(u('00:07.0')).toBe(false);
    expect(topology.find('00:07.0')!.externalFacing).toBe(true);
    expect([u('01:00.0'), u('02:00.0'), u('03:00.0')]).toEqual([true, true, true]);
    expect([u('00:1c.0'), u('04:00.0'), u('00:02.0')]).toEqual([false, false, false]);
  });
});
