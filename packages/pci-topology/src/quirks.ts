/**
 * Device quirks as data (drivers/pci/quirks.c). Two kinds:
 *  - header fixups that add DMA aliases or set dev_flags, applied by vendor:device
 *    when the topology is built (DECLARE_PCI_FIXUP_HEADER entries);
 *  - the ACS quirk table `pci_dev_acs_enabled[]` consulted first by pci_acs_enabled(),
 *    and the enable-ACS quirks of `pci_dev_specific_enable_acs()`.
 * Device lists: [V] = read in quirks.c (v4.14-era text), [R] = added later, recalled.
 */
import { ACS_CR, ACS_DT, ACS_EC, ACS_RR, ACS_SV, ACS_TB, ACS_UF } from './acs-flags.js';
import type { PciDevice, PciPlatform } from './types.js';

export const ANY_ID = 0xffff; // PCI_ANY_ID as a u16 table entry

/** A header fixup: what it does to a matching device. */
export interface HeaderQuirk {
  vendor: number;
  device: number;
  /** quirks.c function name. */
  kernelFn: string;
  /** Subsystem ids to match (fixed_dma_alias_tbl uses PCI_DEVICE_SUB). */
  subVendor?: number;
  subDevice?: number;
}

/** Functions other than 0 use function 0's requester ID (quirk_dma_func0_alias). */
export const DMA_FUNC0_ALIAS_IDS: readonly HeaderQuirk[] = [
  { vendor: 0x1180, device: 0xe832, kernelFn: 'quirk_dma_func0_alias' }, // Ricoh [V]
  { vendor: 0x1180, device: 0xe476, kernelFn: 'quirk_dma_func0_alias' }, // Ricoh [V]
  { vendor: 0x6766, device: 0x3d40, kernelFn: 'quirk_dma_func0_alias' }, // Glenfly [V patch]
  { vendor: 0x6766, device: 0x3d41, kernelFn: 'quirk_dma_func0_alias' }, // Glenfly [V patch]
];

/** Functions other than 1 also use function 1's requester ID (quirk_dma_func1_alias). */
export const DMA_FUNC1_ALIAS_IDS: readonly HeaderQuirk[] = [
  // Marvell (PCI_VENDOR_ID_MARVELL_EXT 0x1b4b) SATA: [V] 9120 9123 9130 9172 917a 9182 91a0 9230; [R] 9125 9128 9183 9215 9220 9235
  ...[0x9120, 0x9123, 0x9125, 0x9128, 0x9130, 0x9172, 0x917a, 0x9182, 0x9183, 0x91a0, 0x9215, 0x9220, 0x9230, 0x9235].map(
    (device) => ({ vendor: 0x1b4b, device, kernelFn: 'quirk_dma_func1_alias' }),
  ),
  { vendor: 0x1103, device: 0x0642, kernelFn: 'quirk_dma_func1_alias' }, // TTI [V]
  { vendor: 0x1103, device: 0x0645, kernelFn: 'quirk_dma_func1_alias' }, // TTI [R]
  { vendor: 0x197b, device: 0x2393, kernelFn: 'quirk_dma_func1_alias' }, // JMicron JMB388 ESD [V]
  { vendor: 0x1c28, device: 0x0122, kernelFn: 'quirk_dma_func1_alias' }, // Lite-On Plextor M6E [V]
];

/** Fixed alias independent of the device's devfn (fixed_dma_alias_tbl, quirk_fixed_dma_alias) [V]. */
export const FIXED_DMA_ALIAS_IDS: readonly (HeaderQuirk & { aliasDevfn: number })[] = [
  { vendor: 0x9005, device: 0x0285, subVendor: 0x9005, subDevice: 0x02bb, aliasDevfn: 0x08, kernelFn: 'quirk_fixed_dma_alias' }, // Adaptec 3405
  { vendor: 0x9005, device: 0x0285, subVendor: 0x9005, subDevice: 0x02bc, aliasDevfn: 0x08, kernelFn: 'quirk_fixed_dma_alias' }, // Adaptec 3805
];

/** MIC x200 NTB: several alien RIDs (quirk_mic_x200_dma_alias) [V]. */
export const MIC_X200_ALIAS_IDS: readonly (HeaderQuirk & { aliasDevfns: readonly number[] })[] = [0x2260, 0x2264].map((device) => ({
  vendor: 0x8086,
  device,
  kernelFn: 'quirk_mic_x200_dma_alias',
  aliasDevfns: [0x10 << 3, 0x11 << 3, (0x12 << 3) | 3],
}));

