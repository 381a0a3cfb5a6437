/**
 * SR-IOV virtual functions (drivers/pci/iov.c). A PF's VF n (0-based) has routing ID
 * PF routing ID + First VF Offset + n * VF Stride (pci_iov_virtfn_bus, pci_iov_virtfn_devfn);
 * a VF beyond the PF's bus sits on a virtual bus without a bridge (virtfn_add_bus).
 * VFs are added when the PF enables SR-IOV (pci_iov_add_virtfn), i.e. after boot-time
 * enumeration: they are probed by the IOMMU after every boot device, PF by PF, VF 0 first.
 * A VF is never multifunction (pci_iov_add_virtfn clears it), so pci_acs_enabled() treats
 * it as an isolated single function; pci_device_group() handles it like any function.
 */
import { SRIOV_DEFAULT_OFFSET, SRIOV_DEFAULT_STRIDE } from './attrs.js';
import { formatBdf } from './bdf.js';
import type { PciBus, PciDevice, SriovInfo, TopologyError } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The SR-IOV parameters of a PF node, defaults applied. */
export interface SriovParams {
  numVfs: number;
  totalVfs: number;
  offset: number;
  stride: number;
  vfDevice: number;
}

/** pci_iov_virtfn_bus / pci_iov_virtfn_devfn for VF `id`. */
export function virtfnRouting(pfBus: number, pfDevfn: number, p: { offset: number; stride: number }, id: number): { bus: number; devfn: number } {
  const rid = pfDevfn + p.offset + p.stride * id;
  return { bus: pfBus + (rid >> 8), devfn: rid & 0xff };
}

/** Highest bus any of the PF's TotalVFs can use (drivers/pci/iov.c pci_iov_bus_range reserves it at enumeration). */
export function sriovMaxBus(pfBus: number, pfDevfn: number, p: SriovParams): number {
  return p.totalVfs === 0 ? pfBus : virtfnRouting(pfBus, pfDevfn, p, p.totalVfs - 1).bus;
}

export function sriovParams(a: {
  sriovNum: number | undefined;
  sriovTotal: number | undefined;
  vfOffset: number | undefined;
  vfStride: number | undefined;
  vfDevice: number | undefined;
}, pfDevice: number): SriovParams | undefined {
  if (a.sriovNum === undefined) return undefined;
  return {
    numVfs: a.sriovNum,
    totalVfs: a.sriovTotal ?? a.sriovNum,
    offset: a.vfOffset ?? SRIOV_DEFAULT_OFFSET,
    stride: a.vfStride ?? SRIOV_DEFAULT_STRIDE,
    vfDevice: a.vfDevice ?? pfDevice,
  };
}

/**
 * Create the enabled VFs of `pf` (drivers/pci/iov.c sriov_enable → pci_iov_add_virtfn).
 * `findBus` returns an existing bus of the segment, `busEnd` the last bus number the PF's
 * bus may route (busn_res.end: the subordinate of the bridge above, 0xff on a root bus).
 * Returns the VFs (also added to their buses) and any errors.
 */
export function addVirtfns(
  pf: PciDevice,
  p: SriovParams,
  busEnd: number,
  findBus: (segment: number, bus: number) => PciBus | undefined,
  addBus: (bus: PciBus) => void,
): { vfs: PciDevice[]; errors: TopologyError[] } {
  const errors: TopologyError[] = [];
  const info: Mutable<SriovInfo> = { totalVfs: p.totalVfs, numVfs: p.numVfs, offset: p.offset, stride: p.stride, vfDevice: p.vfDevice, virtfns: [] };
  (pf as Mutable<PciDevice>).sriov = info;
  if (p.numVfs === 0) return { vfs: [], errors };
  // sriov_enable: "SR-IOV: bus number out of range" when the last VF's bus is beyond the bus range.
  const last = virtfnRouting(pf.bus, pf.devfn, p, p.numVfs - 1);
  if (last.bus > busEnd) {
    errors.push({
      code: 'PCI_SRIOV_BUS_RANGE',
      message: `${pf.bdf}: SR-IOV: bus number out of range (VF ${String(p.numVfs - 1)} would be on bus ${last.bus.toString(16).padStart(2, '0')}, the bus range ends at ${busEnd.toString(16).padStart(2, '0')})`,
      hint: 'enable fewer VFs, lower vf-offset/vf-stride, or raise the subordinate= of the bridge above',
      ref: pf.ref,
      attr: 'sriov',
    });
    return { vfs: [], errors };
  }
  for (let id = 0; id < p.numVfs; id++) {
    const r = virtfnRouting(pf.bus, pf.devfn, p, id);
    // iov.c virtfn_add_bus: the PF's bus, an existing bus with that number, or a new virtual bus.
    let bus = r.bus === pf.bus ? pf.onBus : findBus(pf.segment, r.bus);
    if (bus && bus !== pf.onBus && !bus.isVirtual) {
      errors.push({
        code: 'PCI_SRIOV_BUS_CONFLICT',
        message: `${pf.bdf}: VF ${String(id)} would be on bus ${r.bus.toString(16).padStart(2, '0')}, which is already the secondary bus of a bridge`,
        hint: 'lower vf-offset/vf-stride so the VFs stay on the PF bus, or give the bridge another secondary= bus',
        ref: pf.ref,
        attr: 'sriov',
      });
      break;
    }
    if (!bus) {
      bus = { segment: pf.segment, number: r.bus, self: undefined, parent: pf.onBus, devices: [], isRoot: false, isVirtual: true };
      addBus(bus);
    }
    const bdf = formatBdf({ segment: pf.segment, bus: r.bus, devfn: r.devfn });
    if (bus.devices.some((d) => d.devfn === r.devfn)) {
      errors.push({
        code: 'PCI_DUP_BDF',
        message: `${pf.bdf}: VF ${String(id)} would be at ${bdf}, where a function already exists`,
        hint: 'change vf-offset/vf-stride or move the other function',
        ref: pf.ref,
        attr: 'sriov',
      });
      break;
    }
    const vf: Mutable<PciDevice> = {
      bdf,
      segment: pf.segment,
      bus: r.bus,
      devfn: r.devfn,
      slot: r.devfn >> 3,
      fn: r.devfn & 7,
      vendor: pf.vendor,
      device: p.vfDevice,
      subVendor: pf.subVendor,
      subDevice: pf.subDevice,
      classCode: pf.classCode,
      pcieType: pf.pcieType,
      isPcie: pf.isPcie,
      isBridge: false,
      // pci_iov_add_virtfn: virtfn->multifunction = 0.
      multifunction: false,
      acsCap: undefined,
      acsCtl: 0,
      ats: pf.ats,
      pasid: pf.pasid,
      pri: pf.pri,
      externalFacing: false,
      untrusted: false,
      dmaAliasDevfns: [],
      flags: { pcieBridgeAlias: false, bridgeXlateRoot: false, acsEnabledQuirk: false },
      parent: pf.parent,
      onBus: bus,
      secondaryBus: undefined,
      subordinateBus: undefined,
      childBus: undefined,
      dmaMaskBits: pf.dmaMaskBits,
      attrs: {},
      behindIommu: pf.behindIommu,
      sriov: undefined,
      isVirtfn: true,
      physfn: pf,
      kind: 'virtfn',
      ref: pf.ref,
    };
    // pci_device_add appends to bus->devices.
    bus.devices.push(vf);
    info.virtfns.push(vf);
  }
  return { vfs: info.virtfns, errors };
}
