/**
 * The real machines, imported from their raw public `lspci -vvnn` dumps
 * (fixtures/lspci, from linuxhw/LsPCI): forming groups must give exactly the groups
 * the kernel recorded, and those of shared/golden/machines/*.groups.tsv.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goldenGroups, type GoldenMachine } from '../fixtures/golden-machine.js';
import { MACHINE_9F6517D4CE } from '../fixtures/machine-9f6517d4ce.js';
import { MACHINE_DAB731FD45 } from '../fixtures/machine-dab731fd45.js';
import { buildTopology, compareGroups, formIommuGroups, parseLspciVerbose, pciEnableAcsAll } from '../index.js';

const dump = (name: string): string => readFileSync(new URL(`../../fixtures/lspci/${name}.lspci-vvnn.txt`, import.meta.url), 'utf8');

function importAndGroup(m: GoldenMachine) {
  const r = parseLspciVerbose(dump(m.name));
  const { topology, errors } = buildTopology(r.nodes);
  pciEnableAcsAll(topology); // AMD IOMMU drivers request ACS before enumeration
  topology.platform.acpiIvrs = true;
  return { r, topology, errors, assign: formIommuGroups(topology) };
}

describe('importing the real lspci -vvnn dumps', () => {
  for (const m of [MACHINE_DAB731FD45, MACHINE_9F6517D4CE]) {
    it(`${m.name}: every function lands in the group the kernel recorded`, () => {
      const { r, topology, errors, assign } = importAndGroup(m);
      expect(r.errors).toEqual([]);
      expect(errors).toEqual([]);
      expect(topology.devices.length).toBe(40);
      expect(compareGroups(assign, r.recordedGroups)).toEqual([]);
      const got = new Map(topology.devices.map((d) => [d.bdf, assign.groupOf(d.bdf)?.id]));
      expect(got).toEqual(goldenGroups(m));
    });
  }

  it('DAB731FD45: ACS, bridges, types and drivers as the dump shows them', () => {
    const { r, topology } = importAndGroup(MACHINE_DAB731FD45);
    const rp = topology.find('00:01.1')!;
    // ACSCap SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans+ ; ACSCtl SV RR CR UF.
    expect([rp.kind, rp.acsCap, rp.acsCtl, rp.secondaryBus, rp.subordinateBus]).toEqual(['root-port', 0x5f, 0x1d, 1, 1]);
    const usp = topology.find('02:00.2')!;
    expect([usp.kind, usp.secondaryBus, usp.subordinateBus, usp.multifunction]).toEqual(['upstream-port', 3, 7, true]);
    expect(topology.find('07:00.0')!.parent!.bdf).toBe('0000:03:09.0');
    const gpu = topology.find('08:00.0')!;
    expect([gpu.vendor, gpu.device, gpu.classCode, gpu.pcieType]).toEqual([0x10de, 0x2487, 0x030000, 'legacy-endpoint']);
    expect(topology.find('00:14.3')!.pcieType).toBeUndefined();
    expect([topology.find('00:00.0')!.behindIommu, topology.find('00:00.2')!.behindIommu]).toEqual([false, false]);
    expect(r.drivers.get('0000:01:00.0')).toBe('nvme');
    expect(r.drivers.get('0000:08:00.0')).toBeUndefined(); // "Kernel modules" only: nothing bound
    expect(r.warnings).toEqual([]);
  });

  it('9F6517D4CE (no root): warns that extended capabilities are missing and about the stray pcilib line', () => {
    const { r } = importAndGroup(MACHINE_9F6517D4CE);
    const text = dump('9F6517D4CE');
    const stray = text.split('\n').indexOf('[disabled] [32-bit]') + 1;
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([
      ['LSPCI_UNEXPECTED_LINE', stray],
      ['LSPCI_NO_EXT_CAPS', 0],
    ]);
  });
});
