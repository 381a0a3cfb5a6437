import { IovaDomain, type IovaProfile } from '@dmasim/iova-alloc';
import type { IommuDomain, SimClock } from '@dmasim/iommu-core';
import { bitLength } from '@dmasim/physmem';
import type { DmaDevice } from './device.js';
import { FlushQueue } from './flush-queue.js';
import type { DmaProfile } from './profile.js';

/** A window the IOVA allocator must never hand out, inclusive. */
export interface IovaReservation {
  readonly start: bigint;
  readonly end: bigint;
  readonly why: string;
}

export interface IommuDmaHooks {
  readonly clock: SimClock;
  /** CONFIG_HZ: the flush-queue timer is in jiffies. */
  readonly hz: number;
  /** Which release's IOVA allocator (rcache depot behaviour). */
  readonly iovaProfile?: IovaProfile;
  flushAll(domain: IommuDomain): void;
  flushRange(domain: IommuDomain, iova: bigint, size: bigint): void;
  print(line: string): void;
}

/**
 * struct iommu_dma_cookie: the IOVA domain (and flush queue for DMA-FQ) that
 * dma-iommu attaches to a DMA domain (drivers/iommu/dma-iommu.c).
 */
export class IommuDmaCookie {
  readonly iovad: IovaDomain;
  readonly fq: FlushQueue | undefined;
  readonly reservations: IovaReservation[] = [];

  /**
   * iommu_dma_init_domain: granule = smallest IOMMU page, base pfn 1 (IOVA 0 is never
   * handed out), the caller's reserved windows (host-bridge windows, resv regions
   * except SW_MSI: iova_reserve_iommu_regions) reserved, and a flush queue for DMA-FQ.
   */
  constructor(
    readonly domain: IommuDomain,
    reservations: readonly IovaReservation[],
    private readonly hooks: IommuDmaHooks,
  ) {
    const granule = Number(domain.pgsizeBitmap & -domain.pgsizeBitmap);
    this.iovad = new IovaDomain({ granule, startPfn: 1, clock: hooks.clock, ...(hooks.iovaProfile ? { profile: hooks.iovaProfile } : {}) });
    const shift = BigInt(this.iovad.shift);
    for (const r of reservations) {
      this.iovad.reserveIova(Number(r.start >> shift), Number(r.end >> shift));
      this.reservations.push(r);
    }
    this.fq =
      domain.type === 'dma-fq'
        ? new FlushQueue(
            {
              flushIotlbAll: () => {
                hooks.flushAll(domain);
              },
              freeIova: (pfn, pages) => {
                this.iovad.freeIovaFast(pfn, pages);
              },
              armTimer: (at) => {
                hooks.clock.at(at, `fq_flush_timeout(domain ${domain.id})`, () => {
                  this.fq!.timeout();
                });
              },
            },
            hooks.hz,
          )
        : undefined;
  }

  get granule(): bigint {
    return BigInt(this.iovad.granule);
  }

  /** iommu_dma_alloc_iova: SAC (32-bit) first for PCI devices, then the full mask. Returns 0n on failure. */
  allocIova(dev: DmaDevice, size: bigint, dmaLimit: bigint, profile: DmaProfile): bigint {
    const shift = BigInt(this.iovad.shift);
    const len = Number(size >> shift);
    let limit = dmaLimit;
    if (dev.busDmaLimit !== 0n && dev.busDmaLimit < limit) limit = dev.busDmaLimit;
    // force_aperture: clamp to the domain's input address width.
    if (this.domain.apertureEnd < limit) limit = this.domain.apertureEnd;
    let pfn = 0;
    // 6.1 tests `dev_is_pci && !iommu_dma_forcedac` each time; later kernels clear the flag for good.
    if (limit > 0xffffffffn && dev.pci32bitWorkaround) {
      pfn = this.iovad.allocIovaFast(len, Number(0xffffffffn >> shift), false);
      if (pfn === 0 && profile.stickyDacFallback) {
        dev.pci32bitWorkaround = false;
        this.hooks.print(`${dev.name}: Using ${bitLength(limit)}-bit DMA addresses`);
      }
    }
    if (pfn === 0) pfn = this.iovad.allocIovaFast(len, Number(limit >> shift), true);
    return BigInt(pfn) << shift;
  }

  /** iommu_dma_free_iova: lazily through the flush queue, or straight to the rcache. */
  freeIova(iova: bigint, size: bigint, queued: boolean, release?: () => void): void {
    const shift = BigInt(this.iovad.shift);
    const pfn = Number(iova >> shift);
    const pages = Number(size >> shift);
    if (queued && this.fq) this.fq.queue(pfn, pages, this.hooks.clock.now(), release);
    else {
      release?.();
      this.iovad.freeIovaFast(pfn, pages);
    }
  }
}
