/**
 * A sysfs dump → topology nodes. The dump format (see the package README for the
 * one-line shell command that writes it):
 *
 *   # comment
 *   0000:00:1c.0 8680 10a1 0704 1000 …        one function: its BDF, then the bytes of
 *                                             /sys/bus/pci/devices/<bdf>/config in hex
 *                                             (spaces anywhere; 64, 256 or 4096 bytes)
 *   /sys/kernel/iommu_groups/7/devices/0000:00:1c.0     the kernel's IOMMU groups (optional)
 *
 * Config space is decoded here (config-space.ts); names in the group listing that are
 * not PCI addresses become platform-device nodes (non-PCI devices in their own groups).
 */
import { formatBdf, parseBdf } from '../bdf.js';
import type { TopologyNodeSpec } from '../types.js';
import { decodeConfigSpace } from './config-space.js';
import { recordsToNodes, type RecordsToNodesOptions } from './records.js';
import type { FunctionRecord, ImportDiagnostic, ImportResult } from './types.js';

const GROUP_RE = /^\/sys\/kernel\/iommu_groups\/(\d+)\/devices\/(\S+)$/;

/** Parse a sysfs dump. */
export function parseSysfsDump(text: string, opts: RecordsToNodesOptions = {}): ImportResult {
  const errors: ImportDiagnostic[] = [];
  const warnings: ImportDiagnostic[] = [];
  const records: FunctionRecord[] = [];
  const groups: { id: number; name: string; line: number }[] = [];
  const seen = new Map<string, number>();
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const g = GROUP_RE.exec(t);
    if (g) {
      groups.push({ id: parseInt(g[1]!, 10), name: g[2]!, line });
      return;
    }
    const sp = t.search(/\s/);
    const addr = sp < 0 ? t : t.slice(0, sp);
    const b = parseBdf(addr);
    if (!b.ok) {
      errors.push({
        code: 'SYSFS_BAD_LINE',
        message: `expected '<dddd:bb:dd.f> <config space in hex>' or '/sys/kernel/iommu_groups/<n>/devices/<device>', found '${t.slice(0, 60)}'`,
        line,
        hint: 'see the README of @dmasim/pci-topology for the command that writes this dump',
      });
      return;
    }
    const hexText = sp < 0 ? '' : t.slice(sp).replace(/\s+/g, '');
    if (!/^([0-9a-f]{2})*$/i.test(hexText)) {
      errors.push({ code: 'SYSFS_BAD_HEX', message: `${addr}: the config space is not a whole number of hex bytes`, line, hint: 'write the bytes as hex digits, two per byte (od -An -v -tx1 prints them)' });
      return;
    }
    const bytes = Uint8Array.from(hexText.match(/../g) ?? [], (h) => parseInt(h, 16));
    const name = formatBdf(b.bdf);
    const prev = seen.get(name);
    if (prev !== undefined) {
      errors.push({ code: 'SYSFS_DUP_DEVICE', message: `${name} appears twice (first on line ${String(prev)})`, line });
      return;
    }
    seen.set(name, line);
    const r = decodeConfigSpace(bytes, { line, segment: b.bdf.segment, bus: b.bdf.bus, devfn: b.bdf.devfn, name }, { errors, warnings });
    if (r) records.push(r);
  });
  if (records.length === 0 && errors.length === 0) {
    errors.push({ code: 'SYSFS_EMPTY', message: 'no PCI functions in the dump', line: 0, hint: 'each function is a line: <dddd:bb:dd.f> <config space in hex>' });
  }
  // Attach recorded groups; non-PCI names become platform devices.
  const byName = new Map(records.map((r) => [formatBdf(r), r]));
  const platform: TopologyNodeSpec[] = [];
  for (const g of groups) {
    const b = parseBdf(g.name);
    if (b.ok && b.bdf.hasSegment) {
      const r = byName.get(formatBdf(b.bdf));
      if (r) r.group = g.id;
      else warnings.push({ code: 'SYSFS_GROUP_UNKNOWN_DEVICE', message: `group ${String(g.id)} lists ${g.name}, whose config space is not in the dump`, line: g.line });
    } else {
      platform.push({ kind: 'platform-device', attrs: { name: g.name }, children: [], ref: `${opts.source ?? 'input'}:${String(g.line)}` });
    }
  }
  const res = recordsToNodes(records, opts);
  for (const g of groups) if (!parseBdf(g.name).ok) res.recordedGroups.set(g.name, g.id);
  return { ...res, nodes: [...platform, ...res.nodes], errors: [...errors, ...res.errors], warnings: [...warnings, ...res.warnings] };
}
