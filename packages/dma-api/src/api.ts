import type { IommuDomain } from '@dmasim/iommu-core';
import { IotlbGather } from '@dmasim/io-pgtable';
import { alignUp, hex } from '@dmasim/physmem';
import type { DmaDevice } from './device.js';
import { DMA_MAPPING_ERROR, dmaInfoToProt, type DmaDirection } from './direction.js';
import { IommuDmaCookie, type IommuDmaHooks, type IovaReservation } from './iommu-dma.js';
import type { DmaProfile } from './profile.js';

export type DmaPath = 'direct' | 'iommu';

export type MapOutcome =
  | { readonly ok: true; readonly dma: bigint; readonly path: DmaPath; readonly why: readonly string[] }
  | { readonly ok: false; readonly dma: bigint; readonly path: DmaPath; readonly why: readonly string[] };

export interface DmaApiOptions {
  readonly profile: DmaProfile;
  readonly hooks: IommuDmaHooks;
  /** The device's current DMA domain when it uses iommu-dma (iommu_get_dma_domain), else undefined. */
  dmaDomainOf(dev: DmaDevice): IommuDomain | undefined;
  /** IOVA windows to reserve when a DMA domain is first initialised for a device. */
  reservationsFor(dev: DmaDevice): readonly IovaReservation[];
}

/**
 * The streaming DMA API (kernel/dma/mapping.c dma_map_page_attrs and friends):
 * iommu-dma when the device's group got a DMA/DMA-FQ default domain
 * (iommu_setup_dma_ops), dma-direct otherwise.
 */
export class DmaApi {
  private readonly cookies = new Map<IommuDomain, IommuDmaCookie>();

  constructor(private readonly opts: DmaApiOptions) {}

  cookieOf(domain: IommuDomain): IommuDmaCookie | undefined {
    return this.cookies.get(domain);
  }

  /** iommu_dma_init_domain: the first device initialises the cookie and its reservations. */
  private cookie(dev: DmaDevice, domain: IommuDomain): IommuDmaCookie {
    let c = this.cookies.get(domain);
    if (!c) {
      c = new IommuDmaCookie(domain, this.opts.reservationsFor(dev), this.opts.hooks);
      this.cookies.set(domain, c);
    }
    return c;
  }

  /** Which path a device's streaming mappings take. */
  pathOf(dev: DmaDevice): DmaPath {
    return this.opts.dmaDomainOf(dev) ? 'iommu' : 'direct';
  }

  /** dma_map_single / dma_map_page: returns the DMA address or DMA_MAPPING_ERROR. */
  mapSingle(dev: DmaDevice, phys: bigint, size: bigint, dir: DmaDirection): MapOutcome {
    const domain = this.opts.dmaDomainOf(dev);
    if (!domain) return this.directMap(dev, phys, size);
    const c = this.cookie(dev, domain);
    // dma-iommu.c __iommu_dma_map
    const granule = c.granule;
    const off = phys & (granule - 1n);
    const len = alignUp(size + off, granule);
    const iova = c.allocIova(dev, len, dev.dmaMask, this.opts.profile);
    if (iova === 0n) {
      return { ok: false, dma: DMA_MAPPING_ERROR, path: 'iommu', why: [`no free IOVA range of ${len} bytes below ${hex(dev.dmaMask)}`] };
    }
    const r = domain.map(iova, phys - off, len, dmaInfoToProt(dir, dev.coherent));
    for (const l of r.log) this.opts.hooks.print(l);
    if (r.errno) {
      c.freeIova(iova, len, false);
      return { ok: false, dma: DMA_MAPPING_ERROR, path: 'iommu', why: [`iommu_map failed with -${r.errno}`] };
    }
    return {
      ok: true,
      dma: iova + off,
      path: 'iommu',
      why: [`iova ${hex(iova)}..${hex(iova + len - 1n)} → phys ${hex(phys - off)} in domain ${domain.id}`],
    };
  }

  /** dma_unmap_single / dma_unmap_page. */
  unmapSingle(dev: DmaDevice, dma: bigint, size: bigint): { why: string[] } {
    const domain = this.opts.dmaDomainOf(dev);
    if (!domain) return { why: ['dma-direct: nothing to tear down'] };
    const c = this.cookie(dev, domain);
    // iommu_dma_unmap_page: WARN_ON(!phys) and return.
    if (domain.iovaToPhys(dma) === 0n) {
      this.opts.hooks.print(`WARNING: iommu_dma_unmap_page: ${hex(dma)} is not mapped in domain ${domain.id}`);
      return { why: [`${hex(dma)} is not mapped`] };
    }
    const granule = c.granule;
    const off = dma & (granule - 1n);
    const start = dma - off;
    const len = alignUp(size + off, granule);
    const gather = new IotlbGather();
    gather.queued = c.fq !== undefined;
    const { unmapped, log } = domain.unmap(start, len, gather);
    for (const l of log) this.opts.hooks.print(l);
    const why = [`unmapped ${unmapped} bytes at ${hex(start)}`];
    if (!gather.queued) {
      this.opts.hooks.flushRange(domain, start, len);
      why.push('strict: IOTLB invalidated now, IOVA freed to the rcache');
    } else {
      why.push('lazy: IOVA parked in the flush queue until the next IOTLB flush');
    }
    // Page-table pages the unmap detached are freed only after the IOTLB no longer
    // references them: now in strict mode, when the flush-queue entry is released in lazy mode.
    c.freeIova(start, len, gather.queued, () => domain.pt?.releaseGathered(gather));
    return { why };
  }

  /** dma_set_mask / dma_set_coherent_mask (kernel/dma/mapping.c). */
  setMask(dev: DmaDevice, mask: bigint, which: 'streaming' | 'coherent' | 'both'): 'EIO' | undefined {
    // dma-direct accepts masks ≥ 32 bits and ZONE_DMA-sized ones (x86: 24 bits); iommu-dma accepts all.
    if (!this.opts.dmaDomainOf(dev) && mask < 0xffffffn) return 'EIO';
    if (which !== 'coherent') dev.dmaMask = mask;
    if (which !== 'streaming') dev.coherentDmaMask = mask;
    return undefined;
  }

  /** kernel/dma/direct.h dma_direct_map_page (x86: dma address = physical address). */
  private directMap(dev: DmaDevice, phys: bigint, size: bigint): MapOutcome {
    const limit = dev.busDmaLimit !== 0n && dev.busDmaLimit < dev.dmaMask ? dev.busDmaLimit : dev.dmaMask;
    if (phys + size - 1n <= limit) {
      return { ok: true, dma: phys, path: 'direct', why: ['dma-direct: the DMA address is the physical address'] };
    }
    this.opts.hooks.print(
      `${dev.name}: DMA addr 0x${phys.toString(16).padStart(16, '0')}+${size} overflow (mask ${dev.dmaMask.toString(16)}, bus limit ${dev.busDmaLimit.toString(16)}).`,
    );
    return {
      ok: false,
      dma: DMA_MAPPING_ERROR,
      path: 'direct',
      why: [`buffer ends above the device's DMA mask ${hex(dev.dmaMask)} and no bounce buffer is available`],
    };
  }
}
