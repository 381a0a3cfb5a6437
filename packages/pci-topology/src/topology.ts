import { parseBdf } from './bdf.js';
import type { PciBus, PciDevice, PciPlatform, PlatformDevice } from './types.js';

/** Parts of a topology besides the PCI root buses. */
export interface TopologyExtras {
  /** Buses created for VFs beyond their PF's bus (no bridge leads to them). */
  virtualBuses?: PciBus[];
  /** Non-PCI devices (platform-device nodes). */
  platformDevices?: PlatformDevice[];
}

/**
 * A built PCI hierarchy. `devices` is in Linux enumeration order, which is also
 * the driver-core registration order and so the boot-time IOMMU probe order:
 * for each bus its functions in devfn order, then each bridge's secondary bus
 * in turn (drivers/pci/bus.c pci_bus_add_devices). Root buses are taken in
 * (segment, bus) order. SR-IOV VFs come last, PF by PF: they are added when the
 * PF enables SR-IOV, after boot (drivers/pci/iov.c pci_iov_add_virtfn).
 */
export class PciTopology {
  readonly devices: readonly PciDevice[];
  readonly rootBuses: readonly PciBus[];
  readonly virtualBuses: readonly PciBus[];
  /** Non-PCI devices, in declaration order (probed before PCI: iommu.c iommu_buses[] lists the platform bus first). */
  readonly platformDevices: readonly PlatformDevice[];
  /** Kernel log lines from enumeration (quirks), in order. */
  readonly log: readonly string[];
  /** Platform facts some quirks read; the machine sets them (e.g. acpiIvrs on AMD). */
  readonly platform: PciPlatform;
  private readonly byBdf: Map<string, PciDevice>;

  constructor(rootBuses: PciBus[], log: string[], platform: PciPlatform = { acpiIvrs: false }, extras: TopologyExtras = {}) {
    this.rootBuses = rootBuses;
    this.virtualBuses = extras.virtualBuses ?? [];
    this.platformDevices = extras.platformDevices ?? [];
    this.log = log;
    this.platform = platform;
    const order: PciDevice[] = [];
    const walk = (bus: PciBus): void => {
      const devs = bus.devices.filter((d) => !d.isVirtfn);
      order.push(...devs);
      for (const d of devs) if (d.childBus) walk(d.childBus);
    };
    for (const b of rootBuses) walk(b);
    const vfs = order.flatMap((d) => d.sriov?.virtfns ?? []);
    this.devices = [...order, ...vfs];
    this.byBdf = new Map(this.devices.map((d) => [d.bdf, d]));
  }

  /** Look up '[dddd:]bb:dd.f' (segment 0 when omitted). */
  find(bdf: string): PciDevice | undefined {
    const r = parseBdf(bdf);
    if (!r.ok) return undefined;
    const b = r.bdf;
    const key = `${b.segment.toString(16).padStart(4, '0')}:${b.bus.toString(16).padStart(2, '0')}:${b.slot.toString(16).padStart(2, '0')}.${b.fn}`;
    return this.byBdf.get(key);
  }

  /** A platform device by name. */
  findPlatform(name: string): PlatformDevice | undefined {
    return this.platformDevices.find((p) => p.name === name);
  }

  /** Functions on the same bus and slot (including dev). */
  slotFunctions(dev: PciDevice): PciDevice[] {
    return dev.onBus.devices.filter((d) => d.slot === dev.slot);
  }
}
