import {
  IOMMU_READ,
  IOMMU_WRITE,
  createVtdSecondStage,
  type PgtableProfile,
} from '@dmasim/io-pgtable';
import type { PageAllocator, PhysMem } from '@dmasim/physmem';
import { IommuDomain } from '../domain.js';
import type { DomainType } from '../domain-type.js';
import { Iotlb } from '../iotlb.js';
import { KernelLog, RateLimit } from '../log.js';
import type { IommuProfile } from '../profile.js';
import { formatVtdFault, formatVtdFaultStatus, type VtdFaultRecord } from './fault.js';
import type { IntelOptions } from './options.js';

/** What the platform's DMAR table and VT-d capability registers say. */
export interface VtdPlatform {
  /** Address width of DMA domains (SAGAW/MGAW): 39, 48 or 57 bits. */
  readonly addressWidth: 39 | 48 | 57;
  /** CAP.SLLPS: second-level 2 MiB / 1 GiB pages. */
  readonly superpages: { readonly '2M': boolean; readonly '1G': boolean };
  /** ECAP.PT: hardware pass-through translation type. */
  readonly passThrough: boolean;
  /** CAP.CM: caching mode (a virtualised VT-d unit, e.g. QEMU's intel-iommu). */
  readonly cachingMode: boolean;
  /** CAP.NFR + 1: number of fault recording registers. */
  readonly faultRecords: number;
  /** A DRHD unit dedicated to the integrated GPU (typical of Intel client chipsets). */
  readonly gfxDedicatedDrhd: boolean;
}

export interface VtdDevice {
  readonly bdf: string;
  readonly vendor: number;
  readonly classCode: number;
  readonly onRootBus: boolean;
}

type ContextEntry = { kind: 'passthrough' } | { kind: 'translate'; domain: IommuDomain };

export type VtdTranslation =
  | { readonly ok: true; readonly pa: bigint; readonly how: 'disabled' | 'passthrough' | 'iotlb' | 'walk' }
  | { readonly ok: false; readonly record: VtdFaultRecord; readonly why: readonly string[] };

/**
 * The Intel VT-d driver and its hardware in legacy (non-scalable) mode:
 * drivers/iommu/intel/iommu.c (device_def_domain_type, domain allocation, context
 * mapping) and dmar.c (fault interrupt handling). Context entries are kept per
 * requester id; the root entry of a bus is present once any context on it was set.
 */
export class IntelVtd {
  readonly name = 'intel-vtd';
  readonly iotlb = new Iotlb();
  private readonly contexts = new Map<number, ContextEntry>();
  private readonly busesWithRoot = new Set<number>();
  private nextDid = 1;
  private fri = 0;
  private readonly faultRate = new RateLimit('dmar_fault');
  readonly faults: VtdFaultRecord[] = [];

  constructor(
    readonly platform: VtdPlatform,
    readonly options: IntelOptions,
    readonly profile: IommuProfile,
    private readonly pgProfile: PgtableProfile,
    private readonly mem: PhysMem,
    private readonly pages: PageAllocator,
    private readonly log: KernelLog,
    private readonly now: () => number,
  ) {}

  /** intel_iommu_init gives up when dmar_disabled or x86 iommu=off (no_iommu). */
  get enabled(): boolean {
    return !this.options.dmarDisabled;
  }

  /** Whether a DRHD unit covers the device (the gfx-dedicated unit is ignored with igfx_off). */
  covers(dev: VtdDevice): boolean {
    if (this.platform.gfxDedicatedDrhd && !this.options.mapGfx && isIntGpu(dev)) return false;
    return true;
  }

  /** intel/iommu.c device_def_domain_type. */
  defDomainType(dev: VtdDevice): 'identity' | 'dma' | undefined {
    if (this.profile.intelNoPtForcesDma && !this.platform.passThrough) return 'dma';
    if (this.profile.release === '6.1' && !this.options.mapGfx && (dev.classCode >> 16) === 0x03) return 'identity';
    if (!this.options.mapIntgpu && isIntGpu(dev)) return 'identity';
    return undefined;
  }

  allocDomain(type: DomainType, id: number): IommuDomain {
    const paging = type === 'dma' || type === 'dma-fq' || type === 'unmanaged';
    const pt = paging
      ? createVtdSecondStage({
          mem: this.mem,
          pages: this.pages,
          profile: this.pgProfile,
          addressWidth: this.platform.addressWidth,
          superpages: this.options.superpage ? this.platform.superpages : { '2M': false, '1G': false },
          flush: {
            tlbFlushAll: () => {
              this.iotlb.flushAll(id);
            },
            tlbFlushWalk: () => {
              /* paging-structure caches are not modelled separately */
            },
            tlbAddPage: () => {
              /* leaf invalidations are issued at iotlb_sync */
            },
          },
        })
      : undefined;
    return new IommuDomain(id, type, pt, this.nextDid++);
  }

