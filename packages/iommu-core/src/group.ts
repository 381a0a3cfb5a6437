import type { IommuDomain } from './domain.js';

/**
 * struct iommu_group: its devices, the default domain built at probe time, the
 * domain currently attached, and DMA ownership (kernel drivers vs a user like VFIO).
 */
export class IommuGroup {
  readonly devices: string[] = [];
  defaultDomain: IommuDomain | undefined;
  domain: IommuDomain | undefined;
  /** Why each device joined (from pci_device_group). */
  readonly reasons: string[] = [];
  /** Kernel drivers bound (iommu_device_use_default_domain) or the user-ownership count. */
  ownerCount = 0;
  owner: string | undefined;
  constructor(readonly id: number) {}
}
