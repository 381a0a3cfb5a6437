import { describe, expect, it } from 'vitest';
import { node } from './fixtures/node.js';
import {
  ACS_CR,
  ACS_EC,
  ACS_RR,
  ACS_SV,
  ACS_TB,
  ACS_UF,
  REQ_ACS_FLAGS,
  buildTopology,
  pciAcsEnabled,
  pciAcsPathEnabled,
  pciEnableAcs,
  pciEnableAcsAll,
} from './index.js';

describe('ACS flags', () => {
  it('REQ_ACS_FLAGS is SV|RR|CR|UF with the pci_regs.h bit values', () => {
    expect([ACS_SV, ACS_TB, ACS_RR, ACS_CR, ACS_UF, ACS_EC]).toEqual([0x01, 0x02, 0x04, 0x08, 0x10, 0x20]);
    expect(REQ_ACS_FLAGS).toBe(0x1d);
  });
});

describe('pci_acs_enabled (drivers/pci/pci.c)', () => {
  const { topology: t } = buildTopology([
    node('root-port', '00:01.0', { acs: 'full' }),
    node('root-port', '00:02.0', { acs: 'none' }),
    node('root-port', '00:03.0', { 'acs-cap': 'sv,rr', 'acs-ctl': 'sv,rr' }), // CR/UF not implemented: hard-wired
    node('root-port', '00:04.0', { 'acs-cap': 'sv,rr,cr,uf', 'acs-ctl': 'sv,rr' }),
    node('root-port', '00:05.0', { 'acs-cap': '0' }),
    node('device', '00:06.0'), // single-function endpoint
    node('device', '00:07.0'),
    node('device', '00:07.1', { acs: 'full' }),
    node('device', '00:08.0', { type: 'pci' }),
    node('bridge', '00:09.0', { type: 'pcie-to-pci-bridge' }),
    node('device', '00:0a.0', { type: 'rc-event-collector' }),
    node('root-port', '00:0b.0', { 'acs-cap': 'sv,rr,cr,uf,ec', 'acs-ctl': 'sv,rr,cr,uf' }),
  ]);
  const en = (b: string, flags = REQ_ACS_FLAGS): boolean => pciAcsEnabled(t, t.find(b)!, flags);

  it('root/downstream ports need the capability and the control bits', () => {
    expect(en('00:01.0')).toBe(true);
    expect(en('00:02.0')).toBe(false);
    expect(en('00:03.0')).toBe(true); // flags the capability lacks count as enabled
    expect(en('00:04.0')).toBe(false);
    expect(en('00:05.0')).toBe(true); // capability present, nothing implemented
  });
  it('Egress Control is required even when not implemented', () => {
    expect(en('00:05.0', ACS_EC)).toBe(false);
    expect(en('00:0b.0', REQ_ACS_FLAGS | ACS_EC)).toBe(false);
  });
  it('single-function endpoints are isolated; multifunction ones need ACS', () => {
    expect(en('00:06.0')).toBe(true);
    expect(en('00:07.0')).toBe(false);
    expect(en('00:07.1')).toBe(true);
  });
  it('conventional PCI, PCIe-to-PCI bridges and RC event collectors are never isolated', () => {
    expect(en('00:08.0')).toBe(false);
    expect(en('00:09.0')).toBe(false);
    expect(en('00:0a.0')).toBe(false);
  });
});

describe('pci_acs_path_enabled', () => {
  it('walks from a device up to the root bus', () => {
    const { topology: t } = buildTopology([
      node('root-port', '00:1c.0', { acs: 'full' }, [node('switch', '01:00.0', {}, [node('downstream-port', '02:00.0', { acs: 'full' }, [node('device', '03:00.0')])])]),
      node('root-port', '00:1d.0', {}, [node('device', '04:00.0')]),
    ]);
    expect(pciAcsPathEnabled(t, t.find('03:00.0')!, REQ_ACS_FLAGS)).toBe(true);
    expect(pciAcsPathEnabled(t, t.find('04:00.0')!, REQ_ACS_FLAGS)).toBe(false);
    // With an end device the walk stops there.
    expect(pciAcsPathEnabled(t, t.find('03:00.0')!, REQ_ACS_FLAGS, t.find('01:00.0'))).toBe(true);
  });
});