/** PCIe-to-PCI bridges hiding their PCIe capability (quirk_use_pcie_bridge_dma_alias) [V]. */
export const PCIE_BRIDGE_ALIAS_IDS: readonly HeaderQuirk[] = [
  { vendor: 0x1b21, device: 0x1080, kernelFn: 'quirk_use_pcie_bridge_dma_alias' }, // ASMedia ASM1083/1085
  { vendor: 0x10e3, device: 0x8113, kernelFn: 'quirk_use_pcie_bridge_dma_alias' }, // Tundra 8113
  { vendor: 0x1283, device: 0x8892, kernelFn: 'quirk_use_pcie_bridge_dma_alias' }, // ITE 8892
  { vendor: 0x1283, device: 0x8893, kernelFn: 'quirk_use_pcie_bridge_dma_alias' }, // ITE 8893
  { vendor: 0x8086, device: 0x244e, kernelFn: 'quirk_use_pcie_bridge_dma_alias' }, // Intel 82801
];

/** Root ports where the translation unit sits (quirk_bridge_cavm_thrx2_pcie_root) [V]. */
export const BRIDGE_XLATE_ROOT_IDS: readonly HeaderQuirk[] = [
  { vendor: 0x14e4, device: 0x9000, kernelFn: 'quirk_bridge_cavm_thrx2_pcie_root' },
  { vendor: 0x14e4, device: 0x9084, kernelFn: 'quirk_bridge_cavm_thrx2_pcie_root' },
];

const matches = (q: HeaderQuirk, d: { vendor: number; device: number; subVendor: number; subDevice: number }): boolean =>
  (q.vendor === ANY_ID || q.vendor === d.vendor) &&
  (q.device === ANY_ID || q.device === d.device) &&
  (q.subVendor === undefined || q.subVendor === d.subVendor) &&
  (q.subDevice === undefined || q.subDevice === d.subDevice);

/** What the header fixups do to one device: alias devfns to add, flags to set. */
export interface HeaderQuirkEffect {
  aliasDevfns: number[];
  pcieBridgeAlias: boolean;
  bridgeXlateRoot: boolean;
  applied: string[];
}

/**
 * Header fixups for `dev` (drivers/pci/quirks.c DECLARE_PCI_FIXUP_HEADER entries above).
 * The PCIe-bridge-alias quirk also checks the device's position (quirk_use_pcie_bridge_dma_alias).
 */
export function headerQuirkEffect(dev: PciDevice): HeaderQuirkEffect {
  const eff: HeaderQuirkEffect = { aliasDevfns: [], pcieBridgeAlias: false, bridgeXlateRoot: false, applied: [] };
  if (DMA_FUNC0_ALIAS_IDS.some((q) => matches(q, dev))) {
    eff.applied.push('quirk_dma_func0_alias');
    if (dev.fn !== 0) eff.aliasDevfns.push(dev.slot << 3);
  }
  if (DMA_FUNC1_ALIAS_IDS.some((q) => matches(q, dev))) {
    eff.applied.push('quirk_dma_func1_alias');
    if (dev.fn !== 1) eff.aliasDevfns.push((dev.slot << 3) | 1);
  }
  const fixed = FIXED_DMA_ALIAS_IDS.find((q) => matches(q, dev));
  if (fixed) {
    eff.applied.push('quirk_fixed_dma_alias');
    eff.aliasDevfns.push(fixed.aliasDevfn);
  }
  const mic = MIC_X200_ALIAS_IDS.find((q) => matches(q, dev));
  if (mic) {
    eff.applied.push('quirk_mic_x200_dma_alias');
    eff.aliasDevfns.push(...mic.aliasDevfns);
  }
  if (PCIE_BRIDGE_ALIAS_IDS.some((q) => matches(q, dev))) {
    // Only a non-root, non-PCIe bridge whose upstream bridge is PCIe but not a PCIe-to-PCI bridge.
    const up = dev.parent;
    if (!dev.onBus.isRoot && dev.isBridge && !dev.isPcie && up?.isPcie === true && up.pcieType !== 'pcie-to-pci-bridge') {
      eff.applied.push('quirk_use_pcie_bridge_dma_alias');
      eff.pcieBridgeAlias = true;
    }
  }
  if (BRIDGE_XLATE_ROOT_IDS.some((q) => matches(q, dev))) {
    eff.applied.push('quirk_bridge_cavm_thrx2_pcie_root');
    eff.bridgeXlateRoot = true;
  }
  return eff;
}

