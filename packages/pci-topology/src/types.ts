/**
 * Data types of the PCI model. A PciDevice is one PCI function (struct pci_dev),
 * a PciBus one bus (struct pci_bus). Both are plain objects linked to each other;
 * buildTopology() creates them, the ACS/alias/group functions read them.
 */

/**
 * PCI Express device/port type (PCI_EXP_FLAGS_TYPE, include/uapi/linux/pci_regs.h).
 * A conventional PCI/PCI-X function has no PCIe capability: its pcieType is undefined.
 */
export type PcieType =
  | 'endpoint' // PCI_EXP_TYPE_ENDPOINT
  | 'legacy-endpoint' // PCI_EXP_TYPE_LEG_END
  | 'rc-integrated-endpoint' // PCI_EXP_TYPE_RC_END
  | 'root-port' // PCI_EXP_TYPE_ROOT_PORT
  | 'upstream-port' // PCI_EXP_TYPE_UPSTREAM
  | 'downstream-port' // PCI_EXP_TYPE_DOWNSTREAM
  | 'pcie-to-pci-bridge' // PCI_EXP_TYPE_PCI_BRIDGE
  | 'pci-to-pcie-bridge' // PCI_EXP_TYPE_PCIE_BRIDGE
  | 'rc-event-collector'; // PCI_EXP_TYPE_RC_EC

/** dev_flags the model knows (include/linux/pci.h enum pci_dev_flags). */
export interface PciDevFlags {
  /** PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS: conventional-looking bridge that is really PCIe-to-PCI. */
  pcieBridgeAlias: boolean;
  /** PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT: the IOMMU sits at this bridge; alias walk stops here. */
  bridgeXlateRoot: boolean;
  /** PCI_DEV_FLAGS_ACS_ENABLED_QUIRK: set by the Intel PCH ACS enable quirk. */
  acsEnabledQuirk: boolean;
}

/** One PCI function (struct pci_dev). */
export interface PciDevice {
  /** 'dddd:bb:dd.f', lower-case hex. */
  readonly bdf: string;
  readonly segment: number;
  /** Number of the bus the function sits on. */
  readonly bus: number;
  /** slot << 3 | fn. */
  readonly devfn: number;
  readonly slot: number;
  readonly fn: number;
  readonly vendor: number;
  readonly device: number;
  /** Subsystem ids (0 when not given); only the fixed-DMA-alias quirk table reads them. */
  readonly subVendor: number;
  readonly subDevice: number;
  /** 24-bit class code (base class << 16 | subclass << 8 | prog-if). */
  readonly classCode: number;
  /** undefined = conventional PCI (no PCIe capability). */
  readonly pcieType: PcieType | undefined;
  readonly isPcie: boolean;
  /** Header type 1 (PCI-to-PCI bridge): has a secondary bus. */
  readonly isBridge: boolean;
  /** pci_dev->multifunction (header-type bit of fn 0; always set for fn > 0, probe.c pci_scan_slot). */
  readonly multifunction: boolean;
  /** ACS capability register, undefined when the function has no ACS extended capability. */
  readonly acsCap: number | undefined;
  /** ACS control register (0 when no capability). pciEnableAcs() sets bits in it. */
  acsCtl: number;
  readonly ats: boolean;
  readonly pasid: boolean;
  readonly pri: boolean;
  /** ACPI ExternalFacingPort / DT external-facing: everything below is untrusted. */
  readonly externalFacing: boolean;
  /** pci_dev->untrusted, propagated from the upstream bridge (probe.c set_pcie_untrusted). */
  readonly untrusted: boolean;
  /** DMA alias devfns on the same bus (pci_dev->dma_alias_mask), ascending. */
  readonly dmaAliasDevfns: number[];
  readonly flags: PciDevFlags;
  /**
   * The bridge above (bus->self), undefined on a root bus. For a VF this is
   * pci_upstream_bridge(): the bridge above its PF (a VF may sit on a virtual bus
   * that has no bridge of its own).
   */
  readonly parent: PciDevice | undefined;
  /** The bus object the function sits on. */
  readonly onBus: PciBus;
  /** Bridges only: secondary and subordinate bus numbers. */
  readonly secondaryBus: number | undefined;
  readonly subordinateBus: number | undefined;
  /** Bridges only: the bus below. */
  readonly childBus: PciBus | undefined;
  /** dma-mask= as given (bits); the DMA layer reads it. */
  readonly dmaMaskBits: number | undefined;
  /** Raw attributes as written. */
  readonly attrs: Readonly<Record<string, string | true>>;
  /** false for `iommu=none`: no IOMMU group, like the AMD IOMMU function itself. */
  readonly behindIommu: boolean;
  /** SR-IOV capability of a physical function (dev->is_physfn), undefined otherwise. */
  readonly sriov: SriovInfo | undefined;
  /** pci_dev->is_virtfn: a virtual function created by the PF's SR-IOV capability. */
  readonly isVirtfn: boolean;
  /** VFs: the physical function (pci_dev->physfn). */
  readonly physfn: PciDevice | undefined;
  /** Node kind it was declared with ('device', 'root-port', …; 'virtfn' for VFs). */
  readonly kind: string;
  /** Opaque source reference echoed from the node spec. */
  readonly ref: unknown;
}

