/**
 * Non-PCI devices: drivers/iommu/iommu.c generic_device_group gives each one a new
 * group; bus_iommu_probe walks iommu_buses[] with the platform bus before PCI.
 */
import { describe, expect, it } from 'vitest';
import { node } from './fixtures/node.js';
import { IommuGroupFormer, buildTopology, formIommuGroups, sysfsGroups } from './index.js';

const codes = (r: { errors: { code: string }[] }): string[] => r.errors.map((e) => e.code);

describe('platform devices', () => {
  it('get one new group each, before the PCI devices, with a platform log line', () => {
    const { topology, errors } = buildTopology([
      node('device', '00:02.0', { class: 'display' }),
      node('platform-device', undefined, { name: 'INT33C2:00' }),
      node('platform-device', undefined, { name: 'INT33C3:00' }),
      node('platform-device', undefined, { name: 'ACPI0007:00', iommu: 'none' }),
    ]);
    expect(errors).toEqual([]);
    expect(topology.platformDevices.map((p) => p.name)).toEqual(['INT33C2:00', 'INT33C3:00', 'ACPI0007:00']);
    const a = formIommuGroups(topology);
    expect([a.groupOf('INT33C2:00')?.id, a.groupOf('INT33C3:00')?.id, a.groupOf('00:02.0')?.id, a.groupOf('ACPI0007:00')]).toEqual([0, 1, 2, undefined]);
    expect(a.log).toEqual(['platform INT33C2:00: Adding to iommu group 0', 'platform INT33C3:00: Adding to iommu group 1', 'pci 0000:00:02.0: Adding to iommu group 2']);
    expect(sysfsGroups(a)).toEqual([
      '/sys/kernel/iommu_groups/0/devices/INT33C2:00',
      '/sys/kernel/iommu_groups/1/devices/INT33C3:00',
      '/sys/kernel/iommu_groups/2/devices/0000:00:02.0',
    ]);
  });

  it('release their group id on removal (ida: lowest free id first)', () => {
    const { topology } = buildTopology([node('platform-device', undefined, { name: 'a' }), node('platform-device', undefined, { name: 'b' })]);
    const f = new IommuGroupFormer(topology);
    const [pa, pb] = topology.platformDevices;
    f.probePlatform(pa!);
    f.probePlatform(pb!);
    f.removePlatform(pa!);
    const again = f.probePlatform(pa!);
    expect('group' in again && again.group.id).toBe(0);
    expect('error' in f.probePlatform(pa!)).toBe(true);
  });

  it('reject a missing or duplicate name, an address, nesting and unknown attributes', () => {
    expect(codes(buildTopology([node('platform-device', undefined, {})]))).toEqual(['PCI_BAD_ATTR']);
    expect(codes(buildTopology([node('platform-device', undefined, { name: 'x' }), node('platform-device', undefined, { name: 'x' })]))).toEqual(['PCI_DUP_BDF']);
    expect(codes(buildTopology([node('platform-device', '00:01.0', { name: 'x' })]))).toEqual(['PCI_BAD_BDF']);
    expect(codes(buildTopology([node('root-port', '00:01.0', {}, [node('platform-device', undefined, { name: 'x' })])]))).toEqual(['PCI_BAD_CHILD']);
    expect(codes(buildTopology([node('platform-device', undefined, { name: 'x', acs: 'full' })]))).toEqual(['PCI_UNKNOWN_ATTR']);
  });

  it('an import node must be expanded first', () => {
    expect(codes(buildTopology([node('import', undefined, { file: 'x.txt' })]))).toEqual(['PCI_IMPORT_UNEXPANDED']);
  });
});
