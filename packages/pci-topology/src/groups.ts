/**
 * IOMMU group formation for PCI devices: drivers/iommu/iommu.c pci_device_group,
 * get_pci_alias_group, get_pci_function_alias_group, iommu_group_alloc (ida:
 * lowest free id from 0) and iommu_group_add_device's log line.
 */
import { pciAcsExplain, pciAcsPathFailure } from './acs.js';
import { REQ_ACS_FLAGS } from './acs-flags.js';
import { formatRid } from './bdf.js';
import { pciDevsAreDmaAliases, pciForEachDmaAlias } from './dma-alias.js';
import type { PciTopology } from './topology.js';
import type { PciDevice, PlatformDevice, TopologyError } from './types.js';

export interface IommuGroupInfo {
  readonly id: number;
  /** PCI members in the order they were added. */
  readonly devices: PciDevice[];
  /** One per PCI device: why it joined (or why a new group was made for it). */
  readonly reasons: string[];
  /** Non-PCI members (generic_device_group gives each its own group, so at most one). */
  readonly platformDevices: PlatformDevice[];
}

export interface GroupAssignment {
  /** Groups by ascending id. */
  groups: IommuGroupInfo[];
  /** The group of '[dddd:]bb:dd.f' (or of a platform device's name), undefined when not found or not behind the IOMMU. */
  groupOf(bdf: string): IommuGroupInfo | undefined;
  /** 'pci 0000:00:02.0: Adding to iommu group 0' lines in probe order. */
  log: string[];
}

interface GroupRec {
  id: number;
  devices: PciDevice[];
  reasons: string[];
  platformDevices: PlatformDevice[];
}

const slotName = (d: PciDevice): string => d.bdf.slice(5, 10); // 'bb:dd'

/**
 * Stateful group builder: probe devices one at a time, as the IOMMU core does at
 * boot or on hot-plug; remove them to free groups (ids are reused, lowest first).
 */
export class IommuGroupFormer {
  readonly log: string[] = [];
  private readonly groupOfDev = new Map<PciDevice, GroupRec>();
  private readonly groupOfPlatform = new Map<PlatformDevice, GroupRec>();
  private readonly byId = new Map<number, GroupRec>();

  constructor(readonly topo: PciTopology) {}

  /** The group a device is in, if probed. */
  groupOf(dev: PciDevice): IommuGroupInfo | undefined {
    return this.groupOfDev.get(dev);
  }

