/**
 * buildTopology: node tree → PciTopology. Passes: collect drafts (build-drafts.ts),
 * number buses (build-buses.ts), then create the bus/device objects here, set
 * multifunction, propagate untrusted and apply the header quirks in enumeration order.
 */
import { formatBdf, formatDevfn } from './bdf.js';
import { numberBuses } from './build-buses.js';
import { collectDrafts, type Container, type Draft } from './build-drafts.js';
import { headerQuirkEffect } from './quirks.js';
import { addVirtfns, sriovParams } from './sriov.js';
import { PciTopology } from './topology.js';
import type { PciBus, PciDevice, TopologyError, TopologyNodeSpec } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface BuildResult {
  topology: PciTopology;
  errors: TopologyError[];
}

/** Build a PCI hierarchy from a node tree (the scenario language's `topology { … }` block). */
export function buildTopology(nodes: TopologyNodeSpec[]): BuildResult {
  const { roots, platform, errors } = collectDrafts(nodes);
  const finalRoots = numberBuses(roots, errors);

  const rootBuses: PciBus[] = [];
  const drafts = new Map<PciDevice, Draft>();
  for (const r of finalRoots) {
    const bus: PciBus = { segment: r.segment, number: r.number!, self: undefined, parent: undefined, devices: [], isRoot: true, isVirtual: false };
    populate(bus, r, undefined, errors, drafts);
    rootBuses.push(bus);
  }

  const virtualBuses = createVirtfns(rootBuses, drafts, errors);
  const log: string[] = [];
  const topology = new PciTopology(rootBuses, log, undefined, { virtualBuses, platformDevices: platform });
  for (const d of topology.devices) {
    const dev = d as Mutable<PciDevice>;
    // drivers/pci/probe.c set_pcie_untrusted: below an untrusted or external-facing bridge.
    const up = dev.parent;
    dev.untrusted = up !== undefined && (up.untrusted || up.externalFacing);
    // Header fixups (drivers/pci/quirks.c) and attribute-declared aliases/flags.
    const eff = headerQuirkEffect(dev);
    const aliases = [...eff.aliasDevfns, ...(drafts.get(dev)?.attrs.dmaAlias ?? [])];
    for (const devfn of aliases) {
      // drivers/pci/pci.c pci_add_dma_alias logs one line per alias added.
      if (!dev.dmaAliasDevfns.includes(devfn)) dev.dmaAliasDevfns.push(devfn);
      log.push(`pci ${dev.bdf}: Enabling fixed DMA alias to ${formatDevfn(devfn)}`);
    }
    dev.dmaAliasDevfns.sort((a, b) => a - b);
    if (eff.pcieBridgeAlias) dev.flags.pcieBridgeAlias = true;
    if (eff.bridgeXlateRoot) dev.flags.bridgeXlateRoot = true;
  }
  return { topology, errors };
}

/** Enable SR-IOV on every PF, in enumeration order (drivers/pci/iov.c sriov_enable). Returns the virtual buses made. */
function createVirtfns(rootBuses: PciBus[], drafts: Map<PciDevice, Draft>, errors: TopologyError[]): PciBus[] {
  const buses = new Map<string, PciBus>();
  const pfs: PciDevice[] = [];
  const walk = (b: PciBus): void => {
    buses.set(`${String(b.segment)}:${String(b.number)}`, b);
    for (const d of b.devices) {
      if (drafts.get(d)?.attrs.sriovNum !== undefined) pfs.push(d);
      if (d.childBus) walk(d.childBus);
    }
  };
  rootBuses.forEach(walk);
  const virtualBuses: PciBus[] = [];
  for (const pf of pfs) {
    const p = sriovParams(drafts.get(pf)!.attrs, pf.device)!;
    // busn_res.end of the PF's bus: the subordinate of the bridge above, or the whole range on a root bus.
    const busEnd = pf.onBus.self?.subordinateBus ?? 0xff;
    const r = addVirtfns(
      pf,
      p,
      busEnd,
      (seg, n) => buses.get(`${String(seg)}:${String(n)}`),
      (b) => {
        buses.set(`${String(b.segment)}:${String(b.number)}`, b);
        virtualBuses.push(b);
      },
    );
    errors.push(...r.errors);
  }
  return virtualBuses;
}

