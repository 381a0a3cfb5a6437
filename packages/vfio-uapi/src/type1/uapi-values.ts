/**
 * Constant values the type1 model uses, read from the uAPI tables (one source of
 * truth with the golden-checked headers).
 */
import { uapiConstant } from '../uapi/api.js';

function num(name: string): number {
  const c = uapiConstant(name, '7.2');
  if (!c.ok || c.value.kind !== 'integer') throw new Error(`uAPI table lacks ${name}`);
  return Number(c.value.value);
}

function num61(name: string): number {
  const c = uapiConstant(name, '6.1');
  if (!c.ok || c.value.kind !== 'integer') throw new Error(`uAPI table lacks ${name}`);
  return Number(c.value.value);
}

export const VFIO = {
  API_VERSION: num('VFIO_API_VERSION'),
  TYPE1_IOMMU: num('VFIO_TYPE1_IOMMU'),
  SPAPR_TCE_IOMMU: num('VFIO_SPAPR_TCE_IOMMU'),
  TYPE1v2_IOMMU: num('VFIO_TYPE1v2_IOMMU'),
  DMA_CC_IOMMU: num('VFIO_DMA_CC_IOMMU'),
  EEH: num('VFIO_EEH'),
  TYPE1_NESTING_IOMMU: num61('VFIO_TYPE1_NESTING_IOMMU'),
  SPAPR_TCE_v2_IOMMU: num('VFIO_SPAPR_TCE_v2_IOMMU'),
  NOIOMMU_IOMMU: num('VFIO_NOIOMMU_IOMMU'),
  UNMAP_ALL: num('VFIO_UNMAP_ALL'),
  UPDATE_VADDR: num('VFIO_UPDATE_VADDR'),
  GROUP_FLAGS_VIABLE: num('VFIO_GROUP_FLAGS_VIABLE'),
  GROUP_FLAGS_CONTAINER_SET: num('VFIO_GROUP_FLAGS_CONTAINER_SET'),
  IOMMU_INFO_PGSIZES: num('VFIO_IOMMU_INFO_PGSIZES'),
  IOMMU_INFO_CAPS: num('VFIO_IOMMU_INFO_CAPS'),
  CAP_IOVA_RANGE: num('VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE'),
  CAP_MIGRATION: num('VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION'),
  CAP_DMA_AVAIL: num('VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL'),
  DMA_MAP_FLAG_READ: num('VFIO_DMA_MAP_FLAG_READ'),
  DMA_MAP_FLAG_WRITE: num('VFIO_DMA_MAP_FLAG_WRITE'),
  DMA_MAP_FLAG_VADDR: num('VFIO_DMA_MAP_FLAG_VADDR'),
  DMA_UNMAP_FLAG_GET_DIRTY_BITMAP: num('VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP'),
  DMA_UNMAP_FLAG_ALL: num('VFIO_DMA_UNMAP_FLAG_ALL'),
  DMA_UNMAP_FLAG_VADDR: num('VFIO_DMA_UNMAP_FLAG_VADDR'),
} as const;

/** Extension names scenarios use, e.g. `vfio.check_extension c type1v2`. */
export const VFIO_EXTENSIONS: Readonly<Record<string, number>> = {
  type1: VFIO.TYPE1_IOMMU,
  spapr: VFIO.SPAPR_TCE_IOMMU,
  type1v2: VFIO.TYPE1v2_IOMMU,
  dma_cc: VFIO.DMA_CC_IOMMU,
  eeh: VFIO.EEH,
  type1_nesting: VFIO.TYPE1_NESTING_IOMMU,
  spapr_v2: VFIO.SPAPR_TCE_v2_IOMMU,
  noiommu: VFIO.NOIOMMU_IOMMU,
  unmap_all: VFIO.UNMAP_ALL,
  update_vaddr: VFIO.UPDATE_VADDR,
};
