import type { GroupAssignment } from '../groups.js';

/** A device whose computed group differs from the one the dump records. */
export interface GroupMismatch {
  /** Canonical BDF or platform device name. */
  device: string;
  /** The kernel's group (from the dump); undefined = the dump shows none. */
  recorded: number | undefined;
  /** The model's group; undefined = none. */
  computed: number | undefined;
}

/**
 * Compare computed groups with the ones a dump records (lspci 'IOMMU group: N',
 * /sys/kernel/iommu_groups). Every device of either side is checked; [] means identical.
 */
export function compareGroups(assign: GroupAssignment, recorded: ReadonlyMap<string, number>): GroupMismatch[] {
  const computed = new Map<string, number>();
  for (const g of assign.groups) {
    for (const d of g.devices) computed.set(d.bdf, g.id);
    for (const p of g.platformDevices) computed.set(p.name, g.id);
  }
  const names = [...new Set([...computed.keys(), ...recorded.keys()])].sort();
  const out: GroupMismatch[] = [];
  for (const device of names) {
    const c = computed.get(device);
    const r = recorded.get(device);
    if (c !== r) out.push({ device, recorded: r, computed: c });
  }
  return out;
}
