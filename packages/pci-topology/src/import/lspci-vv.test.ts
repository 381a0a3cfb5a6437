import { describe, expect, it } from 'vitest';
import { buildTopology, formIommuGroups, parseLspciVerbose } from '../index.js';

const T = '\t';
/** A root port with ACS, a dual-port SR-IOV NIC with two VFs enabled on port 0, in lspci -vvnn form (ls-ecaps.c layouts). */
const SRIOV_DUMP = [
  `00:01.0 PCI bridge [0604]: Intel Corporation Device [8086:1901] (rev 07) (prog-if 00 [Normal decode])`,
  `${T}Bus: primary=00, secondary=01, subordinate=01, sec-latency=0`,
  `${T}Capabilities: [a0] Express (v2) Root Port (Slot+), MSI 00`,
  `${T}Capabilities: [140 v1] Access Control Services`,
  `${T}${T}ACSCap:${T}SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-`,
  `${T}${T}ACSCtl:${T}SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-`,
  `${T}Kernel driver in use: pcieport`,
  ``,
  `01:00.0 Ethernet controller [0200]: Intel Corporation 82599ES 10-Gigabit SFI/SFP+ Network Connection [8086:10fb] (rev 01)`,
  `${T}Subsystem: Intel Corporation Ethernet Server Adapter X520-2 [8086:000c]`,
  `${T}IOMMU group: 1`,
  `${T}Capabilities: [a0] Express (v2) Endpoint, MSI 00`,
  `${T}Capabilities: [140 v1] Device Serial Number 00-1b-21-ff-ff-00-00-00`,
  `${T}Capabilities: [150 v1] Alternative Routing-ID Interpretation (ARI)`,
  `${T}Capabilities: [160 v1] Single Root I/O Virtualization (SR-IOV)`,
  `${T}${T}IOVCap:${T}Migration-, Interrupt Message Number: 000`,
  `${T}${T}IOVCtl:${T}Enable+ Migration- Interrupt- MSE+ ARIHierarchy-`,
  `${T}${T}IOVSta:${T}Migration-`,
  `${T}${T}Initial VFs: 64, Total VFs: 64, Number of VFs: 2, Function Dependency Link: 00`,
  `${T}${T}VF offset: 128, stride: 2, Device ID: 10ed`,
  `${T}Kernel driver in use: ixgbe`,
  ``,
  `01:00.1 Ethernet controller [0200]: Intel Corporation 82599ES 10-Gigabit SFI/SFP+ Network Connection [8086:10fb] (rev 01)`,
  `${T}IOMMU group: 2`,
  `${T}Capabilities: [a0] Express (v2) Endpoint, MSI 00`,
  `${T}Capabilities: [1d0 v1] Address Translation Service (ATS)`,
  ``,
  `01:10.0 Ethernet controller [0200]: Intel Corporation 82599 Ethernet Controller Virtual Function [8086:10ed] (rev 01)`,
  `${T}IOMMU group: 3`,
  `${T}Capabilities: [70] Express (v2) Endpoint, MSI 00`,
  `${T}Kernel driver in use: ixgbevf`,
  ``,
  `01:10.2 Ethernet controller [0200]: Intel Corporation 82599 Ethernet Controller Virtual Function [8086:10ed] (rev 01)`,
  `${T}IOMMU group: 4`,
  `${T}Capabilities: [70] Express (v2) Endpoint, MSI 00`,
  ``,
].join('\n');

