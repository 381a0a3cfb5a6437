/**
 * Real machines: the groups Linux built (shared/golden/machines/*.groups.tsv,
 * carried into src/fixtures) must come out of pci_device_group exactly, per device.
 */
import { describe, expect, it } from 'vitest';
import { goldenGroups, goldenToNodes, type GoldenMachine } from './fixtures/golden-machine.js';
import { MACHINE_9F6517D4CE } from './fixtures/machine-9f6517d4ce.js';
import { MACHINE_DAB731FD45 } from './fixtures/machine-dab731fd45.js';
import { buildTopology, formIommuGroups, pciEnableAcsAll } from './index.js';

function check(m: GoldenMachine, enableAcs: boolean): void {
  const { topology, errors } = buildTopology(goldenToNodes(m));
  expect(errors).toEqual([]);
  expect(topology.devices.length).toBe(m.rows.length);
  const ctlBefore = topology.devices.map((d) => d.acsCtl);
  // An AMD IOMMU requests ACS before enumeration; the lspci ACS control values were
  // read after the kernel programmed them, so enabling must not change them.
  if (enableAcs) pciEnableAcsAll(topology);
  expect(topology.devices.map((d) => d.acsCtl)).toEqual(ctlBefore);
  topology.platform.acpiIvrs = true; // AMD: IVRS present
  const a = formIommuGroups(topology);
  const got = new Map(topology.devices.map((d) => [d.bdf, a.groupOf(d.bdf)?.id]));
  expect(got).toEqual(goldenGroups(m));
}

describe('golden machines', () => {
  it('9F6517D4CE (Framework 13, Ryzen 7040, kernel 6.1): every device in the kernel group', () => {
    check(MACHINE_9F6517D4CE, true);
  });
  it('DAB731FD45 (Gigabyte B550M, kernel 5.10): every device in the kernel group', () => {
    check(MACHINE_DAB731FD45, true);
  });
  it('transcription sanity: bridges from bus ranges, no-group rows marked iommu=none', () => {
    const { topology } = buildTopology(goldenToNodes(MACHINE_DAB731FD45));
    const usp = topology.find('02:00.2')!;
    expect([usp.pcieType, usp.secondaryBus, usp.subordinateBus, usp.multifunction]).toEqual(['upstream-port', 3, 7, true]);
    expect(topology.find('07:00.0')!.parent!.bdf).toBe('0000:03:09.0');
    expect(topology.find('00:00.2')!.behindIommu).toBe(false);
    expect([topology.find('00:01.1')!.acsCap, topology.find('00:01.1')!.acsCtl]).toEqual([0x5f, 0x1d]);
  });
});