describe('pci_enable_acs / pci_std_enable_acs', () => {
  it('sets SV/RR/CR/UF where the capability has them; TB only for external-facing/untrusted or pci=noats', () => {
    const { topology: t } = buildTopology([
      node('root-port', '00:01.0', { 'acs-cap': 'sv,tb,rr,cr,uf,dt' }),
      node('root-port', '00:02.0', { 'acs-cap': 'sv,tb,rr,cr,uf', 'external-facing': true }, [
        node('switch', '01:00.0', {}, [node('downstream-port', '02:00.0', { 'acs-cap': 'sv,tb,rr' })]),
      ]),
      node('root-port', '00:03.0', { 'acs-cap': 'sv,tb', 'acs-ctl': 'tb' }),
      node('root-port', '00:04.0'),
    ]);
    pciEnableAcsAll(t);
    expect(t.find('00:01.0')!.acsCtl).toBe(ACS_SV | ACS_RR | ACS_CR | ACS_UF);
    expect(t.find('00:02.0')!.acsCtl).toBe(ACS_SV | ACS_TB | ACS_RR | ACS_CR | ACS_UF);
    expect(t.find('02:00.0')!.acsCtl).toBe(ACS_SV | ACS_TB | ACS_RR); // untrusted
    expect(t.find('00:03.0')!.acsCtl).toBe(ACS_SV | ACS_TB); // firmware bit kept
    expect(t.find('00:04.0')!.acsCtl).toBe(0);
    const { topology: u } = buildTopology([node('root-port', '00:01.0', { 'acs-cap': 'sv,tb,rr' })]);
    pciEnableAcs(u.find('00:01.0')!, { atsDisabled: true });
    expect(u.find('00:01.0')!.acsCtl).toBe(ACS_SV | ACS_TB | ACS_RR);
  });
});

describe('ACS quirks (drivers/pci/quirks.c pci_dev_acs_enabled[])', () => {
  it('pci_quirk_mf_endpoint_acs isolates functions of listed NICs', () => {
    const { topology: t } = buildTopology([node('device', '00:19.0', { id: '8086:1521' }), node('device', '00:19.1', { id: '8086:1521' })]);
    expect(pciAcsEnabled(t, t.find('00:19.1')!, REQ_ACS_FLAGS)).toBe(true);
  });
  it('pci_quirk_amd_sb_acs needs an IVRS table and a multifunction root-bus device; only RR|CR are provided', () => {
    const { topology: t } = buildTopology([node('device', '00:14.0', { id: '1002:4385', type: 'pci' }), node('device', '00:14.3', { id: '1002:439d', type: 'pci' })]);
    const d = t.find('00:14.0')!;
    expect(pciAcsEnabled(t, d, REQ_ACS_FLAGS)).toBe(false); // no IVRS: quirk does not apply, conventional → false
    t.platform.acpiIvrs = true;
    expect(pciAcsEnabled(t, d, REQ_ACS_FLAGS)).toBe(true); // SV/UF filtered out for multifunction
    expect(pciAcsEnabled(t, d, ACS_RR | ACS_CR | ACS_EC)).toBe(false);
  });
  it('Intel RCiEPs are isolated (pci_quirk_rciep_acs); other vendors are not', () => {
    const { topology: t } = buildTopology([
      node('device', '00:08.0', { id: '8086:1234', type: 'rc-integrated-endpoint' }),
      node('device', '00:08.1', { id: '8086:1235', type: 'rc-integrated-endpoint' }),
      node('device', '00:09.0', { id: '1234:1234', type: 'rc-integrated-endpoint' }),
      node('device', '00:09.1', { id: '1234:1234', type: 'rc-integrated-endpoint' }),
    ]);
    expect(pciAcsEnabled(t, t.find('00:08.1')!, REQ_ACS_FLAGS)).toBe(true);
    expect(pciAcsEnabled(t, t.find('00:09.1')!, REQ_ACS_FLAGS)).toBe(false);
  });
  it('Intel PCH root ports count as isolated only after the enable quirk ran', () => {
    const { topology: t } = buildTopology([node('root-port', '00:1c.0', { id: '8086:1c10' })]);
    const rp = t.find('00:1c.0')!;
    expect(pciAcsEnabled(t, rp, REQ_ACS_FLAGS)).toBe(false);
    expect(pciEnableAcs(rp)).toEqual(['pci 0000:00:1c.0: Intel PCH root port ACS workaround enabled']);
    expect(pciAcsEnabled(t, rp, REQ_ACS_FLAGS)).toBe(true);
  });
});
