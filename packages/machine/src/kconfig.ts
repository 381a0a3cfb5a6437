/**
 * The Kconfig choices a kernel was built with that change IOMMU/DMA behaviour.
 * Defaults follow Debian's amd64 kernels (6.1 in Debian 12, 6.12 in Debian 13),
 * read from their /boot/config-* files.
 */
export interface Kconfig {
  /** IOMMU_DEFAULT_DMA_LAZY / _STRICT / _PASSTHROUGH (drivers/iommu/Kconfig choice). */
  IOMMU_DEFAULT: 'lazy' | 'strict' | 'passthrough';
  IOMMU_DMA: boolean;
  INTEL_IOMMU: boolean;
  INTEL_IOMMU_DEFAULT_ON: boolean;
  /** Debian's patch: VT-d on by default with the integrated GPU in passthrough. */
  INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF: boolean;
  INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON: boolean;
  INTEL_IOMMU_FLOPPY_WA: boolean;
  DMA_API_DEBUG: boolean;
  VFIO_NOIOMMU: boolean;
  HZ: number;
}

export const debianKconfig: Readonly<Kconfig> = {
  IOMMU_DEFAULT: 'lazy',
  IOMMU_DMA: true,
  INTEL_IOMMU: true,
  INTEL_IOMMU_DEFAULT_ON: false,
  INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF: true,
  INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON: true,
  INTEL_IOMMU_FLOPPY_WA: true,
  DMA_API_DEBUG: false,
  VFIO_NOIOMMU: false,
  HZ: 250,
};

export type KconfigError = { code: 'KCONFIG_UNKNOWN' | 'KCONFIG_VALUE'; key: string; message: string; hint?: string };

const BOOL_KEYS = [
  'IOMMU_DMA',
  'INTEL_IOMMU',
  'INTEL_IOMMU_DEFAULT_ON',
  'INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF',
  'INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON',
  'INTEL_IOMMU_FLOPPY_WA',
  'DMA_API_DEBUG',
  'VFIO_NOIOMMU',
] as const;

export const KCONFIG_KEYS: readonly string[] = [
  ...BOOL_KEYS,
  'IOMMU_DEFAULT_DMA_LAZY',
  'IOMMU_DEFAULT_DMA_STRICT',
  'IOMMU_DEFAULT_PASSTHROUGH',
  'HZ',
];

/** Applies `kconfig KEY=y|n|value` overrides; keys may carry the CONFIG_ prefix. */
export function applyKconfig(base: Kconfig, overrides: Readonly<Record<string, string>>): { kconfig: Kconfig; errors: KconfigError[] } {
  const k: Kconfig = { ...base };
  const errors: KconfigError[] = [];
  for (const [raw, value] of Object.entries(overrides)) {
    const key = raw.replace(/^CONFIG_/, '');
    const yes = value === 'y' || value === 'yes' || value === '1';
    const no = value === 'n' || value === 'no' || value === '0';
    if ((BOOL_KEYS as readonly string[]).includes(key)) {
      if (!yes && !no) {
        errors.push({ code: 'KCONFIG_VALUE', key: raw, message: `${key} is a bool option: write ${key}=y or ${key}=n` });
        continue;
      }
      (k as unknown as Record<string, boolean>)[key] = yes;
    } else if (key === 'IOMMU_DEFAULT_DMA_LAZY' || key === 'IOMMU_DEFAULT_DMA_STRICT' || key === 'IOMMU_DEFAULT_PASSTHROUGH') {
      if (!yes) {
        errors.push({ code: 'KCONFIG_VALUE', key: raw, message: `${key} is one choice of "IOMMU default domain type": select it with ${key}=y` });
        continue;
      }
      k.IOMMU_DEFAULT = key === 'IOMMU_DEFAULT_DMA_LAZY' ? 'lazy' : key === 'IOMMU_DEFAULT_DMA_STRICT' ? 'strict' : 'passthrough';
    } else if (key === 'HZ') {
      const hz = Number(value);
      if (![100, 250, 300, 1000].includes(hz)) {
        errors.push({ code: 'KCONFIG_VALUE', key: raw, message: `HZ must be 100, 250, 300 or 1000` });
        continue;
      }
      k.HZ = hz;
    } else {
      errors.push({ code: 'KCONFIG_UNKNOWN', key: raw, message: `unknown Kconfig option ${raw}`, hint: `modelled options: ${KCONFIG_KEYS.join(', ')}` });
    }
  }
  return { kconfig: k, errors };
}
