/**
 * Sysfs dumps: config space decoded at the offsets of include/uapi/linux/pci_regs.h.
 * The config spaces here are built byte by byte from those offsets.
 */
import { describe, expect, it } from 'vitest';
import { buildTopology, compareGroups, decodeConfigSpace, formIommuGroups, parseSysfsDump } from '../index.js';

/** A config space of `size` bytes with the given little-endian fields. */
function cfg(size: number, fields: [offset: number, width: 1 | 2 | 4, value: number][]): string {
  const b = new Uint8Array(size);
  for (const [o, w, v] of fields) for (let i = 0; i < w; i++) b[o + i] = (v >>> (8 * i)) & 0xff;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

const ids = (v: number, d: number): [number, 2 | 4, number][] => [[0x00, 4, (d << 16) | v]];
const STATUS_CAPS: [number, 1, number] = [0x06, 1, 0x10];

// Root port 8086:7ab8 at 00:1c.0: header type 1, bus 00 → 01-01, PCIe cap at 0x40 (type 4 = root port),
// ACS extended capability at 0x100 with cap SV|TB|RR|CR|UF and control SV|RR|CR|UF.
const ROOT_PORT = cfg(4096, [
  ...ids(0x8086, 0x7ab8),
  STATUS_CAPS,
  [0x09, 1, 0x00], [0x0a, 1, 0x04], [0x0b, 1, 0x06],
  [0x0e, 1, 0x01],
  [0x18, 1, 0x00], [0x19, 1, 0x01], [0x1a, 1, 0x01],
  [0x34, 1, 0x40],
  [0x40, 1, 0x10], [0x41, 1, 0x00], [0x42, 2, 0x0042],
  [0x100, 4, 0x0001000d], [0x104, 2, 0x001f], [0x106, 2, 0x001d],
]);
// NIC 8086:10fb at 01:00.0: PCIe endpoint (cap at 0x70), SR-IOV at 0x100 (2 of 64 VFs, offset 128, stride 2, VF id 10ed), ATS at 0x140.
const PF = cfg(4096, [
  ...ids(0x8086, 0x10fb),
  STATUS_CAPS,
  [0x0a, 1, 0x00], [0x0b, 1, 0x02],
  [0x2c, 2, 0x8086], [0x2e, 2, 0x000c],
  [0x34, 1, 0x70],
  [0x70, 1, 0x10], [0x71, 1, 0x00], [0x72, 2, 0x0002],
  [0x100, 4, 0x14010010], [0x10c, 2, 64], [0x10e, 2, 64], [0x110, 2, 2], [0x114, 2, 128], [0x116, 2, 2], [0x11a, 2, 0x10ed],
  [0x140, 4, 0x0001000f],
]);
const VF = cfg(4096, [...ids(0xffff, 0xffff), STATUS_CAPS, [0x34, 1, 0x70], [0x70, 1, 0x10], [0x72, 2, 0x0002]]);
// A conventional function read without root: 64 bytes.
const SHORT = cfg(64, [...ids(0x8086, 0x7a23), [0x0a, 1, 0x05], [0x0b, 1, 0x0c]]);

const DUMP = [
  '# dmasim sysfs dump',
  `0000:00:1c.0 ${ROOT_PORT}`,
  `0000:01:00.0 ${PF}`,
  `0000:01:10.0 ${VF}`,
  `0000:01:10.2 ${VF}`,
  `0000:00:17.0 ${SHORT}`,
  '/sys/kernel/iommu_groups/0/devices/INT33C2:00',
  '/sys/kernel/iommu_groups/1/devices/0000:00:17.0',
  '/sys/kernel/iommu_groups/2/devices/0000:00:1c.0',
  '/sys/kernel/iommu_groups/3/devices/0000:01:00.0',
  '/sys/kernel/iommu_groups/4/devices/0000:01:10.0',
  '/sys/kernel/iommu_groups/5/devices/0000:01:10.2',
  '',
].join('\n');

describe('decodeConfigSpace', () => {
  it('reads ids, class, header type, bridge buses, PCIe type and ACS from raw bytes', () => {
    const bytes = Uint8Array.from(ROOT_PORT.match(/../g)!, (h) => parseInt(h, 16));
    const r = decodeConfigSpace(bytes, { line: 1, segment: 0, bus: 0, devfn: 0xe0, name: 'x' }, { errors: [], warnings: [] })!;
    expect([r.vendor, r.device, r.classCode, r.isBridge, r.secondary, r.subordinate, r.pcieType, r.acs]).toEqual([
      0x8086, 0x7ab8, 0x060400, true, 1, 1, 'root-port', { cap: 0x1f, ctl: 0x1d },
    ]);
  });
});

describe('parseSysfsDump', () => {
  it('builds the machine, folds the VFs into the PF, and its groups match the recorded ones', () => {
    const r = parseSysfsDump(DUMP, { source: 'dump.txt' });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([['SYSFS_NO_CAPS', 6]]);
    const { topology, errors } = buildTopology(r.nodes);
    expect(errors).toEqual([]);
    const pf = topology.find('01:00.0')!;
    expect([pf.ats, pf.sriov?.numVfs, pf.sriov?.totalVfs, pf.sriov?.vfDevice, pf.subVendor, pf.subDevice]).toEqual([true, 2, 64, 0x10ed, 0x8086, 0x000c]);
    expect(topology.find('01:10.2')!.isVirtfn).toBe(true);
    expect(topology.platformDevices.map((p) => p.name)).toEqual(['INT33C2:00']);
    expect(compareGroups(formIommuGroups(topology), r.recordedGroups)).toEqual([]);
  });

  it('shows where the model and the dump disagree', () => {
    // Claim 00:17.0 shares the root port's group: the comparison names both sides.
    const r = parseSysfsDump(DUMP.replace('iommu_groups/1/devices/0000:00:17.0', 'iommu_groups/2/devices/0000:00:17.0'));
    const { topology } = buildTopology(r.nodes);
    expect(compareGroups(formIommuGroups(topology), r.recordedGroups)).toEqual([{ device: '0000:00:17.0', recorded: 2, computed: 1 }]);
  });

  it('reports malformed lines with line numbers', () => {
    const err = (text: string) => parseSysfsDump(text).errors.map((e) => [e.code, e.line]);
    expect(err('hello\n')).toEqual([['SYSFS_BAD_LINE', 1]]);
    expect(err(`# x\n0000:00:00.0 12 3\n`)).toEqual([['SYSFS_BAD_HEX', 2]]);
    expect(err(`0000:00:00.0 ${'00'.repeat(16)}\n`)).toEqual([['SYSFS_SHORT_CONFIG', 1]]);
    expect(err(`0000:00:00.0 ${SHORT}\n0000:00:00.0 ${SHORT}\n`)).toEqual([['SYSFS_DUP_DEVICE', 2]]);
    expect(err('')).toEqual([['SYSFS_EMPTY', 0]]);
    // A vendor id of ffff that is not a VF of any PF in the dump.
    expect(err(`0000:00:00.0 ${VF}\n`)).toEqual([['IMPORT_NO_DEVICE', 1]]);
  });
});
