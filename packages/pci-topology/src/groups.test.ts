import { describe, expect, it } from 'vitest';
import { node } from './fixtures/node.js';
import { IommuGroupFormer, buildTopology, formIommuGroups, sysfsGroups } from './index.js';
import type { GroupAssignment, TopologyNodeSpec } from './index.js';

/** Groups as lists of short BDFs, by id. */
const members = (a: GroupAssignment): string[][] => a.groups.map((g) => g.devices.map((d) => d.bdf.slice(5)));

function groups(nodes: TopologyNodeSpec[]): GroupAssignment {
  const { topology, errors } = buildTopology(nodes);
  expect(errors).toEqual([]);
  return formIommuGroups(topology);
}

describe('S-7: PCIe-to-PCI bridge', () => {
  it('the bridge and everything below it share one group; the root port is alone', () => {
    const a = groups([
      node('root-port', '00:1c.0', { acs: 'full' }, [node('bridge', '01:00.0', {}, [node('device', '02:00.0'), node('device', '02:01.0')])]),
    ]);
    expect(members(a)).toEqual([['00:1c.0'], ['01:00.0', '02:00.0', '02:01.0']]);
    expect(a.groupOf('02:01.0')!.reasons[2]).toContain('DMA alias 0000:01:00.0 (requester ID 02:00.0)');
  });
});

describe('S-8: root-bus multifunction device', () => {
  const slot = (attrs: Record<string, string>): TopologyNodeSpec[] => ['00:1f.0', '00:1f.2', '00:1f.3', '00:1f.4'].map((b) => node('device', b, attrs));
  it('without ACS: one group with all four functions', () => {
    const a = groups(slot({}));
    expect(members(a)).toEqual([['00:1f.0', '00:1f.2', '00:1f.3', '00:1f.4']]);
    expect(a.groups[0]!.reasons[1]).toBe('0000:00:1f.2 joins group 0: multifunction slot 00:1f without ACS (get_pci_function_alias_group)');
  });
  it('every function with ACS SV|RR|CR|UF enabled: four groups', () => {
    const a = groups(slot({ acs: 'sv,rr,cr,uf' }));
    expect(members(a)).toEqual([['00:1f.0'], ['00:1f.2'], ['00:1f.3'], ['00:1f.4']]);
  });
  it('one function with ACS is isolated, the others share a group', () => {
    const a = groups([node('device', '00:1f.0'), node('device', '00:1f.1', { acs: 'full' }), node('device', '00:1f.2')]);
    expect(members(a)).toEqual([['00:1f.0', '00:1f.2'], ['00:1f.1']]);
  });
});

describe('S-9: switch', () => {
  const tree = (rpAcs: string): TopologyNodeSpec[] => [
    node('root-port', '00:01.0', { acs: rpAcs }, [
      node('switch', '01:00.0', {}, [
        node('downstream-port', '02:00.0', { acs: 'sv,rr,cr,uf' }, [node('device', '03:00.0')]),
        node('downstream-port', '02:01.0', { acs: 'none' }, [node('device', '04:00.0')]),
      ]),
    ]),
  ];
  it('with ACS on the root port: {RP} {USP} {DSP1} {E1} {DSP2, E2}', () => {
    const a = groups(tree('full'));
    expect(members(a)).toEqual([['00:01.0'], ['01:00.0'], ['02:00.0'], ['02:01.0', '04:00.0'], ['03:00.0']]);
    expect(a.groupOf('04:00.0')!.reasons[1]).toContain('upstream bridge 0000:02:01.0 is not isolated by ACS');
    expect(a.groupOf('03:00.0')!.reasons[0]).toBe('new group: ACS path to root is isolated from 0000:02:00.0 up');
  });
  it('without ACS on the root port: everything below joins the root port group', () => {
    const a = groups(tree('none'));
    expect(members(a)).toEqual([['00:01.0', '01:00.0', '02:00.0', '02:01.0', '03:00.0', '04:00.0']]);
  });
});