/** Create the devices of container `c` on `bus`, recursing into bridges. */
function populate(bus: PciBus, c: Container, parent: PciDevice | undefined, errors: TopologyError[], drafts: Map<PciDevice, Draft>): void {
  const members = c.members.filter((m) => !m.dropped).sort((a, b) => a.devfn - b.devfn);
  // drivers/pci/probe.c pci_scan_slot: fn 0's header bit decides; functions > 0 are always multifunction.
  const slots = new Map<number, Draft[]>();
  for (const m of members) {
    const s = m.devfn >> 3;
    if (!slots.has(s)) slots.set(s, []);
    slots.get(s)!.push(m);
  }
  for (const [slot, fns] of slots) {
    if (!fns.some((f) => (f.devfn & 7) === 0)) {
      errors.push({
        code: 'PCI_NO_FUNCTION0',
        message: `slot ${formatBdf({ segment: c.segment, bus: bus.number, devfn: slot << 3 }).slice(0, -2)} has functions but no function 0; Linux scans a slot only when function 0 exists`,
        hint: 'add function 0 (or renumber the function to .0)',
        ref: fns[0]!.spec.ref,
      });
    }
  }
  for (const m of members) {
    const sameSlot = slots.get(m.devfn >> 3)!;
    const fn = m.devfn & 7;
    const multifunction = fn > 0 || m.attrs.multifunction || sameSlot.length > 1;
    const dev: Mutable<PciDevice> = {
      bdf: formatBdf({ segment: c.segment, bus: bus.number, devfn: m.devfn }),
      segment: c.segment,
      bus: bus.number,
      devfn: m.devfn,
      slot: m.devfn >> 3,
      fn,
      vendor: m.attrs.vendor ?? 0,
      device: m.attrs.device ?? 0,
      subVendor: m.attrs.subVendor,
      subDevice: m.attrs.subDevice,
      classCode: m.classCode,
      pcieType: m.pcieType,
      isPcie: m.pcieType !== undefined,
      isBridge: m.isBridge,
      multifunction,
      acsCap: typeof m.attrs.acsCap === 'number' ? m.attrs.acsCap : undefined,
      acsCtl: typeof m.attrs.acsCap === 'number' ? (m.attrs.acsCtl ?? 0) : 0,
      ats: m.attrs.ats,
      pasid: m.attrs.pasid,
      pri: m.attrs.pri,
      externalFacing: m.attrs.externalFacing,
      untrusted: false,
      dmaAliasDevfns: [],
      flags: { pcieBridgeAlias: m.attrs.pcieBridgeAlias, bridgeXlateRoot: m.attrs.bridgeXlateRoot, acsEnabledQuirk: false },
      parent,
      onBus: bus,
      secondaryBus: m.child?.number,
      subordinateBus: m.child ? m.subordinate : undefined,
      childBus: undefined,
      dmaMaskBits: m.attrs.dmaMaskBits,
      attrs: m.spec.attrs,
      behindIommu: m.attrs.behindIommu,
      sriov: undefined,
      isVirtfn: false,
      physfn: undefined,
      kind: m.spec.kind,
      ref: m.spec.ref,
    };
    drafts.set(dev, m);
    bus.devices.push(dev);
    if (m.child && m.child.number !== undefined) {
      const child: PciBus = { segment: c.segment, number: m.child.number, self: dev, parent: bus, devices: [], isRoot: false, isVirtual: false };
      dev.childBus = child;
      populate(child, m.child, dev, errors, drafts);
    }
  }
}
