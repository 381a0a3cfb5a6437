import {
  IommuGroupFormer,
  pciEnableAcsAll,
  pciForEachDmaAlias,
  type PciDevice,
  type PciTopology,
} from '@dmasim/pci-topology';
import {
  decideGroupDomain,
  setDmaStrict,
  type DefaultDomainPolicy,
} from './default-domain.js';
import type { IommuDomain } from './domain.js';
import { domainTypeSysfs, isDmaDomain, type DomainType } from './domain-type.js';
import { IommuGroup } from './group.js';
import type { IntelVtd } from './intel/vtd.js';
import type { KernelLog } from './log.js';

export interface IommuCoreOptions {
  readonly topology: PciTopology;
  readonly driver: IntelVtd;
  readonly policy: DefaultDomainPolicy;
  readonly log: KernelLog;
  /** CONFIG_IOMMU_DMA. */
  readonly iommuDma: boolean;
}

/**
 * The IOMMU core of drivers/iommu/iommu.c for one IOMMU driver: probing devices
 * into groups (bus_iommu_probe → __iommu_probe_device → pci_device_group), building
 * each group's default domain (iommu_setup_default_domain) and attaching it.
 */
export class IommuCore {
  readonly groups = new Map<number, IommuGroup>();
  private readonly byBdf = new Map<string, IommuGroup>();
  private readonly devByBdf = new Map<string, PciDevice>();
  private nextDomainId = 1;
  readonly domains: IommuDomain[] = [];

  constructor(readonly opts: IommuCoreOptions) {}

  /** Runs at IOMMU driver registration: groups, default domains, context entries. */
  probe(): void {
    const { driver, topology, log, policy } = this.opts;
    if (driver.platform.cachingMode) {
      // intel/iommu.c init_dmars: a caching-mode unit cannot batch invalidations.
      log.print('DMAR: IOMMU batching disallowed due to virtualization');
      setDmaStrict(policy);
    }
    // detect_intel_iommu called pci_request_acs(): enumeration programs ACS control (pci_enable_acs).
    log.printAll(pciEnableAcsAll(topology));
    // bus_iommu_probe: devices in enumeration order; those no DRHD covers get no group.
    const former = new IommuGroupFormer(topology);
    // iommu_buses[] lists the platform bus before PCI: non-PCI devices get one group each first.
    for (const p of topology.platformDevices) if (p.behindIommu) former.probePlatform(p);
    for (const d of topology.devices) {
      if (d.behindIommu && driver.covers(vtdView(d)) && !former.groupOf(d)) former.probe(d);
    }
    log.printAll(former.log);
    for (const g of former.groups()) {
      const group = new IommuGroup(g.id);
      for (const d of g.devices) {
        group.devices.push(d.bdf);
        this.byBdf.set(d.bdf, group);
        this.devByBdf.set(d.bdf, d);
      }
      for (const p of g.platformDevices) {
        group.devices.push(p.name);
        this.byBdf.set(p.name, group);
      }
      group.reasons.push(...g.reasons);
      this.groups.set(g.id, group);
    }
    for (const group of this.groups.values()) this.setupDefaultDomain(group);
  }

  private setupDefaultDomain(group: IommuGroup): void {
    const { driver, policy, log } = this.opts;
    const devs = group.devices.flatMap((b) => this.devByBdf.get(b) ?? []);
    const untrusted = devs.find((d) => d.untrusted);
    const decision = decideGroupDomain(
      {
        driverTypes: devs.map((d) => {
          const t = driver.defDomainType(vtdView(d));
          return t ? { bdf: d.bdf, type: t } : undefined;
        }),
        anyUntrusted: untrusted !== undefined,
        ...(untrusted ? { untrustedBdf: untrusted.bdf } : {}),
        groupId: group.id,
        iommuDma: this.opts.iommuDma,
      },
      policy,
    );
    log.printAll(decision.log);
    if (!decision.ok) {
      // The device's IOMMU probe fails: it loses its group (hot-plug behaviour).
      for (const b of group.devices) this.byBdf.delete(b);
      this.groups.delete(group.id);
      return;
    }
    // VT-d supports IOMMU_CAP_DEFERRED_FLUSH, so DMA-FQ stays DMA-FQ (dma-iommu.c iommu_dma_init_domain).
    const type: DomainType = decision.type;
    const domain = this.allocDomain(type);
    group.defaultDomain = domain;
    this.attach(group, domain);
  }

