/**
 * ACS checks and ACS enabling (drivers/pci/pci.c): pci_acs_enabled,
 * pci_acs_flags_enabled, pci_acs_path_enabled, pci_enable_acs / pci_std_enable_acs,
 * plus the enable quirks of quirks.c pci_dev_specific_enable_acs.
 */
import { ACS_CR, ACS_EC, ACS_RR, ACS_SV, ACS_TB, ACS_UF, formatAcsFlags } from './acs-flags.js';
import { devSpecificAcsEnabled, isIntelSptPchRootPort, INTEL_PCH_ACS_IDS } from './quirks.js';
import type { PciTopology } from './topology.js';
import type { PciDevice } from './types.js';

export interface AcsVerdict {
  enabled: boolean;
  /** Why, in words: which rule of pci_acs_enabled decided. */
  why: string;
}

/** pci.c pci_acs_flags_enabled: unimplemented bits count as hard-wired on, except Egress Control. */
function flagsEnabled(dev: PciDevice, flags: number): AcsVerdict {
  if (dev.acsCap === undefined) return { enabled: false, why: 'has no ACS capability' };
  const required = flags & (dev.acsCap | ACS_EC);
  const missing = required & ~dev.acsCtl;
  return missing === 0
    ? { enabled: true, why: `ACS control has ${formatAcsFlags(required)}` }
    : { enabled: false, why: `ACS control lacks ${formatAcsFlags(missing)}` };
}

/** pci_acs_enabled with the reason. */
export function pciAcsExplain(topo: PciTopology, dev: PciDevice, flags: number): AcsVerdict {
  const q = devSpecificAcsEnabled(dev, flags, topo.platform);
  if (q) return { enabled: q.enabled, why: `ACS quirk ${q.kernelFn} says ${q.enabled ? 'isolated' : 'not isolated'}` };
  if (!dev.isPcie) return { enabled: false, why: 'is conventional PCI (never isolated)' };
  switch (dev.pcieType) {
    case 'pci-to-pcie-bridge':
    case 'pcie-to-pci-bridge':
    case 'rc-event-collector':
      return { enabled: false, why: `is a ${dev.pcieType ?? ''} (ACS never applicable)` };
    case 'downstream-port':
    case 'root-port':
      return flagsEnabled(dev, flags);
    default:
      // Endpoint, upstream port, legacy endpoint, RC integrated endpoint.
      if (!dev.multifunction) return { enabled: true, why: 'is single-function (no internal peer-to-peer)' };
      return flagsEnabled(dev, flags);
  }
}

/** drivers/pci/pci.c pci_acs_enabled. */
export function pciAcsEnabled(topo: PciTopology, dev: PciDevice, flags: number): boolean {
  return pciAcsExplain(topo, dev, flags).enabled;
}

/**
 * drivers/pci/pci.c pci_acs_path_enabled: every device from `start` up to `end`
 * (or to the root bus when end is undefined) must pass pci_acs_enabled.
 */
export function pciAcsPathEnabled(topo: PciTopology, start: PciDevice, flags: number, end?: PciDevice): boolean {
  return pciAcsPathFailure(topo, start, flags, end) === undefined;
}

/** The first device on the path that fails, with why; undefined when the path is enabled. */
export function pciAcsPathFailure(
  topo: PciTopology,
  start: PciDevice,
  flags: number,
  end?: PciDevice,
): { dev: PciDevice; why: string } | undefined {
  let pdev: PciDevice = start;
  for (;;) {
    const v = pciAcsExplain(topo, pdev, flags);
    if (!v.enabled) return { dev: pdev, why: v.why };
    if (pdev.onBus.isRoot) return end === undefined ? undefined : { dev: pdev, why: 'reached the root bus before the end device' };
    if (pdev === end) return undefined;
    pdev = pdev.parent!;
  }
}

export interface EnableAcsOptions {
  /** `pci=noats`: Translation Blocking is enabled on every port that has it. */
  atsDisabled?: boolean;
}

/**
 * drivers/pci/pci.c pci_enable_acs, as run for each device when an IOMMU driver
 * called pci_request_acs() before enumeration. A device-specific enable quirk runs
 * first and, if it handles the device, the standard enable is skipped; otherwise
 * pci_std_enable_acs sets SV/RR/CR/UF where the capability has them, plus TB for
 * external-facing/untrusted devices or with ATS disabled. Firmware-set bits stay.
 * Returns kernel log lines.
 */
export function pciEnableAcs(dev: PciDevice, opts: EnableAcsOptions = {}): string[] {
  const log: string[] = [];
  // quirks.c pci_dev_specific_enable_acs: Intel PCH / SPT PCH root ports.
  if (dev.vendor === 0x8086 && dev.pcieType === 'root-port' && INTEL_PCH_ACS_IDS.includes(dev.device)) {
    // pci_quirk_enable_intel_pch_acs (the RCBA backbone writes are not modelled).
    dev.flags.acsEnabledQuirk = true;
    log.push(`pci ${dev.bdf}: Intel PCH root port ACS workaround enabled`);
    return log;
  }
  if (isIntelSptPchRootPort(dev) && dev.acsCap !== undefined) {
    // pci_quirk_enable_intel_spt_pch_acs: SV/RR/CR/UF on the dword-spaced control register.
    dev.acsCtl |= dev.acsCap & (ACS_SV | ACS_RR | ACS_CR | ACS_UF);
    log.push(`pci ${dev.bdf}: Intel SPT PCH root port ACS workaround enabled`);
    return log;
  }
  if (dev.acsCap === undefined) return log;
  // pci_std_enable_acs
  let ctl = dev.acsCtl;
  ctl |= dev.acsCap & (ACS_SV | ACS_RR | ACS_CR | ACS_UF);
  if (opts.atsDisabled === true || dev.externalFacing || dev.untrusted) ctl |= dev.acsCap & ACS_TB;
  dev.acsCtl = ctl;
  return log;
}

/** pci_enable_acs for every device, in enumeration order; returns the log lines. */
export function pciEnableAcsAll(topo: PciTopology, opts: EnableAcsOptions = {}): string[] {
  return topo.devices.flatMap((d) => pciEnableAcs(d, opts));
}
