/**
 * A self-contained VfioBackend: an x86 VT-d-like IOMMU (48-bit aperture, 4K/2M/1G
 * pages, the MSI window reserved), IOMMU groups given as data, and a process
 * address space with mmap/munmap. For tests, examples and quick experiments;
 * @dmasim/machine provides the full one.
 */
import type { ReservedRegion, VfioBackend } from './backend.js';
import type { Errno } from './errno.js';

export interface SimpleGroupSpec {
  readonly id: number;
  /** Device names, e.g. `0000:06:0d.0`. */
  readonly devices?: readonly string[];
  /** No kernel driver owns DMA of any device. Default true. */
  readonly viable?: boolean;
  /** Default: the x86 MSI window 0xfee00000-0xfeefffff (`msi`). */
  readonly reserved?: readonly ReservedRegion[];
  /** Interrupt remapping available. Default true. */
  readonly msiIsolated?: boolean;
}

export interface SimpleBackendOptions {
  readonly groups: readonly SimpleGroupSpec[];
  /** Domain aperture, inclusive. Default [0, 2^48 - 1]. */
  readonly aperture?: { readonly start: bigint; readonly end: bigint };
  /** Domain pgsize_bitmap. Default 4 KiB | 2 MiB | 1 GiB. */
  readonly pageSizes?: bigint;
  /** RLIMIT_MEMLOCK in bytes. Default 8 MiB. */
  readonly memlockLimit?: bigint;
  /** Every domain allocation fails with this errno (e.g. EIO). */
  readonly domainAllocError?: Errno;
  /** Domains block no-snoop. Default true. */
  readonly coherent?: boolean;
}

export interface DomainMapping {
  readonly iova: bigint;
  readonly pa: bigint;
  readonly size: bigint;
  readonly prot: number;
}

interface Region {
  readonly vaddr: bigint;
  readonly size: bigint;
  readonly pa: bigint;
  readonly readOnly: boolean;
}

const PAGE = 4096n;
export const X86_MSI_REGION: ReservedRegion = { start: 0xfee00000n, end: 0xfeefffffn, type: 'msi' };

export class SimpleVfioBackend implements VfioBackend {
  memlockLimit: bigint;
  private readonly groups = new Map<number, SimpleGroupSpec>();
  private readonly claimed = new Set<number>();
  private readonly domains = new Map<number, { groups: Set<number>; maps: DomainMapping[] }>();
  private nextDomain = 1;
  private readonly regions: Region[] = [];
  private nextVaddr = 0x7f00_0000_0000n;
  private nextPa = 0x1_0000_0000n;
  private readonly pins = new Map<bigint, number>();

  constructor(private readonly opts: SimpleBackendOptions) {
    for (const g of opts.groups) this.groups.set(g.id, g);
    this.memlockLimit = opts.memlockLimit ?? 8n << 20n;
  }

  // --- user address space ---

  /** Maps `size` bytes of anonymous memory; returns its address (2 MiB aligned). */
  mmap(size: bigint, options: { readonly readOnly?: boolean } = {}): bigint {
    const len = ((size + PAGE - 1n) / PAGE) * PAGE;
    const vaddr = this.nextVaddr;
    this.regions.push({ vaddr, size: len, pa: this.nextPa, readOnly: options.readOnly ?? false });
    const step = ((len + (2n << 20n) - 1n) >> 21n) << 21n;
    this.nextVaddr += step + (2n << 20n);
    this.nextPa += step;
    return vaddr;
  }

  /** Removes a mapping made by mmap (pinned pages stay pinned, as in Linux). */
  munmap(vaddr: bigint): void {
    const i = this.regions.findIndex((r) => r.vaddr === vaddr);
    if (i >= 0) this.regions.splice(i, 1);
  }

  // --- inspection ---

  domainMappings(domainId: number): readonly DomainMapping[] {
    return [...(this.domains.get(domainId)?.maps ?? [])].sort((a, b) => (a.iova < b.iova ? -1 : 1));
  }

  domainIds(): readonly number[] {
    return [...this.domains.keys()];
  }

  /** Pages currently pinned (counting each pin). */
  pinnedPages(): number {
    let n = 0;
    for (const c of this.pins.values()) n += c;
    return n;
  }

  isClaimed(groupId: number): boolean {
    return this.claimed.has(groupId);
  }