// ---------------------------------------------------------------------------
// ACS quirks: pci_dev_acs_enabled[] (quirks.c). Each returns -1 (not applicable:
// -ENOTTY/-ENODEV, try the next entry / the standard check), 0 or 1.

export type AcsQuirkFn = (dev: PciDevice, flags: number, platform: PciPlatform) => -1 | 0 | 1;

export interface AcsQuirk {
  vendor: number;
  device: number;
  kernelFn: string;
  fn: AcsQuirkFn;
}

/** quirks.c pci_acs_ctrl_enabled: 1 if every requested bit is in the provided set. */
const ctrlEnabled = (req: number, ena: number): 0 | 1 => ((req & ena) === req ? 1 : 0);

/** quirks.c pci_quirk_amd_sb_acs: AMD/ATI southbridge multifunction devices on the root bus, only with an IVRS table. */
const amdSbAcs: AcsQuirkFn = (dev, flags, platform) => {
  if (!dev.multifunction || !dev.onBus.isRoot) return -1;
  if (!platform.acpiIvrs) return -1;
  const f = flags & (ACS_RR | ACS_CR | ACS_EC | ACS_DT);
  return ctrlEnabled(f, ACS_RR | ACS_CR);
};

/** quirks.c pci_quirk_mf_endpoint_acs: vendor-verified no peer-to-peer between functions. */
const mfEndpointAcs: AcsQuirkFn = (_dev, flags) => ctrlEnabled(flags, ACS_SV | ACS_TB | ACS_RR | ACS_CR | ACS_UF | ACS_DT);

/** Intel PCH root ports without an ACS capability (pci_quirk_intel_pch_acs_ids) [V]. */
export const INTEL_PCH_ACS_IDS: readonly number[] = [
  ...range(0x3b42, 0x3b51), // Ibexpeak
  ...range(0x1c10, 0x1c1f), // Cougarpoint
  ...range(0x1e10, 0x1e1f), // Pantherpoint
  ...range(0x8c10, 0x8c1f), // Lynxpoint-H
  ...range(0x9c10, 0x9c1b), // Lynxpoint-LP
  ...range(0x9c90, 0x9c9b), // Wildcat
  0x1d10, 0x1d12, 0x1d14, 0x1d16, 0x1d18, 0x1d1a, 0x1d1c, 0x1d1e, // Patsburg
  ...range(0x8d10, 0x8d1e), // Wellsburg
  0x8c90, 0x8c92, 0x8c94, 0x8c96, 0x8c98, 0x8c9a, 0x8c9c, 0x8c9e, // 9 series
];

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = lo; i <= hi; i++) out.push(i);
  return out;
}

const isIntelPchRootPort = (dev: PciDevice): boolean =>
  dev.vendor === 0x8086 && dev.pcieType === 'root-port' && INTEL_PCH_ACS_IDS.includes(dev.device);

/** quirks.c pci_quirk_intel_pch_acs: ACS-like only after the enable quirk set ACS_ENABLED_QUIRK. */
const intelPchAcs: AcsQuirkFn = (dev, flags) => {
  if (!isIntelPchRootPort(dev)) return -1;
  const avail = dev.flags.acsEnabledQuirk ? ACS_RR | ACS_CR | ACS_UF | ACS_SV : 0;
  return ctrlEnabled(flags, avail);
};

/** Sunrise Point / Union Point PCH root ports (pci_quirk_intel_spt_pch_acs_match) [V]. */
export const isIntelSptPchRootPort = (dev: PciDevice): boolean => {
  if (dev.vendor !== 0x8086 || dev.pcieType !== 'root-port') return false;
  const d = dev.device;
  return (d >= 0xa110 && d <= 0xa11f) || (d >= 0xa167 && d <= 0xa16a) || (d >= 0xa290 && d <= 0xa29f) || (d >= 0xa2e7 && d <= 0xa2ee);
};

/** quirks.c pci_quirk_intel_spt_pch_acs: the standard check, on the dword-spaced control register. */
const intelSptPchAcs: AcsQuirkFn = (dev, flags) => {
  if (!isIntelSptPchRootPort(dev) || dev.acsCap === undefined) return -1;
  const f = flags & (dev.acsCap | ACS_EC);
  return ctrlEnabled(f, dev.acsCtl);
};

/** quirks.c pci_quirk_rciep_acs: Intel RCiEPs allow p2p only on translated addresses. */
const rciepAcs: AcsQuirkFn = (dev, flags) =>
  dev.pcieType !== 'rc-integrated-endpoint' ? -1 : ctrlEnabled(flags, ACS_SV | ACS_RR | ACS_CR | ACS_UF);

