import type { VtdPlatform } from '@dmasim/iommu-core';

export type PlatformName = 'intel-vtd' | 'none';
export const PLATFORMS: readonly PlatformName[] = ['intel-vtd', 'none'];

export interface Platform {
  readonly name: PlatformName;
  readonly vtd?: VtdPlatform;
  /**
   * Host-bridge memory windows (inclusive). dma-iommu reserves them in every PCI
   * device's IOVA space (dma-iommu.c iova_reserve_pci_windows) so that DMA never
   * targets an address that would be routed peer-to-peer.
   */
  readonly hostBridgeWindows: readonly { start: bigint; end: bigint }[];
  /** The IOAPIC/MSI window VT-d reports as IOMMU_RESV_MSI (intel/iommu.c intel_iommu_get_resv_regions). */
  readonly msiWindow: { start: bigint; end: bigint };
}

export interface PlatformError {
  readonly code: 'PLATFORM_UNKNOWN' | 'PLATFORM_ATTR' | 'PLATFORM_UNSUPPORTED';
  readonly message: string;
  readonly attr?: string;
  readonly hint?: string;
}

const VTD_ATTRS = ['aw', 'sp2m', 'sp1g', 'pt', 'cm', 'nfr', 'igfx-drhd', 'sm'] as const;

function onOff(v: string | true): boolean | undefined {
  if (v === true || v === 'on' || v === 'y' || v === '1' || v === 'yes') return true;
  if (v === 'off' || v === 'n' || v === '0' || v === 'no') return false;
  return undefined;
}

/**
 * Builds a platform from `platform NAME attr…`. intel-vtd attributes: aw=39|48|57
 * (domain address width, default 48), sp2m / sp1g (CAP.SLLPS superpages, default on),
 * pt (ECAP.PT, default on), cm (CAP.CM caching mode, default off), nfr=N (fault
 * recording registers, default 1), igfx-drhd (a DRHD dedicated to the integrated GPU,
 * default on), sm (scalable-mode hardware: only off is modelled).
 */
export function buildPlatform(name: string, attrs: Readonly<Record<string, string | true>>): { platform?: Platform; errors: PlatformError[] } {
  const errors: PlatformError[] = [];
  const base = {
    hostBridgeWindows: [
      { start: 0xa0000n, end: 0xbffffn },
      { start: 0xc0000000n, end: 0xfebfffffn },
    ],
    msiWindow: { start: 0xfee00000n, end: 0xfeefffffn },
  };
  if (name === 'none') {
    for (const k of Object.keys(attrs)) errors.push({ code: 'PLATFORM_ATTR', attr: k, message: `platform none takes no attributes (got ${k})` });
    return { platform: { name: 'none', ...base }, errors };
  }
  if (name !== 'intel-vtd') {
    return {
      errors: [{ code: 'PLATFORM_UNKNOWN', message: `unknown platform ${name}`, hint: `modelled platforms: ${PLATFORMS.join(', ')}` }],
    };
  }
  let aw: 39 | 48 | 57 = 48;
  let sp2m = true;
  let sp1g = true;
  let pt = true;
  let cm = false;
  let nfr = 1;
  let igfx = true;
  for (const [k, v] of Object.entries(attrs)) {
    const b = onOff(v);
    switch (k) {
      case 'aw':
        if (v === '39' || v === '48' || v === '57') aw = Number(v) as 39 | 48 | 57;
        else errors.push({ code: 'PLATFORM_ATTR', attr: k, message: `aw must be 39, 48 or 57 (got ${String(v)})` });
        break;
      case 'nfr': {
        const n = Number(v);
        if (Number.isInteger(n) && n >= 1 && n <= 256) nfr = n;
        else errors.push({ code: 'PLATFORM_ATTR', attr: k, message: `nfr must be 1..256 fault recording registers` });
        break;
      }
      case 'sm':
        if (b === true) {
          errors.push({
            code: 'PLATFORM_UNSUPPORTED',
            attr: k,
            message: 'scalable-mode VT-d hardware is not modelled yet',
            hint: 'use sm=off (legacy-mode hardware, second-stage tables for DMA domains)',
          });
        }
        break;
      case 'sp2m':
      case 'sp1g':
      case 'pt':
      case 'cm':
      case 'igfx-drhd':
        if (b === undefined) {
          errors.push({ code: 'PLATFORM_ATTR', attr: k, message: `${k} takes on or off` });
          break;
        }
        if (k === 'sp2m') sp2m = b;
        else if (k === 'sp1g') sp1g = b;
        else if (k === 'pt') pt = b;
        else if (k === 'cm') cm = b;
        else igfx = b;
        break;
      default:
        errors.push({ code: 'PLATFORM_ATTR', attr: k, message: `unknown intel-vtd attribute ${k}`, hint: `known: ${VTD_ATTRS.join(', ')}` });
    }
  }
  return {
    platform: {
      name: 'intel-vtd',
      vtd: {
        addressWidth: aw,
        superpages: { '2M': sp2m, '1G': sp1g },
        passThrough: pt,
        cachingMode: cm,
        faultRecords: nfr,
        gfxDedicatedDrhd: igfx,
      },
      ...base,
    },
    errors,
  };
}
