import type { GroupAssignment } from './groups.js';

/**
 * The /sys/kernel/iommu_groups listing, one symlink path a line:
 * `/sys/kernel/iommu_groups/N/devices/0000:bb:dd.f`. Groups by ascending id,
 * devices by name within a group (as `ls` sorts them). The links are created by
 * drivers/iommu/iommu.c iommu_group_add_device (sysfs_create_link in devices/).
 */
export function sysfsGroups(assign: GroupAssignment): string[] {
  const lines: string[] = [];
  for (const g of [...assign.groups].sort((a, b) => a.id - b.id)) {
    const names = [...g.devices.map((d) => d.bdf), ...g.platformDevices.map((p) => p.name)].sort();
    for (const bdf of names) lines.push(`/sys/kernel/iommu_groups/${g.id}/devices/${bdf}`);
  }
  return lines;
}