describe('parseLspciVerbose', () => {
  it('reads ids, classes, bridge buses, port types, ACS, ATS, SR-IOV, drivers and groups', () => {
    const r = parseLspciVerbose(SRIOV_DUMP, { source: 'nic.txt' });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.nodes).toHaveLength(1);
    const rp = r.nodes[0]!;
    expect([rp.kind, rp.bdf, rp.attrs['acs-cap'], rp.attrs['acs-ctl'], rp.attrs.secondary, rp.ref]).toEqual(['root-port', '0000:00:01.0', '0x1f', '0x1d', '01', 'nic.txt:1']);
    // The VFs listed in the dump are folded into the PF's sriov= (the model re-creates them).
    expect(rp.children.map((c) => c.bdf)).toEqual(['0000:01:00.0', '0000:01:00.1']);
    expect(rp.children[0]!.attrs).toMatchObject({ id: '8086:10fb', subsys: '8086:000c', class: '0x020000', type: 'endpoint', sriov: '2', 'sriov-total': '64', 'vf-offset': '128', 'vf-stride': '2', 'vf-id': '10ed' });
    expect(rp.children[1]!.attrs.ats).toBe(true);
    expect(r.drivers.get('0000:01:10.0')).toBe('ixgbevf');
    expect([...r.recordedGroups]).toEqual([
      ['0000:01:00.0', 1],
      ['0000:01:00.1', 2],
      ['0000:01:10.0', 3],
      ['0000:01:10.2', 4],
    ]);
    // Functions the kernel put in no group are taken as not behind the IOMMU.
    expect(rp.attrs.iommu).toBe('none');
  });

  it('rebuilds the VFs at the addresses the dump shows', () => {
    const r = parseLspciVerbose(SRIOV_DUMP);
    const { topology, errors } = buildTopology(r.nodes);
    expect(errors).toEqual([]);
    expect(topology.devices.filter((d) => d.isVirtfn).map((d) => [d.bdf, d.device])).toEqual([
      ['0000:01:10.0', 0x10ed],
      ['0000:01:10.2', 0x10ed],
    ]);
    const a = formIommuGroups(topology);
    // 00:01.0 has no recorded group (iommu=none here), so PCI groups start at 0.
    expect(['01:00.0', '01:00.1', '01:10.0', '01:10.2'].map((b) => a.groupOf(b)?.id)).toEqual([0, 1, 2, 3]);
  });

  it('warns when a VF the PF enables is not in the dump', () => {
    const cut = SRIOV_DUMP.split('\n01:10.2')[0]!;
    const r = parseLspciVerbose(cut);
    expect(r.warnings.map((w) => [w.code, w.line])).toEqual([['IMPORT_VF_MISSING', 9]]);
  });

  it('reads the multifunction and bridge bits from a -x hex dump', () => {
    const r = parseLspciVerbose(['00:1f.0 ISA bridge [0601]: Intel Corporation Device [8086:a30e]', '00: 86 80 0e a3 07 04 00 02 10 00 01 06 00 00 80 00', ''].join('\n'));
    expect(r.nodes[0]!.attrs.multifunction).toBe(true);
  });

  it('reads classes by name without -nn, and warns that ids are missing', () => {
    const r = parseLspciVerbose(['00:1c.0 PCI bridge: Intel Corporation Device (prog-if 00 [Normal decode])', `${T}Bus: primary=00, secondary=02, subordinate=02, sec-latency=0`, ''].join('\n'));
    expect([r.nodes[0]!.kind, r.nodes[0]!.attrs.class, r.nodes[0]!.attrs.id]).toEqual(['pci-bridge', '0x060400', undefined]);
    expect(r.warnings.map((w) => w.code)).toEqual(['LSPCI_NO_IDS']);
  });

  it('reports malformed input with line numbers and what was expected', () => {
    const err = (text: string) => parseLspciVerbose(text).errors.map((e) => [e.code, e.line]);
    expect(err('hello world\n')).toEqual([['LSPCI_NOT_LSPCI', 1]]);
    expect(err('00:20.0 Host bridge [0600]: X [8086:1234]\n')).toEqual([['LSPCI_BAD_ADDRESS', 1]]);
    expect(err('00:00.0 Host bridge [0600]: X [8086:1234]\n00:00.0 Host bridge [0600]: X [8086:1234]\n')).toEqual([['LSPCI_DUP_DEVICE', 2]]);
    expect(err(`00:01.0 PCI bridge [0604]: X [8086:1234]\n${T}Bus: primary=00, secondary=zz\n`)).toEqual([['LSPCI_BAD_BUS', 2]]);
    const acs = parseLspciVerbose(`00:01.0 PCI bridge [0604]: X [8086:1234]\n${T}Capabilities: [140 v1] Access Control Services\n${T}${T}ACSCap:${T}SrcValid+ Bogus+\n`);
    expect(acs.errors.map((e) => [e.code, e.line])).toEqual([['LSPCI_BAD_ACS', 3]]);
    expect(acs.errors[0]!.hint).toContain('SrcValid');
    expect(err('')).toEqual([['LSPCI_EMPTY', 0]]);
    expect(err(`${T}Kernel driver in use: x\n`)).toEqual([['LSPCI_NOT_LSPCI', 1]]);
  });
});
