/**
 * Group attach and detach on a type1 container: drivers/vfio/vfio_iommu_type1.c
 * vfio_iommu_type1_attach_group / vfio_iommu_type1_detach_group, with the
 * aperture and reserved-region bookkeeping of the IOVA range list.
 */
import { done, errno } from './errno.js';
import type { VfioResult } from './errno.js';
import { aperConflict, aperResize, resvConflict, resvRefine, U64_MAX } from './iova-list.js';
import type { IovaRange } from './iova-list.js';
import { findDma, hex, mapIntoDomain, removeDma, updatePgsizeBitmap } from './type1-state.js';
import type { Domain, Type1State } from './type1-state.js';

function cleanup(s: Type1State, domainId: number, groupId: number): void {
  s.env.backend.detachGroup?.(domainId, groupId);
  s.env.backend.freeDomain?.(domainId);
}

export function attachGroup(s: Type1State, groupId: number): VfioResult<void> {
  const { backend } = s.env;
  // attach could require pinning, so not while a vaddr is invalid
  if (s.vaddrInvalidCount > 0) {
    return errno(
      'EBUSY',
      'SET_CONTAINER: a mapping has an invalidated vaddr (UNMAP_DMA VADDR); remap it first',
    );
  }
  if (s.domains.some((d) => d.groups.includes(groupId))) {
    return errno('EINVAL', `group ${groupId} is already attached to this container`);
  }
  const alloc = backend.allocDomain([groupId]);
  if (typeof alloc === 'string') {
    return errno(
      alloc,
      `no IOMMU domain for group ${groupId} (iommu_domain_alloc / iommu_attach_group)`,
    );
  }
  const ap = backend.aperture?.(alloc.id) ?? { start: 0n, end: U64_MAX };
  const domain: Domain = {
    id: alloc.id,
    groups: [groupId],
    start: ap.start,
    end: ap.end,
    pgsizes: backend.pageSizes(alloc.id),
    coherent: backend.enforceCacheCoherency?.(alloc.id) ?? true,
  };
  if (s.nesting) {
    // iommu_enable_nesting(): x86 IOMMUs have no enable_nesting op
    cleanup(s, domain.id, groupId);
    return errno(
      'EINVAL',
      'VFIO_TYPE1_NESTING_IOMMU: this IOMMU cannot enable nesting (iommu_enable_nesting)',
    );
  }
  const hasDma = (start: bigint, size: bigint): boolean => findDma(s, start, size) !== undefined;
  if (aperConflict(s.iovaList, domain.start, domain.end, hasDma)) {
    cleanup(s, domain.id, groupId);
    return errno(
      'EINVAL',
      `group ${groupId}: aperture [${hex(domain.start)}, ${hex(domain.end)}] excludes existing ranges or mappings (vfio_iommu_aper_conflict)`,
    );
  }
  const resv = backend.reservedRegions(groupId);
  if (resvConflict(resv, hasDma)) {
    cleanup(s, domain.id, groupId);
    return errno(
      'EINVAL',
      `group ${groupId}: a reserved region overlaps an existing mapping (vfio_iommu_resv_conflict)`,
    );
  }
  const refined = resvRefine(aperResize(s.iovaList, domain.start, domain.end), resv);
  if (!refined) {
    cleanup(s, domain.id, groupId);
    return errno(
      'EINVAL',
      `group ${groupId}: no usable IOVA range is left (vfio_iommu_resv_refine)`,
    );
  }
  if (!s.env.allowUnsafeInterrupts && !(backend.msiIsolated?.(groupId) ?? true)) {
    s.env.log(
      'vfio_iommu_type1_attach_group: No interrupt remapping support.  Use the module param "allow_unsafe_interrupts" to enable VFIO IOMMU support on this platform',
    );
    cleanup(s, domain.id, groupId);
    return errno('EPERM', `group ${groupId}: no interrupt remapping and allow_unsafe_interrupts=0`);
  }
  // share a compatible existing domain when the backend can move the group
  if (backend.detachGroup) {
    for (const d of s.domains) {
      if (d.coherent !== domain.coherent) continue;
      backend.detachGroup(domain.id, groupId);
      if (backend.attachGroup(d.id, groupId) === undefined) {
        d.groups.push(groupId);
        backend.freeDomain?.(domain.id);
        s.iovaList = refined;
        return done(undefined);
      }
      const back = backend.attachGroup(domain.id, groupId);
      if (back !== undefined) {
        backend.freeDomain?.(domain.id);
        return errno(
          back,
          `group ${groupId}: re-attach to its new domain failed (iommu_attach_group)`,
        );
      }
    }
  }
  // replay existing mappings into the new domain (vfio_iommu_replay)
  for (const dma of s.dmas) {
    if (dma.pa.length === 0) continue;
    const e = mapIntoDomain(s, dma, domain.id);
    if (e !== undefined) {
      for (const m of s.dmas) {
        const i = m.mappedIn.indexOf(domain.id);
        if (i >= 0) {
          backend.domainUnmap(domain.id, m.iova, m.size);
          m.mappedIn.splice(i, 1);
        }
      }
      cleanup(s, domain.id, groupId);
      return errno(e, `group ${groupId}: replaying mappings failed (vfio_iommu_replay)`);
    }
  }
  s.domains.push(domain);
  updatePgsizeBitmap(s);
  s.iovaList = refined;
  return done(undefined);
}

/** vfio_iommu_type1_detach_group(). */
export function detachGroup(s: Type1State, groupId: number): void {
  const { backend } = s.env;
  const domain = s.domains.find((d) => d.groups.includes(groupId));
  if (!domain) return;
  backend.detachGroup?.(domain.id, groupId);
  domain.groups.splice(domain.groups.indexOf(groupId), 1);
  const removed = domain.groups.length === 0;
  if (removed) {
    // the last IOMMU-backed domain takes every mapping with it
    if (s.domains.length === 1) {
      for (const dma of [...s.dmas]) removeDma(s, dma);
    } else {
      for (const dma of s.dmas) {
        const i = dma.mappedIn.indexOf(domain.id);
        if (i >= 0) {
          backend.domainUnmap(domain.id, dma.iova, dma.size);
          dma.mappedIn.splice(i, 1);
        }
      }
    }
    backend.freeDomain?.(domain.id);
    s.domains.splice(s.domains.indexOf(domain), 1);
    updatePgsizeBitmap(s);
  }
  s.iovaList = refreshRanges(s, removed);
}

/**
 * vfio_iommu_aper_expand() (when a domain went away: the list's outer bounds
 * become the intersection of the remaining apertures) + vfio_iommu_resv_refresh()
 * (rebuild [first start, last end] minus the remaining groups' reserved regions).
 */
function refreshRanges(s: Type1State, domainRemoved: boolean): IovaRange[] {
  const first = s.iovaList[0];
  const last = s.iovaList[s.iovaList.length - 1];
  if (!first || !last) return [];
  let start = first.start;
  let end = last.end;
  if (domainRemoved) {
    start = 0n;
    end = U64_MAX;
    for (const d of s.domains) {
      if (d.start > start) start = d.start;
      if (d.end < end) end = d.end;
    }
  }
  const resv = s.domains.flatMap((d) => d.groups.flatMap((g) => s.env.backend.reservedRegions(g)));
  return resvRefine([{ start, end }], resv) ?? s.iovaList;
}