  /** All groups by ascending id. */
  groups(): IommuGroupInfo[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  /** Find or create the device's group and add the device (iommu_group_get_for_dev). */
  probe(dev: PciDevice): { group: IommuGroupInfo; reason: string } | { error: TopologyError } {
    if (!dev.behindIommu) {
      return { error: { code: 'PCI_NOT_BEHIND_IOMMU', message: `${dev.bdf} is not behind an IOMMU (iommu=none): it gets no group`, ref: dev.ref } };
    }
    if (this.groupOfDev.has(dev)) {
      return { error: { code: 'PCI_ALREADY_GROUPED', message: `${dev.bdf} is already in iommu group ${this.groupOfDev.get(dev)!.id}`, ref: dev.ref } };
    }
    const { group, reason } = this.deviceGroup(dev);
    group.devices.push(dev);
    group.reasons.push(reason);
    this.groupOfDev.set(dev, group);
    this.log.push(`pci ${dev.bdf}: Adding to iommu group ${group.id}`);
    return { group, reason };
  }

  /** The group of a platform device, if probed. */
  groupOfPlatformDevice(p: PlatformDevice): IommuGroupInfo | undefined {
    return this.groupOfPlatform.get(p);
  }

  /**
   * Probe a non-PCI device: drivers/iommu/iommu.c generic_device_group allocates a new
   * group for it every time (the log line names the platform bus).
   */
  probePlatform(p: PlatformDevice): { group: IommuGroupInfo; reason: string } | { error: TopologyError } {
    if (!p.behindIommu) {
      return { error: { code: 'PCI_NOT_BEHIND_IOMMU', message: `${p.name} is not behind an IOMMU (iommu=none): it gets no group`, ref: p.ref } };
    }
    const had = this.groupOfPlatform.get(p);
    if (had) return { error: { code: 'PCI_ALREADY_GROUPED', message: `${p.name} is already in iommu group ${String(had.id)}`, ref: p.ref } };
    const group = this.alloc();
    group.platformDevices.push(p);
    this.groupOfPlatform.set(p, group);
    this.log.push(`platform ${p.name}: Adding to iommu group ${String(group.id)}`);
    return { group, reason: 'new group: non-PCI device (generic_device_group)' };
  }

  /** Remove a platform device; its group is released. */
  removePlatform(p: PlatformDevice): void {
    const g = this.groupOfPlatform.get(p);
    if (!g) return;
    g.platformDevices.splice(g.platformDevices.indexOf(p), 1);
    this.groupOfPlatform.delete(p);
    if (g.devices.length === 0 && g.platformDevices.length === 0) this.byId.delete(g.id);
  }

  /** Remove a device; an empty group is released and its id becomes free. */
  remove(dev: PciDevice): void {
    const g = this.groupOfDev.get(dev);
    if (!g) return;
    const i = g.devices.indexOf(dev);
    g.devices.splice(i, 1);
    g.reasons.splice(i, 1);
    this.groupOfDev.delete(dev);
    if (g.devices.length === 0 && g.platformDevices.length === 0) this.byId.delete(g.id);
  }

  /** iommu_group_alloc: ida_alloc gives the lowest free id. */
  private alloc(): GroupRec {
    let id = 0;
    while (this.byId.has(id)) id++;
    const g: GroupRec = { id, devices: [], reasons: [], platformDevices: [] };
    this.byId.set(id, g);
    return g;
  }

  /** drivers/iommu/iommu.c pci_device_group, step by step. */
  private deviceGroup(dev: PciDevice): { group: GroupRec; reason: string } {
    const topo = this.topo;
    // 1. Alias walk: the last device seen; stop at the first that has a group.
    let last = dev;
    for (const a of pciForEachDmaAlias(topo, dev)) {
      last = a.dev;
      const g = this.groupOfDev.get(a.dev);
      if (g) {
        const what = a.dev === dev ? 'itself' : a.dev.bdf;
        return { group: g, reason: `${dev.bdf} joins group ${g.id}: its DMA alias ${what} (requester ID ${formatRid(a.rid)}) is in it (pci_for_each_dma_alias)` };
      }
    }
    // 2./3. Climb from the topmost alias until the path to the root is ACS-isolated.
    let pdev = last;
    let isolatedAt: PciDevice | undefined;
    for (let bus = pdev.onBus; !bus.isRoot; bus = bus.parent!) {
      // A VF's virtual bus has no bridge: skip it.
      const self = bus.self;
      if (!self) continue;
      const fail = pciAcsPathFailure(topo, self, REQ_ACS_FLAGS);
      if (!fail) {
        isolatedAt = self;
        break;
      }
      pdev = self;
      const g = this.groupOfDev.get(pdev);
      if (g) {
        return {
          group: g,
          reason: `${dev.bdf} joins group ${g.id}: upstream bridge ${pdev.bdf} is not isolated by ACS (${fail.dev.bdf} ${fail.why}) (pci_device_group)`,
        };
      }
    }
    const via = pdev === dev ? '' : `via ${pdev.bdf}: `;
    // 4. Groups of devices aliasing pdev or aliased by it.
    const visited = new Set<number>();
    const ag = this.aliasGroup(pdev, visited);
    if (ag) {
      return { group: ag.group, reason: `${dev.bdf} joins group ${ag.group.id}: ${via}DMA alias of ${ag.found.bdf} (get_pci_alias_group)` };
    }
    // 5. Non-isolated functions of the same slot.
    const fg = this.functionAliasGroup(pdev, visited);
    if (fg) {
      return {
        group: fg.group,
        reason: `${dev.bdf} joins group ${fg.group.id}: ${via}multifunction slot ${slotName(pdev)} without ACS (get_pci_function_alias_group)`,
      };
    }
    // 6. New group.
    const g = this.alloc();
    let why: string;
    if (pdev !== dev) {
      why = last === pdev ? `DMA alias ${pdev.bdf} has no group yet` : `upstream bridge ${pdev.bdf} is not isolated by ACS and has no group yet`;
    } else if (dev.onBus.isRoot) {
      why = dev.multifunction
        ? `root bus device; no other non-isolated function of slot ${slotName(dev)} has a group (${pciAcsExplain(topo, dev, REQ_ACS_FLAGS).why})`
        : 'root bus device, no DMA alias with a group';
    } else {
      why = `ACS path to root is isolated${isolatedAt ? ` from ${isolatedAt.bdf} up` : ''}`;
    }
    return { group: g, reason: `new group: ${why}` };
  }

  /** iommu.c get_pci_alias_group; `visited` is the devfn bitmap (same bus). */
  private aliasGroup(pdev: PciDevice, visited: Set<number>): { group: GroupRec; found: PciDevice } | undefined {
    if (visited.has(pdev.devfn)) return undefined;
    visited.add(pdev.devfn);
    const own = this.groupOfDev.get(pdev);
    if (own) return { group: own, found: pdev };
    // for_each_pci_dev walks every device in registration order.
    for (const tmp of this.topo.devices) {
      if (tmp === pdev || tmp.onBus !== pdev.onBus) continue;
      if (!pciDevsAreDmaAliases(pdev, tmp)) continue;
      const r = this.aliasGroup(tmp, visited) ?? this.functionAliasGroup(tmp, visited);
      if (r) return r;
    }
    return undefined;
  }

  /** iommu.c get_pci_function_alias_group. */
  private functionAliasGroup(pdev: PciDevice, visited: Set<number>): { group: GroupRec; found: PciDevice } | undefined {
    const topo = this.topo;
    if (!pdev.multifunction || pciAcsExplain(topo, pdev, REQ_ACS_FLAGS).enabled) return undefined;
    for (const tmp of topo.devices) {
      if (tmp === pdev || tmp.onBus !== pdev.onBus || tmp.slot !== pdev.slot) continue;
      if (pciAcsExplain(topo, tmp, REQ_ACS_FLAGS).enabled) continue;
      const r = this.aliasGroup(tmp, visited);
      if (r) return r;
    }
    return undefined;
  }
}

/**
 * Form the IOMMU groups of every device behind the IOMMU, in probe order
 * (default: Linux enumeration order, `topo.devices`). Devices with iommu=none get no group.
 * Devices missing from a given probeOrder are probed after it, in enumeration order.
 * Platform devices are probed first, each into a new group: bus_iommu_probe runs over
 * iommu.c iommu_buses[], where the platform bus comes before PCI.
 */
export function formIommuGroups(topo: PciTopology, opts: { probeOrder?: PciDevice[] } = {}): GroupAssignment {
  const former = new IommuGroupFormer(topo);
  for (const p of topo.platformDevices) if (p.behindIommu) former.probePlatform(p);
  const order = opts.probeOrder ? [...opts.probeOrder, ...topo.devices.filter((d) => !opts.probeOrder!.includes(d))] : topo.devices;
  for (const d of order) {
    if (d.behindIommu && !former.groupOf(d)) former.probe(d);
  }
  return {
    groups: former.groups(),
    groupOf: (bdf: string) => {
      const d = topo.find(bdf);
      if (d) return former.groupOf(d);
      const p = topo.findPlatform(bdf);
      return p ? former.groupOfPlatformDevice(p) : undefined;
    },
    log: former.log,
  };
}