describe('S-10: DMA alias quirk', () => {
  it('Marvell fn 0 alone (ghost fn 1): one group', () => {
    const a = groups([node('root-port', '00:1c.0', { acs: 'full' }, [node('device', '03:00.0', { id: '1b4b:9123', class: 'sata' })])]);
    expect(members(a)).toEqual([['00:1c.0'], ['03:00.0']]);
  });
  it('fn 1 present: fn 0 and fn 1 share a group through the alias, even with ACS on both', () => {
    const a = groups([
      node('root-port', '00:1c.0', { acs: 'full' }, [
        node('device', '03:00.0', { id: '1b4b:9123', class: 'sata', acs: 'full' }),
        node('device', '03:00.1', { id: '1b4b:91a4', acs: 'full' }),
      ]),
    ]);
    expect(members(a)).toEqual([['00:1c.0'], ['03:00.0', '03:00.1']]);
    expect(a.groupOf('03:00.1')!.reasons[1]).toBe('0000:03:00.1 joins group 1: DMA alias of 0000:03:00.0 (get_pci_alias_group)');
  });
});

describe('conventional PCI behind a PCI-to-PCI bridge', () => {
  it('the bridge and its devices are one group (alias = bridge requester ID)', () => {
    const a = groups([
      node('device', '00:02.0'),
      node('pci-bridge', '00:1e.0', {}, [node('device', '05:00.0'), node('device', '05:01.0'), node('device', '05:02.0')]),
    ]);
    expect(members(a)).toEqual([['00:02.0'], ['00:1e.0', '05:00.0', '05:01.0', '05:02.0']]);
  });
});

describe('group ids, log and sysfs', () => {
  it('ids are the lowest free, assigned in probe order; iommu=none devices get none', () => {
    const { topology } = buildTopology([
      node('device', '00:00.0', { iommu: 'none' }),
      node('device', '00:02.0'),
      node('root-port', '00:1c.0', { acs: 'full' }, [node('device', '01:00.0')]),
    ]);
    const a = formIommuGroups(topology);
    expect(a.log).toEqual([
      'pci 0000:00:02.0: Adding to iommu group 0',
      'pci 0000:00:1c.0: Adding to iommu group 1',
      'pci 0000:01:00.0: Adding to iommu group 2',
    ]);
    expect(a.groupOf('00:00.0')).toBeUndefined();
    expect(sysfsGroups(a)).toEqual([
      '/sys/kernel/iommu_groups/0/devices/0000:00:02.0',
      '/sys/kernel/iommu_groups/1/devices/0000:00:1c.0',
      '/sys/kernel/iommu_groups/2/devices/0000:01:00.0',
    ]);
    // A different probe order gives different numbers, same membership.
    const b = formIommuGroups(topology, { probeOrder: [topology.find('01:00.0')!] });
    expect(b.groupOf('01:00.0')!.id).toBe(0);
    expect(b.groupOf('00:02.0')!.id).toBe(1);
  });

  it('a freed id is reused by the next new group (ida_alloc)', () => {
    const { topology: t } = buildTopology([node('device', '00:02.0'), node('device', '00:03.0'), node('device', '00:04.0')]);
    const f = new IommuGroupFormer(t);
    f.probe(t.find('00:02.0')!);
    f.probe(t.find('00:03.0')!);
    f.remove(t.find('00:02.0')!);
    const r = f.probe(t.find('00:04.0')!);
    expect('group' in r && r.group.id).toBe(0);
    const again = f.probe(t.find('00:04.0')!);
    expect('error' in again && again.error.code).toBe('PCI_ALREADY_GROUPED');
    const { topology: u } = buildTopology([node('device', '00:00.2', { iommu: 'none' })]);
    const none = new IommuGroupFormer(u).probe(u.find('00:00.2')!);
    expect('error' in none && none.error.code).toBe('PCI_NOT_BEHIND_IOMMU');
  });

  it('groups are only joined, never merged: probing below a bridge first splits them (order dependence)', () => {
    const { topology: t } = buildTopology([node('root-port', '00:1c.0', { acs: 'none' }, [node('device', '01:00.0')])]);
    const a = formIommuGroups(t, { probeOrder: [t.find('01:00.0')!] });
    // pci_device_group looks only upward and at aliases/functions; the root port finds no group.
    expect(members(a)).toEqual([['01:00.0'], ['00:1c.0']]);
    expect(a.groups[0]!.reasons[0]).toBe('new group: upstream bridge 0000:00:1c.0 is not isolated by ACS and has no group yet');
  });
});
