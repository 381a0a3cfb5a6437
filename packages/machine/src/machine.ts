import { DmaApi, DmaDevice, type IovaReservation } from '@dmasim/dma-api';
import {
  IntelVtd,
  IommuCore,
  KernelLog,
  SimClock,
  computeDefaultDomainPolicy,
  parseCmdline,
  parseIntelOptions,
  type DefaultDomainPolicy,
  type IommuDomain,
} from '@dmasim/iommu-core';
import { readFileSync } from 'node:fs';
import { buildTopology, expandImports, parseBdf, pciRequesterId, type PciDevice, type PciTopology, type TopologyNodeSpec } from '@dmasim/pci-topology';
import { PageAllocator, PhysMem } from '@dmasim/physmem';
import { Vfio } from '@dmasim/vfio-uapi';
import { BufferAllocator } from './buffers.js';
import { MachineVfioBackend } from './vfio-backend.js';
import { applyKconfig, debianKconfig, type Kconfig } from './kconfig.js';
import { buildPlatform, type Platform } from './platform.js';
import { kernelProfile, type KernelProfile, type KernelRelease } from './profile.js';

export interface MachineConfig {
  readonly release: KernelRelease;
  readonly platform: { readonly name: string; readonly attrs: Readonly<Record<string, string | true>> };
  /** The kernel command line. */
  readonly cmdline: string;
  /** Bytes of RAM. */
  readonly memory: bigint;
  readonly kconfig?: Readonly<Record<string, string>>;
  readonly topology: readonly TopologyNodeSpec[];
  /** Confidential-computing memory encryption (SME/SEV/TDX). */
  readonly memEncrypt?: boolean;
}

/** A configuration error, pointing back at the part of the configuration it came from. */
export interface MachineError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly where: 'platform' | 'kconfig' | 'topology' | 'memory' | 'kernel';
  readonly key?: string;
  readonly ref?: unknown;
}

/**
 * A booted simulated machine: physical memory, the PCI tree, the kernel's IOMMU
 * setup (default-domain policy, groups, domains) and the DMA API, all driven by one
 * clock and printing to one kernel log.
 */
export class Machine {
  readonly log: KernelLog;
  readonly clock = new SimClock();
  readonly mem: PhysMem;
  readonly pages: PageAllocator;
  readonly buffers: BufferAllocator;
  readonly dma: DmaApi;
  readonly iommu: IommuCore | undefined;
  readonly vtd: IntelVtd | undefined;
  private readonly dmaDevices = new Map<string, DmaDevice>();
  private vfioInstance: Vfio | undefined;
  private vfioLogged = 0;