/** quirks.c pci_quirk_qcom_rp_acs: QCOM QDF2xxx root ports. */
const qcomRpAcs: AcsQuirkFn = (_dev, flags) => ctrlEnabled(flags, ACS_RR | ACS_CR | ACS_UF | ACS_SV);

/** quirks.c pci_quirk_cavium_acs: Cavium ThunderX 0xa000-0xa0ff. */
const caviumAcs: AcsQuirkFn = (dev, flags) => {
  const f = flags & ~(ACS_SV | ACS_TB | ACS_RR | ACS_CR | ACS_UF | ACS_DT);
  if (!(dev.device >= 0xa000 && dev.device <= 0xa0ff)) return -1;
  return f !== 0 ? 0 : 1;
};

const MF_ENDPOINT_IDS: readonly [number, number][] = [
  [0x1924, 0x0903], [0x1924, 0x0923], [0x1924, 0x0a03], // Solarflare
  // Intel NICs (10G, 82580, 82576, 82575, I350, 82571, I219)
  ...[
    0x10c6, 0x10db, 0x10dd, 0x10e1, 0x10f1, 0x10f7, 0x10f8, 0x10f9, 0x10fa, 0x10fb, 0x10fc, 0x1507, 0x1514, 0x151c,
    0x1529, 0x152a, 0x154d, 0x154f, 0x1551, 0x1558, 0x1509, 0x150e, 0x150f, 0x1510, 0x1511, 0x1516, 0x1527, 0x10c9,
    0x10e6, 0x10e7, 0x10e8, 0x150a, 0x150d, 0x1518, 0x1526, 0x10a7, 0x10a9, 0x10d6, 0x1521, 0x1522, 0x1523, 0x1524,
    0x105e, 0x105f, 0x1060, 0x10d9, 0x15b7, 0x15b8,
  ].map((d): [number, number] => [0x8086, d]),
  [0x19a2, 0x0710], // Emulex BE3-R
  [0x10df, 0x0720], // Emulex Skyhawk-R
];

/** pci_dev_acs_enabled[] in table order (quirks.c) [V entries; newer kernels add more vendors]. */
export const ACS_QUIRKS: readonly AcsQuirk[] = [
  ...[0x4385, 0x439c, 0x4383, 0x439d, 0x4384, 0x4399].map((device) => ({ vendor: 0x1002, device, kernelFn: 'pci_quirk_amd_sb_acs', fn: amdSbAcs })),
  { vendor: 0x1022, device: 0x780f, kernelFn: 'pci_quirk_amd_sb_acs', fn: amdSbAcs },
  { vendor: 0x1022, device: 0x7809, kernelFn: 'pci_quirk_amd_sb_acs', fn: amdSbAcs },
  ...MF_ENDPOINT_IDS.map(([vendor, device]) => ({ vendor, device, kernelFn: 'pci_quirk_mf_endpoint_acs', fn: mfEndpointAcs })),
  { vendor: 0x8086, device: ANY_ID, kernelFn: 'pci_quirk_rciep_acs', fn: rciepAcs },
  { vendor: 0x17cb, device: 0x0400, kernelFn: 'pci_quirk_qcom_rp_acs', fn: qcomRpAcs },
  { vendor: 0x17cb, device: 0x0401, kernelFn: 'pci_quirk_qcom_rp_acs', fn: qcomRpAcs },
  { vendor: 0x8086, device: ANY_ID, kernelFn: 'pci_quirk_intel_pch_acs', fn: intelPchAcs },
  { vendor: 0x8086, device: ANY_ID, kernelFn: 'pci_quirk_intel_spt_pch_acs', fn: intelSptPchAcs },
  { vendor: 0x177d, device: ANY_ID, kernelFn: 'pci_quirk_cavium_acs', fn: caviumAcs },
];

/**
 * quirks.c pci_dev_specific_acs_enabled: first table entry that matches and answers ≥ 0.
 * Returns the answer and the quirk's name, or undefined when no quirk applies (-ENOTTY).
 */
export function devSpecificAcsEnabled(
  dev: PciDevice,
  flags: number,
  platform: PciPlatform,
): { enabled: boolean; kernelFn: string } | undefined {
  for (const q of ACS_QUIRKS) {
    if ((q.vendor !== ANY_ID && q.vendor !== dev.vendor) || (q.device !== ANY_ID && q.device !== dev.device)) continue;
    const r = q.fn(dev, flags, platform);
    if (r >= 0) return { enabled: r > 0, kernelFn: q.kernelFn };
  }
  return undefined;
}