  allocDomain(type: DomainType): IommuDomain {
    const d = this.opts.driver.allocDomain(type, this.nextDomainId++);
    this.domains.push(d);
    return d;
  }

  /** __iommu_group_set_domain: program every device's DMA aliases. */
  attach(group: IommuGroup, domain: IommuDomain | undefined): void {
    if (group.domain) for (const b of group.devices) group.domain.attached.delete(b);
    group.domain = domain;
    for (const b of group.devices) {
      const dev = this.devByBdf.get(b);
      // PCI devices: program every DMA alias; platform devices have no requester id here.
      if (dev) for (const a of pciForEachDmaAlias(this.opts.topology, dev)) this.opts.driver.setContext(a.rid, domain);
      domain?.attached.add(b);
    }
  }

  /**
   * iommu_group_claim_dma_owner: a user (VFIO) takes the group's DMA. EPERM while a
   * kernel driver owns it (owner_cnt), EBUSY when it is not on its default domain;
   * otherwise the group moves to a blocking domain (legacy VT-d: context entries
   * cleared, so DMA faults with "Present bit in context entry is clear").
   */
  claimDmaOwner(groupId: number, kernelDriverBound: boolean): 'EPERM' | 'EBUSY' | 'ENODEV' | undefined {
    const g = this.groups.get(groupId);
    if (!g) return 'ENODEV';
    if (kernelDriverBound || g.ownerCount > 0) return 'EPERM';
    if (g.domain !== g.defaultDomain) return 'EBUSY';
    g.ownerCount = 1;
    g.owner = 'user';
    this.attach(g, undefined);
    return undefined;
  }

  /** iommu_group_release_dma_owner: back to the default domain. */
  releaseDmaOwner(groupId: number): void {
    const g = this.groups.get(groupId);
    if (!g || g.owner === undefined) return;
    g.ownerCount = 0;
    g.owner = undefined;
    this.attach(g, g.defaultDomain);
  }

  /** iommu_attach_group of a user-owned group to an UNMANAGED domain. */
  attachGroupTo(domain: IommuDomain, groupId: number): 'ENODEV' | 'EBUSY' | undefined {
    const g = this.groups.get(groupId);
    if (!g) return 'ENODEV';
    if (g.owner === undefined) return 'EBUSY';
    this.attach(g, domain);
    return undefined;
  }

  /** iommu_detach_group: a user-owned group returns to blocking. */
  detachGroupFrom(groupId: number): void {
    const g = this.groups.get(groupId);
    if (g?.owner !== undefined) this.attach(g, undefined);
  }

  /**
   * iommu_get_dma_domain: the default domain of the device's group when it is a DMA
   * or DMA-FQ domain (iommu_setup_dma_ops then gave the device iommu-dma ops).
   */
  dmaDomainOf(bdf: string): IommuDomain | undefined {
    const d = this.byBdf.get(bdf)?.defaultDomain;
    return d && isDmaDomain(d.type) ? d : undefined;
  }

  groupOf(bdf: string): IommuGroup | undefined {
    return this.byBdf.get(bdf);
  }

  /** Group sysfs `type`. */
  groupType(bdf: string): string {
    return domainTypeSysfs(this.byBdf.get(bdf)?.defaultDomain?.type);
  }
}

function vtdView(d: PciDevice): { bdf: string; vendor: number; classCode: number; onRootBus: boolean } {
  return { bdf: d.bdf, vendor: d.vendor, classCode: d.classCode, onRootBus: d.parent === undefined };
}
