import { parseBdf } from './bdf.js';
import type { PciBus, PciDevice, PciPlatform } from './types.js';

/**
 * A built PCI hierarchy. `devices` is in Linux enumeration order, which is also
 * the driver-core registration order and so the boot-time IOMMU probe order:
 * for each bus its functions in devfn order, then each bridge's secondary bus
 * in turn (drivers/pci/bus.c pci_bus_add_devices). Root buses are taken in
 * (segment, bus) order.
 */
export class PciTopology {
  readonly devices: readonly PciDevice[];
  readonly rootBuses: readonly PciBus[];
  /** Kernel log lines from enumeration (quirks), in order. */
  readonly log: readonly string[];
  /** Platform facts some quirks read; the machine sets them (e.g. acpiIvrs on AMD). */
  readonly platform: PciPlatform;
  private readonly byBdf: Map<string, PciDevice>;

  constructor(rootBuses: PciBus[], log: string[], platform: PciPlatform = { acpiIvrs: false }) {
    this.rootBuses = rootBuses;
    this.log = log;
    this.platform = platform;
    const order: PciDevice[] = [];
    const walk = (bus: PciBus): void => {
      order.push(...bus.devices);
      for (const d of bus.devices) if (d.childBus) walk(d.childBus);
    };
    for (const b of rootBuses) walk(b);
    this.devices = order;
    this.byBdf = new Map(order.map((d) => [d.bdf, d]));
  }

  /** Look up '[dddd:]bb:dd.f' (segment 0 when omitted). */
  find(bdf: string): PciDevice | undefined {
    const r = parseBdf(bdf);
    if (!r.ok) return undefined;
    const b = r.bdf;
    const key = `${b.segment.toString(16).padStart(4, '0')}:${b.bus.toString(16).padStart(2, '0')}:${b.slot.toString(16).padStart(2, '0')}.${b.fn}`;
    return this.byBdf.get(key);
  }

  /** Functions on the same bus and slot (including dev). */
  slotFunctions(dev: PciDevice): PciDevice[] {
    return dev.onBus.devices.filter((d) => d.slot === dev.slot);
  }
}