  setViable(groupId: number, viable: boolean): void {
    const g = this.groups.get(groupId);
    if (g) this.groups.set(groupId, { ...g, viable });
  }

  // --- VfioBackend ---

  groupExists(groupId: number): boolean {
    return this.groups.has(groupId);
  }

  groupViable(groupId: number): boolean {
    return (this.groups.get(groupId)?.viable ?? true) && !this.claimed.has(groupId);
  }

  groupDevices(groupId: number): readonly string[] {
    return this.groups.get(groupId)?.devices ?? [];
  }

  claimGroup(groupId: number): Errno | undefined {
    if (!(this.groups.get(groupId)?.viable ?? true) || this.claimed.has(groupId)) return 'EBUSY';
    this.claimed.add(groupId);
    return undefined;
  }

  releaseGroup(groupId: number): void {
    this.claimed.delete(groupId);
    for (const d of this.domains.values()) d.groups.delete(groupId);
  }

  allocDomain(groups: number[]): { id: number } | Errno {
    if (this.opts.domainAllocError) return this.opts.domainAllocError;
    const id = this.nextDomain++;
    this.domains.set(id, { groups: new Set(groups), maps: [] });
    return { id };
  }

  attachGroup(domainId: number, groupId: number): Errno | undefined {
    const d = this.domains.get(domainId);
    if (!d) return 'ENODEV';
    d.groups.add(groupId);
    return undefined;
  }

  detachGroup(domainId: number, groupId: number): void {
    this.domains.get(domainId)?.groups.delete(groupId);
  }

  freeDomain(domainId: number): void {
    this.domains.delete(domainId);
  }

  domainMap(
    domainId: number,
    iova: bigint,
    pa: bigint,
    size: bigint,
    prot: number,
  ): Errno | undefined {
    const d = this.domains.get(domainId);
    if (!d) return 'ENODEV';
    if (d.maps.some((m) => iova < m.iova + m.size && m.iova < iova + size)) return 'EEXIST';
    d.maps.push({ iova, pa, size, prot });
    return undefined;
  }

  domainUnmap(domainId: number, iova: bigint, size: bigint): bigint {
    const d = this.domains.get(domainId);
    if (!d) return 0n;
    let n = 0n;
    d.maps = d.maps.filter((m) => {
      const inside = m.iova >= iova && m.iova + m.size <= iova + size;
      if (inside) n += m.size;
      return !inside;
    });
    return n;
  }

  reservedRegions(groupId: number): { start: bigint; end: bigint; type: string }[] {
    return [...(this.groups.get(groupId)?.reserved ?? [X86_MSI_REGION])];
  }

  pageSizes(): bigint {
    return this.opts.pageSizes ?? (1n << 12n) | (1n << 21n) | (1n << 30n);
  }

  aperture(): { start: bigint; end: bigint } {
    return this.opts.aperture ?? { start: 0n, end: (1n << 48n) - 1n };
  }

  msiIsolated(groupId: number): boolean {
    return this.groups.get(groupId)?.msiIsolated ?? true;
  }

  enforceCacheCoherency(): boolean {
    return this.opts.coherent ?? true;
  }

  pinUserPages(vaddr: bigint, size: bigint, write: boolean): { pa: bigint[] } | Errno {
    // every page must lie in one mapped region, writable if asked
    let covered = 0n;
    for (let at = vaddr; at < vaddr + size;) {
      const r = this.regions.find((x) => at >= x.vaddr && at < x.vaddr + x.size);
      if (!r || (write && r.readOnly)) return 'EFAULT';
      const step = r.vaddr + r.size - at;
      at += step;
      covered += step;
    }
    if (covered < size) return 'EFAULT';
    const pa: bigint[] = [];
    for (let at = vaddr; at < vaddr + size; at += PAGE) {
      const r = this.regions.find((x) => at >= x.vaddr && at < x.vaddr + x.size)!;
      const p = r.pa + (at - r.vaddr);
      pa.push(p);
      this.pins.set(p, (this.pins.get(p) ?? 0) + 1);
    }
    return { pa };
  }

  unpinUserPages(pa: bigint[]): void {
    for (const p of pa) {
      const c = (this.pins.get(p) ?? 0) - 1;
      if (c > 0) this.pins.set(p, c);
      else this.pins.delete(p);
    }
  }

  lockedMemoryLimit(): bigint {
    return this.memlockLimit;
  }
}