  private constructor(
    readonly config: MachineConfig,
    readonly profile: KernelProfile,
    readonly kconfig: Kconfig,
    readonly platform: Platform,
    readonly topology: PciTopology,
    readonly policy: DefaultDomainPolicy,
    private readonly drivers: Map<string, string>,
  ) {
    this.log = new KernelLog(() => this.clock.now());
    this.mem = new PhysMem({ size: config.memory });
    this.pages = new PageAllocator(this.mem);
    this.pages.claim(0, 0x100); // the first MiB: BIOS, real-mode trampolines
    this.buffers = new BufferAllocator(this.pages);

    const cmdline = parseCmdline(config.cmdline);
    const intel = parseIntelOptions(cmdline, {
      defaultOn: kconfig.INTEL_IOMMU_DEFAULT_ON,
      defaultOnIntgpuOff: kconfig.INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF,
      scalableModeDefaultOn: kconfig.INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON,
    });
    // Early params print first (iommu=, iommu.*), then __setup handlers (intel_iommu=).
    this.log.printAll(policy.log.filter((l) => l.startsWith('iommu: Forcing DAC')));
    this.log.printAll(intel.log);
    this.log.printAll(topology.log);
    // subsys_initcall iommu_subsys_init: printed whether or not any IOMMU exists.
    this.log.printAll(policy.log.filter((l) => !l.startsWith('iommu: Forcing DAC')));

    const vtdOn = platform.vtd !== undefined && kconfig.INTEL_IOMMU && !intel.dmarDisabled && !policy.noIommu;
    if (platform.vtd && vtdOn) {
      this.vtd = new IntelVtd(platform.vtd, intel, profile.iommu, profile.pgtable, this.mem, this.pages, this.log, () => this.clock.now());
      this.iommu = new IommuCore({ topology, driver: this.vtd, policy, log: this.log, iommuDma: kconfig.IOMMU_DMA });
      this.iommu.probe();
      this.log.print('DMAR: Intel(R) Virtualization Technology for Directed I/O');
    }

    const hooks = {
      clock: this.clock,
      hz: kconfig.HZ,
      iovaProfile: profile.dma.iova,
      flushAll: (d: IommuDomain) => {
        this.vtd?.flushAll(d);
      },
      flushRange: (d: IommuDomain, iova: bigint, size: bigint) => {
        this.vtd?.flushRange(d, iova, size);
      },
      print: (l: string) => {
        this.log.print(l);
      },
    };
    this.dma = new DmaApi({
      profile: profile.dma,
      hooks,
      dmaDomainOf: (dev) => this.iommu?.dmaDomainOf(dev.key),
      reservationsFor: () => this.iovaReservations(),
    });
    for (const d of topology.devices) {
      // dev_driver_string: the bound driver's name, or the bus name when none is bound.
      const driver = this.drivers.get(d.bdf) ?? 'pci';
      this.dmaDevices.set(d.bdf, new DmaDevice(`${driver} ${d.bdf}`, d.bdf, true, d.untrusted, d.dmaMaskBits ?? 32, policy.forceDac));
    }
  }

  /** Boots a machine or returns every configuration error found. */
  static boot(config: MachineConfig): { machine?: Machine; errors: MachineError[] } {
    const errors: MachineError[] = [];
    const profile = kernelProfile(config.release);
    const k = applyKconfig(debianKconfig, config.kconfig ?? {});
    for (const e of k.errors) errors.push({ ...e, where: 'kconfig' });
    const p = buildPlatform(config.platform.name, config.platform.attrs);
    for (const e of p.errors) errors.push({ ...e, where: 'platform', ...(e.attr ? { key: e.attr } : {}) });
    if (config.memory < 16n << 20n || config.memory % 4096n !== 0n || config.memory > 1n << 40n) {
      errors.push({ code: 'MEMORY_SIZE', where: 'memory', message: `memory must be a multiple of 4K between 16M and 1T (got ${config.memory})` });
    }
    const drivers = new Map<string, string>();
    // `import file=… format=…` nodes: the dump's machine, with the drivers it shows bound.
    const imported = expandImports(config.topology, (path) => readFileSync(path, 'utf8'), { drivers: true });
    for (const e of imported.errors) errors.push({ ...e, where: 'topology', ...(e.attr ? { key: e.attr } : {}) });
    const t = buildTopology(imported.nodes.map((n) => stripMachineAttrs(n, drivers)));
    for (const e of t.errors) errors.push({ ...e, where: 'topology', ...(e.attr ? { key: e.attr } : {}) });
    if (errors.length > 0 || !p.platform) return { errors };
    const cmdline = parseCmdline(config.cmdline);
    // intel_iommu=strict/forcedac act at __setup time, before iommu_subsys_init prints the policy.
    const intel = parseIntelOptions(cmdline, {
      defaultOn: k.kconfig.INTEL_IOMMU_DEFAULT_ON,
      defaultOnIntgpuOff: k.kconfig.INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF,
      scalableModeDefaultOn: k.kconfig.INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON,
    });
    const intelBuilt = k.kconfig.INTEL_IOMMU && p.platform.vtd !== undefined;
    const policy = computeDefaultDomainPolicy({
      kconfig: k.kconfig.IOMMU_DEFAULT,
      cmdline,
      memEncrypt: config.memEncrypt ?? false,
      profile: profile.iommu,
      driverStrict: intelBuilt && intel.strict,
      driverForceDac: intelBuilt && intel.forceDac,
    });
    return { machine: new Machine(config, profile, k.kconfig, p.platform, t.topology, policy, drivers), errors };
  }