  /** domain_context_mapping for one requester id (done for every DMA alias of a device). */
  setContext(rid: number, domain: IommuDomain | undefined): void {
    if (!domain || domain.type === 'blocked') {
      this.contexts.delete(rid);
      return;
    }
    this.busesWithRoot.add(rid >> 8);
    this.contexts.set(rid, domain.type === 'identity' ? { kind: 'passthrough' } : { kind: 'translate', domain });
  }

  contextOf(rid: number): ContextEntry | undefined {
    return this.contexts.get(rid);
  }

  /** One page of a DMA request as the remapping hardware handles it. */
  translate(rid: number, addr: bigint, write: boolean): VtdTranslation {
    if (!this.enabled) return { ok: true, pa: addr, how: 'disabled' };
    const fault = (reason: number, why: string[]): VtdTranslation => ({
      ok: false,
      // Fault recording registers hold the page address (low 12 bits clear).
      record: { sourceId: rid, addr: addr & ~0xfffn, reason, write },
      why,
    });
    if (!this.busesWithRoot.has(rid >> 8)) {
      return fault(0x01, [`no context table for bus ${(rid >> 8).toString(16).padStart(2, '0')}: root entry not present`]);
    }
    const ctx = this.contexts.get(rid);
    if (!ctx) return fault(0x02, [`requester ${ridText(rid)} has no context entry (device not attached to any domain)`]);
    if (ctx.kind === 'passthrough') return { ok: true, pa: addr, how: 'passthrough' };
    const d = ctx.domain;
    if (addr > d.apertureEnd) {
      return fault(0x04, [`address 0x${addr.toString(16)} is above the domain's ${d.pt!.ias}-bit address width`]);
    }
    const pfn = Number(addr >> 12n);
    const cached = this.iotlb.lookup(d.id, pfn);
    if (cached && (write ? cached.write : cached.read)) {
      return { ok: true, pa: (BigInt(cached.paPfn) << 12n) | (addr & 0xfffn), how: 'iotlb' };
    }
    const pt = d.pt!;
    const w = pt.walk(addr, write ? 'write' : 'read');
    if (!w.ok) {
      const lvl = `level ${w.level} entry 0x${w.pte.toString(16).padStart(16, '0')}`;
      switch (w.reason) {
        case 'no-write':
          return fault(0x05, [`walk of 0x${addr.toString(16)} in domain ${d.id} stopped at ${lvl}: Write bit clear`]);
        case 'not-present':
        case 'no-read':
          return fault(write ? 0x05 : 0x06, [
            `walk of 0x${addr.toString(16)} in domain ${d.id} stopped at ${lvl}: ${write ? 'Write' : 'Read'} bit clear`,
          ]);
        case 'beyond-address-width':
          return fault(0x04, [`0x${addr.toString(16)} is beyond the domain's address width`]);
        default:
          return fault(0x0c, [`walk stopped at ${lvl}: ${w.reason}`]);
      }
    }
    const other = pt.walk(addr, write ? 'read' : 'write');
    this.iotlb.fill(d.id, pfn, { paPfn: Number(w.pa >> 12n), read: write ? other.ok : true, write: write ? true : other.ok });
    return { ok: true, pa: w.pa, how: 'walk' };
  }

  /**
   * dmar.c dmar_fault: record the fault in the next fault recording register, then
   * print the status line and the record (rate-limited per DEFAULT_RATELIMIT).
   */
  reportFault(record: VtdFaultRecord): void {
    this.faults.push(record);
    const index = this.fri;
    this.fri = (this.fri + 1) % this.platform.faultRecords;
    const status = (index << 8) | 0x2; // FRI | PPF
    if (!this.faultRate.allow(this.now(), this.log)) return;
    this.log.print(formatVtdFaultStatus(status));
    this.log.print(formatVtdFault(record));
  }

  /** Strict unmap: flush the range now (iotlb_sync after unmap). */
  flushRange(domain: IommuDomain, iova: bigint, size: bigint): void {
    this.iotlb.flushRange(domain.id, Number(iova >> 12n), Number((size + 0xfffn) >> 12n));
  }

  flushAll(domain: IommuDomain): void {
    this.iotlb.flushAll(domain.id);
  }
}

function isIntGpu(dev: VtdDevice): boolean {
  return (dev.classCode >> 16) === 0x03 && dev.vendor === 0x8086 && dev.onRootBus;
}

function ridText(rid: number): string {
  return `${((rid >> 8) & 0xff).toString(16).padStart(2, '0')}:${((rid >> 3) & 0x1f).toString(16).padStart(2, '0')}.${rid & 7}`;
}

export const PROT_RW = IOMMU_READ | IOMMU_WRITE;
