import { describe, expect, it } from 'vitest';
import { node } from './fixtures/node.js';
import { buildTopology, formatRid, pciForEachDmaAlias, pciRequesterId } from './index.js';
import type { PciTopology } from './index.js';

const walk = (t: PciTopology, b: string): [string, string][] => pciForEachDmaAlias(t, t.find(b)!).map((a) => [a.dev.bdf, formatRid(a.rid)]);

describe('pci_for_each_dma_alias (drivers/pci/search.c)', () => {
  it('S-7: devices behind a PCIe-to-PCI bridge alias to (secondary bus, 00.0)', () => {
    const { topology: t, errors } = buildTopology([
      node('root-port', '00:1c.0', { acs: 'full' }, [node('bridge', '01:00.0', {}, [node('device', '02:00.0'), node('device', '02:01.0')])]),
    ]);
    expect(errors).toEqual([]);
    expect(walk(t, '02:01.0')).toEqual([
      ['0000:02:01.0', '02:01.0'],
      ['0000:01:00.0', '02:00.0'],
    ]);
    expect(walk(t, '02:00.0')).toEqual([
      ['0000:02:00.0', '02:00.0'],
      ['0000:01:00.0', '02:00.0'],
    ]);
    expect(pciRequesterId(t, t.find('02:01.0')!)).toBe(0x0200);
    // Root and switch ports add nothing.
    expect(walk(t, '01:00.0')).toEqual([['0000:01:00.0', '01:00.0']]);
  });

  it('a conventional PCI-to-PCI bridge aliases to its own requester ID', () => {
    const { topology: t } = buildTopology([node('pci-bridge', '00:1e.0', {}, [node('device', '05:00.0'), node('device', '05:01.0')])]);
    expect(walk(t, '05:01.0')).toEqual([
      ['0000:05:01.0', '05:01.0'],
      ['0000:00:1e.0', '00:1e.0'],
    ]);
  });

  it('a PCI-to-PCIe (reverse) bridge aliases to its own requester ID', () => {
    const { topology: t } = buildTopology([node('pcie-bridge', '00:1e.0', {}, [node('device', '05:00.0')])]);
    expect(walk(t, '05:00.0')).toEqual([
      ['0000:05:00.0', '05:00.0'],
      ['0000:00:1e.0', '00:1e.0'],
    ]);
  });

  it('quirk_use_pcie_bridge_dma_alias: a conventional-looking 8086:244e below a PCIe port uses (secondary, 00.0)', () => {
    const { topology: t, errors } = buildTopology([
      node('root-port', '00:1c.0', {}, [node('pci-bridge', '01:00.0', { id: '8086:244e' }, [node('device', '02:03.0')])]),
      node('pci-bridge', '00:1e.0', { id: '8086:244e' }, [node('device', '05:00.0')]), // root bus: quirk does not apply
    ]);
    expect(errors).toEqual([]);
    expect(t.find('01:00.0')!.flags.pcieBridgeAlias).toBe(true);
    expect(t.find('00:1e.0')!.flags.pcieBridgeAlias).toBe(false);
    expect(walk(t, '02:03.0')).toEqual([
      ['0000:02:03.0', '02:03.0'],
      ['0000:01:00.0', '02:00.0'],
    ]);
  });

  it('BRIDGE_XLATE_ROOT stops the walk at that bridge', () => {
    const { topology: t } = buildTopology([
      node('root-port', '00:00.0', { 'bridge-xlate-root': true }, [node('bridge', '01:00.0', {}, [node('device', '02:00.0')])]),
      node('root-port', '00:01.0', { id: '14e4:9000' }, [node('pci-bridge', '03:00.0', {}, [node('device', '04:00.0')])]),
    ]);
    expect(walk(t, '02:00.0')).toEqual([
      ['0000:02:00.0', '02:00.0'],
      ['0000:01:00.0', '02:00.0'],
    ]);
    // quirk_bridge_cavm_thrx2_pcie_root by id; the walk stops at the root port, after the PCI bridge.
    expect(t.find('00:01.0')!.flags.bridgeXlateRoot).toBe(true);
    expect(walk(t, '04:00.0')).toEqual([
      ['0000:04:00.0', '04:00.0'],
      ['0000:03:00.0', '03:00.0'],
    ]);
  });

  it('S-10: Marvell 88SE9123 function 0 also uses function 1 (quirk_dma_func1_alias), with the kernel log line', () => {
    const { topology: t } = buildTopology([node('root-port', '00:1c.0', { acs: 'full' }, [node('device', '03:00.0', { id: '1b4b:9123', class: 'sata' })])]);
    expect(walk(t, '03:00.0')).toEqual([
      ['0000:03:00.0', '03:00.0'],
      ['0000:03:00.0', '03:00.1'],
    ]);
    expect(t.log).toEqual(['pci 0000:03:00.0: Enabling fixed DMA alias to 00.1']);
  });

  it('dma-alias= adds aliases by hand; Ricoh functions alias function 0', () => {
    const { topology: t } = buildTopology([
      node('device', '00:05.0', { 'dma-alias': '10.0,11.0' }),
      node('device', '00:06.0', { id: '1180:e832' }),
      node('device', '00:06.1', { id: '1180:e832' }),
    ]);
    expect(walk(t, '00:05.0').map((a) => a[1])).toEqual(['00:05.0', '00:10.0', '00:11.0']);
    expect(walk(t, '00:06.1').map((a) => a[1])).toEqual(['00:06.1', '00:06.0']);
    expect(t.log).toEqual([
      'pci 0000:00:05.0: Enabling fixed DMA alias to 10.0',
      'pci 0000:00:05.0: Enabling fixed DMA alias to 11.0',
      'pci 0000:00:06.1: Enabling fixed DMA alias to 06.0',
    ]);
  });
});
