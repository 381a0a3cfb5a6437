import { describe, expect, it } from 'vitest';
import { parseCmdline } from '../cmdline.js';
import { formatVtdFault, formatVtdFaultStatus, vtdFaultReasonText } from './fault.js';
import { parseIntelOptions } from './options.js';

const debian = { defaultOn: false, defaultOnIntgpuOff: true, scalableModeDefaultOn: true };
const upstream = { defaultOn: false, defaultOnIntgpuOff: false, scalableModeDefaultOn: false };

describe('intel_iommu= (intel_iommu_setup)', () => {
  it('Debian: on by default, integrated GPU unmapped until intel_iommu=on', () => {
    const o = parseIntelOptions([], debian);
    expect(o.dmarDisabled).toBe(false);
    expect(o.mapIntgpu).toBe(false);
    expect(o.log).toEqual([]);
    const on = parseIntelOptions(parseCmdline('intel_iommu=on'), debian);
    expect(on.mapIntgpu).toBe(true);
    expect(on.log).toEqual(['DMAR: IOMMU enabled']);
  });
  it('upstream without INTEL_IOMMU_DEFAULT_ON: off until intel_iommu=on', () => {
    expect(parseIntelOptions([], upstream).dmarDisabled).toBe(true);
    expect(parseIntelOptions(parseCmdline('intel_iommu=on'), upstream).dmarDisabled).toBe(false);
  });
  it('parses a comma list by prefix, printing each option', () => {
    const o = parseIntelOptions(parseCmdline('intel_iommu=on,igfx_off,sp_off,strict,forcedac'), debian);
    expect(o.log).toEqual([
      'DMAR: IOMMU enabled',
      'DMAR: Disable GFX device mapping',
      'DMAR: Disable supported super page',
      'DMAR: intel_iommu=strict deprecated; use iommu.strict=1 instead',
      'DMAR: intel_iommu=forcedac deprecated; use iommu.forcedac instead',
    ]);
    expect(o.mapGfx).toBe(false);
    expect(o.superpage).toBe(false);
    expect(o.strict).toBe(true);
    expect(o.forceDac).toBe(true);
  });
  it('an unknown option prints the rest of the string', () => {
    expect(parseIntelOptions(parseCmdline('intel_iommu=bogus,on'), debian).log).toEqual(["DMAR: Unknown option - 'bogus,on'", 'DMAR: IOMMU enabled']);
  });
  it('off disables, the last one wins', () => {
    expect(parseIntelOptions(parseCmdline('intel_iommu=off'), debian)).toMatchObject({ dmarDisabled: true, log: ['DMAR: IOMMU disabled'] });
    expect(parseIntelOptions(parseCmdline('intel_iommu=off intel_iommu=on'), debian).dmarDisabled).toBe(false);
  });
});

describe('DMAR fault lines (dmar.c dmar_fault_do_one), shapes of ../shared/golden/dma-fault-lines.txt', () => {
  it('formats a legacy write fault with the page address', () => {
    expect(formatVtdFault({ sourceId: (0x01 << 8) | 0, addr: 0x200123n, reason: 5, write: true })).toBe(
      'DMAR: [DMA Write NO_PASID] Request device [01:00.0] fault addr 0x200000 [fault reason 0x05] PTE Write access is not set',
    );
  });
  it('reproduces golden lines (Dasharo #641, tt-umd #1814)', () => {
    expect(formatVtdFault({ sourceId: (0 << 8) | (2 << 3), addr: 0x7cd80000n, reason: 1, write: false })).toBe(
      'DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7cd80000 [fault reason 0x01] Present bit in root entry is clear',
    );
    expect(formatVtdFault({ sourceId: 0x0300, addr: 0x100000n, reason: 0x71, write: false })).toBe(
      'DMAR: [DMA Read NO_PASID] Request device [03:00.0] fault addr 0x100000 [fault reason 0x71] SM: Present bit in first-level paging entry is clear',
    );
    expect(formatVtdFaultStatus(2)).toBe('DMAR: DRHD: handling fault status reg 2');
    expect(formatVtdFaultStatus(0x402)).toBe('DMAR: DRHD: handling fault status reg 402');
  });
  it('looks reasons up in the right table', () => {
    expect(vtdFaultReasonText(0x06).text).toBe('PTE Read access is not set');
    expect(vtdFaultReasonText(0x0c).text).toBe('non-zero reserved fields in PTE');
    expect(vtdFaultReasonText(0x22)).toEqual({ text: 'Present field in the IRTE entry is clear', kind: 'intr-remap' });
    expect(vtdFaultReasonText(0x33).text).toBe('Unknown');
    expect(vtdFaultReasonText(0x0e).text).toBe('Unknown');
    expect(formatVtdFault({ sourceId: 0x10, addr: 0x0005_0000_0000_0000n, reason: 0x22, write: false, pasid: 3 })).toBe(
      'DMAR: [INTR-REMAP] Request device [00:02.0] fault index 0x5 [fault reason 0x22] Present field in the IRTE entry is clear',
    );
    expect(formatVtdFault({ sourceId: 0x10, addr: 0x1000n, reason: 0x06, write: false, pasid: 0x2a })).toContain('[DMA Read PASID 0x2a]');
  });
});
