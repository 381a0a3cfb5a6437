import { formatTree } from '@dmasim/pci-topology';
import type { ExecContext } from '../context.js';
import type { OpResult } from '../op-result.js';

/** `pci.groups`: /sys/kernel/iommu_groups/N/devices/<name>, groups by id, names sorted (as `ls` shows them). */
export function pciGroups(ctx: ExecContext): OpResult {
  const lines: string[] = [];
  const groups = [...(ctx.m.iommu?.groups.values() ?? [])].sort((a, b) => a.id - b.id);
  for (const g of groups) for (const d of [...g.devices].sort()) lines.push(`/sys/kernel/iommu_groups/${g.id}/devices/${d}`);
  for (const l of lines) ctx.print(l);
  return { kind: 'ok', value: lines.join(' '), why: lines.length ? [] : ['no IOMMU groups: no IOMMU is enabled'] };
}

/** `pci.tree`: the hierarchy as `lspci -tv` draws it. */
export function pciTree(ctx: ExecContext): OpResult {
  const text = formatTree(ctx.m.topology);
  for (const l of text.split('\n')) ctx.print(l);
  return { kind: 'ok', value: text };
}