  /** iova_reserve_pci_windows + iova_reserve_iommu_regions for a PCI device on this platform. */
  iovaReservations(): IovaReservation[] {
    return [
      ...this.platform.hostBridgeWindows.map((w) => ({ ...w, why: 'host bridge window' })),
      { ...this.platform.msiWindow, why: 'IOAPIC/MSI window (IOMMU_RESV_MSI)' },
    ];
  }

  device(bdf: string): PciDevice | undefined {
    return this.topology.find(bdf);
  }

  dmaDevice(dev: PciDevice): DmaDevice {
    return this.dmaDevices.get(dev.bdf)!;
  }

  /** The requester id the device's DMA carries to the root complex. */
  requesterId(dev: PciDevice): number {
    return pciRequesterId(this.topology, dev);
  }

  /** Whether an enabled IOMMU translates this device's DMA. */
  translates(dev: PciDevice): boolean {
    return this.vtd !== undefined && dev.behindIommu && this.vtd.covers({
      bdf: dev.bdf,
      vendor: dev.vendor,
      classCode: dev.classCode,
      onRootBus: dev.parent === undefined,
    });
  }

  /** The driver bound to a device (canonical BDF), undefined when none is. */
  driverOf(bdf: string): string | undefined {
    return this.drivers.get(bdf);
  }

  /** Unbinds whatever driver a device has and binds another (driver_override + bind). */
  bindDriver(dev: PciDevice, driver: string | undefined): void {
    if (driver === undefined) this.drivers.delete(dev.bdf);
    else this.drivers.set(dev.bdf, driver);
  }

  /** The VFIO user API of one process on this machine (created on first use). */
  get vfio(): Vfio {
    this.vfioInstance ??= new Vfio(
      new MachineVfioBackend(
        {
          iommu: this.iommu,
          buffers: this.buffers,
          platform: this.platform,
          driverOf: (b) => this.driverOf(b),
          flushAll: (d) => this.vtd?.flushAll(d),
        },
        this.profile.vfio.defaultMemlockLimit,
      ),
      { profile: this.profile.vfio },
    );
    return this.vfioInstance;
  }

  /** Copies lines VFIO printed since the last call into the kernel log. */
  syncVfioLog(): void {
    const lines = this.vfioInstance?.log ?? [];
    for (; this.vfioLogged < lines.length; this.vfioLogged++) this.log.print(lines[this.vfioLogged]!);
  }

  advance(ms: number): string[] {
    return this.clock.advance(ms);
  }
}

/** Attributes the machine owns (not PCI config space): `driver=` names the bound kernel driver. */
const MACHINE_ATTRS = ['driver'];

function stripMachineAttrs(n: TopologyNodeSpec, drivers: Map<string, string>): TopologyNodeSpec {
  const attrs: Record<string, string | true> = {};
  for (const [k, v] of Object.entries(n.attrs)) {
    if (MACHINE_ATTRS.includes(k)) {
      const b = n.bdf === undefined ? undefined : parseBdf(n.bdf);
      if (typeof v === 'string' && b?.ok) drivers.set(canonicalBdf(b.bdf), v);
    } else attrs[k] = v;
  }
  return { ...n, attrs, children: n.children.map((c) => stripMachineAttrs(c, drivers)) };
}

function canonicalBdf(b: { segment: number; bus: number; slot: number; fn: number }): string {
  const h = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  return `${h(b.segment, 4)}:${h(b.bus, 2)}:${h(b.slot, 2)}.${b.fn}`;
}