/**
 * SR-IOV capability state of a PF (struct pci_sriov, drivers/pci/iov.c sriov_init):
 * VF n (0-based) has routing ID PF + offset + n * stride (pci_iov_virtfn_bus/devfn).
 */
export interface SriovInfo {
  /** TotalVFs. */
  readonly totalVfs: number;
  /** NumVFs: how many VFs are enabled (sriov_numvfs). */
  readonly numVfs: number;
  /** First VF Offset. */
  readonly offset: number;
  /** VF Stride. */
  readonly stride: number;
  /** VF Device ID. */
  readonly vfDevice: number;
  /** The enabled VFs, VF 0 first. */
  readonly virtfns: PciDevice[];
}

/**
 * A non-PCI device behind the IOMMU (an ACPI namespace or platform device):
 * the IOMMU core gives each one its own group (drivers/iommu/iommu.c generic_device_group).
 */
export interface PlatformDevice {
  /** Device name, as in /sys/bus/platform/devices (e.g. 'INT33C2:00'). */
  readonly name: string;
  /** false for `iommu=none`: not probed, no group. */
  readonly behindIommu: boolean;
  readonly attrs: Readonly<Record<string, string | true>>;
  /** Opaque source reference echoed from the node spec. */
  readonly ref: unknown;
}

/** One PCI bus (struct pci_bus). */
export interface PciBus {
  readonly segment: number;
  readonly number: number;
  /** The bridge leading to this bus; undefined for a root bus and for a VF's virtual bus. */
  readonly self: PciDevice | undefined;
  /** The bus above; undefined for a root bus. */
  readonly parent: PciBus | undefined;
  /** Functions on this bus in devfn order (bus->devices). */
  readonly devices: PciDevice[];
  readonly isRoot: boolean;
  /** A bus created for VFs beyond their PF's bus (iov.c virtfn_add_bus): no bridge leads to it. */
  readonly isVirtual: boolean;
}

/** An error value: stable code, what to do, and the node's source reference. */
export interface TopologyError {
  code: string;
  message: string;
  hint?: string;
  ref?: unknown;
  attr?: string;
}

/**
 * Generic node tree, exactly what the scenario language's `topology { … }` block produces.
 * kind: 'device' | 'root-port' | 'switch' | 'upstream-port' | 'downstream-port' | 'bridge'
 * | 'pci-bridge' | 'pcie-bridge' | 'host-bridge' | 'platform-device' (and 'import', which
 * expandImports() replaces by the nodes of a dump file).
 */
export interface TopologyNodeSpec {
  kind: string;
  /** '[dddd:]bb:dd.f'; when missing: the lowest free slot (function 0) on the parent bus, or the lowest free function of slot 0 below a PCIe port. */
  bdf?: string;
  attrs: Record<string, string | true>;
  children: TopologyNodeSpec[];
  /** Opaque, echoed back in errors so the caller can point at source. */
  ref?: unknown;
}

/** Platform facts some quirks depend on; the machine sets them before grouping. */
export interface PciPlatform {
  /** An ACPI IVRS table is present (AMD IOMMU): enables pci_quirk_amd_sb_acs. */
  acpiIvrs: boolean;
}
