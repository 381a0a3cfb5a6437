/** Mapping permission flags, include/linux/iommu.h (IOMMU_READ … IOMMU_PRIV). */
export const IOMMU_READ = 1;
export const IOMMU_WRITE = 2;
export const IOMMU_CACHE = 4;
export const IOMMU_NOEXEC = 8;
export const IOMMU_MMIO = 16;
export const IOMMU_PRIV = 32;

/** Formats prot the way scenarios write it: `r`, `w`, `rw`, plus `+cache` etc. */
export function formatProt(prot: number): string {
  let s = (prot & IOMMU_READ ? 'r' : '') + (prot & IOMMU_WRITE ? 'w' : '');
  if (s === '') s = 'none';
  if (prot & IOMMU_CACHE) s += '+cache';
  if (prot & IOMMU_NOEXEC) s += '+noexec';
  if (prot & IOMMU_MMIO) s += '+mmio';
  if (prot & IOMMU_PRIV) s += '+priv';
  return s;
}

/** Parses `r`, `w`, `rw`, `none`, optionally followed by `+cache`, `+noexec`, `+mmio`, `+priv`. */
export function parseProt(text: string): number | undefined {
  const [base, ...extra] = text.toLowerCase().split('+');
  let prot: number;
  switch (base) {
    case 'r': prot = IOMMU_READ; break;
    case 'w': prot = IOMMU_WRITE; break;
    case 'rw': prot = IOMMU_READ | IOMMU_WRITE; break;
    case 'none': prot = 0; break;
    default: return undefined;
  }
  for (const e of extra) {
    if (e === 'cache') prot |= IOMMU_CACHE;
    else if (e === 'noexec') prot |= IOMMU_NOEXEC;
    else if (e === 'mmio') prot |= IOMMU_MMIO;
    else if (e === 'priv') prot |= IOMMU_PRIV;
    else return undefined;
  }
  return prot;
}
