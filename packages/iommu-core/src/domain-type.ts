/**
 * IOMMU domain types as include/linux/iommu.h composes them from feature bits:
 * PAGING=1<<0, DMA_API=1<<1, PT=1<<2, DMA_FQ=1<<3.
 */
export const IOMMU_DOMAIN_BLOCKED = 0;
export const IOMMU_DOMAIN_UNMANAGED = 1;
export const IOMMU_DOMAIN_DMA = 3;
export const IOMMU_DOMAIN_IDENTITY = 4;
export const IOMMU_DOMAIN_DMA_FQ = 11;

export type DomainType = 'blocked' | 'unmanaged' | 'dma' | 'dma-fq' | 'identity';

const NUMERIC: Record<DomainType, number> = {
  blocked: IOMMU_DOMAIN_BLOCKED,
  unmanaged: IOMMU_DOMAIN_UNMANAGED,
  dma: IOMMU_DOMAIN_DMA,
  'dma-fq': IOMMU_DOMAIN_DMA_FQ,
  identity: IOMMU_DOMAIN_IDENTITY,
};

export function domainTypeNumber(t: DomainType): number {
  return NUMERIC[t];
}

/** Group sysfs `type` file (drivers/iommu/iommu.c iommu_group_show_type). */
export function domainTypeSysfs(t: DomainType | undefined): string {
  switch (t) {
    case 'blocked':
      return 'blocked';
    case 'identity':
      return 'identity';
    case 'unmanaged':
      return 'unmanaged';
    case 'dma':
      return 'DMA';
    case 'dma-fq':
      return 'DMA-FQ';
    default:
      return 'unknown';
  }
}

/** iommu.c iommu_domain_type_str: what the boot log and warnings print. */
export function domainTypeString(t: DomainType): string {
  switch (t) {
    case 'blocked':
      return 'Blocked';
    case 'identity':
      return 'Passthrough';
    case 'unmanaged':
      return 'Unmanaged';
    case 'dma':
    case 'dma-fq':
      return 'Translated';
  }
}

/** iommu_is_dma_domain: the DMA_API bit. */
export function isDmaDomain(t: DomainType): boolean {
  return t === 'dma' || t === 'dma-fq';
}

/** __iommu_map accepts only PAGING domains. */
export function isPagingDomain(t: DomainType): boolean {
  return t === 'dma' || t === 'dma-fq' || t === 'unmanaged';
}
