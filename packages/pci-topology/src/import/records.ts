/**
 * FunctionRecord[] → topology nodes: bridges nest the functions on their secondary bus,
 * SR-IOV VFs listed in the dump are folded into their PF's sriov= attribute (the model
 * re-creates them at the routing IDs the PF's capability gives), and, when the dump
 * records IOMMU groups, functions without one are imported with iommu=none.
 */
import { formatBdf } from '../bdf.js';
import type { PcieType, TopologyNodeSpec } from '../types.js';
import { virtfnRouting } from '../sriov.js';
import type { FunctionRecord, ImportDiagnostic, ImportResult } from './types.js';

const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');

export interface RecordsToNodesOptions {
  /** Used in node refs ('<source>:<line>'). */
  source?: string;
  /**
   * When the dump records IOMMU groups, import the functions without one with iommu=none
   * (the kernel did not put them behind the IOMMU, like the AMD IOMMU function). Default true.
   */
  ungroupedOffIommu?: boolean;
}

const BRIDGE_KIND: Readonly<Partial<Record<PcieType | 'conventional', string>>> = {
  'root-port': 'root-port',
  'upstream-port': 'upstream-port',
  'downstream-port': 'downstream-port',
  'pcie-to-pci-bridge': 'pcie-to-pci-bridge',
  'pci-to-pcie-bridge': 'pci-to-pcie-bridge',
  conventional: 'pci-bridge',
};

function attrsOf(r: FunctionRecord, bridge: boolean): Record<string, string | true> {
  const a: Record<string, string | true> = {};
  if (r.vendor !== undefined && r.device !== undefined) a.id = `${hex(r.vendor, 4)}:${hex(r.device, 4)}`;
  if (r.subVendor !== undefined && r.subDevice !== undefined) a.subsys = `${hex(r.subVendor, 4)}:${hex(r.subDevice, 4)}`;
  if (r.classCode !== undefined) a.class = `0x${hex(r.classCode, 6)}`;
  if (!bridge && r.pcieType !== undefined) a.type = r.pcieType === 'conventional' ? 'pci' : r.pcieType;
  if (bridge && r.secondary !== undefined) a.secondary = hex(r.secondary, 2);
  if (bridge && r.subordinate !== undefined) a.subordinate = hex(r.subordinate, 2);
  if (r.multifunction === true) a.multifunction = true;
  if (r.acs) {
    a['acs-cap'] = `0x${hex(r.acs.cap, 2)}`;
    a['acs-ctl'] = `0x${hex(r.acs.ctl, 2)}`;
  }
  if (r.ats) a.ats = true;
  if (r.pasid) a.pasid = true;
  if (r.pri) a.pri = true;
  if (r.sriov && r.sriov.offset !== 0) {
    a.sriov = String(r.sriov.numVfs);
    a['sriov-total'] = String(r.sriov.totalVfs);
    a['vf-offset'] = String(r.sriov.offset);
    a['vf-stride'] = String(r.sriov.stride);
    if (r.sriov.vfDevice !== undefined) a['vf-id'] = hex(r.sriov.vfDevice, 4);
  }
  return a;
}

/** Build the node tree; also collect recorded groups and drivers. */
export function recordsToNodes(records: FunctionRecord[], opts: RecordsToNodesOptions = {}): Omit<ImportResult, 'errors'> & { errors: ImportDiagnostic[] } {
  const source = opts.source ?? 'input';
  const warnings: ImportDiagnostic[] = [];
  const errors: ImportDiagnostic[] = [];
  const recordedGroups = new Map<string, number>();
  const drivers = new Map<string, string>();
  const key = (seg: number, bus: number, devfn: number): string => formatBdf({ segment: seg, bus, devfn });
  const byKey = new Map<string, FunctionRecord>();
  for (const r of records) {
    const k = key(r.segment, r.bus, r.devfn);
    if (r.group !== undefined) recordedGroups.set(k, r.group);
    if (r.driver !== undefined) drivers.set(k, r.driver);
    byKey.set(k, r);
  }

  // SR-IOV: the VFs the PF's capability routes are re-created by the model (drivers/pci/iov.c).
  const vfs = new Set<FunctionRecord>();
  for (const r of records) {
    const s = r.sriov;
    if (!s || s.numVfs === 0 || s.offset === 0) continue;
    const missing: string[] = [];
    for (let id = 0; id < s.numVfs; id++) {
      const at = virtfnRouting(r.bus, r.devfn, s, id);
      const k = key(r.segment, at.bus, at.devfn);
      const vf = byKey.get(k);
      if (!vf) {
        missing.push(k);
        continue;
      }
      vfs.add(vf);
      if (s.vfDevice !== undefined && vf.device !== undefined && vf.device !== 0xffff && vf.device !== s.vfDevice) {
        warnings.push({
          code: 'IMPORT_VF_ID',
          message: `${k} sits where VF ${String(id)} of ${key(r.segment, r.bus, r.devfn)} should be, but its device id ${hex(vf.device, 4)} is not the VF Device ID ${hex(s.vfDevice, 4)}`,
          line: vf.line,
        });
      }
    }
    if (missing.length > 0) {
      warnings.push({
        code: 'IMPORT_VF_MISSING',
        message: `${key(r.segment, r.bus, r.devfn)} has ${String(s.numVfs)} VFs enabled but the dump lacks ${missing.join(', ')}; the model creates them anyway`,
        line: r.line,
      });
    }
  }

  const kept = records.filter((r) => !vfs.has(r));
  const anyGroups = recordedGroups.size > 0 && opts.ungroupedOffIommu !== false;
  for (const r of kept) {
    if (r.vendor === 0xffff) {
      errors.push({
        code: 'IMPORT_NO_DEVICE',
        message: `${key(r.segment, r.bus, r.devfn)} reads vendor id ffff (no function there, or a VF whose PF is missing)`,
        line: r.line,
        hint: 'remove the entry, or include the PF with its SR-IOV capability',
      });
    }
  }

  const nodes = new Map<FunctionRecord, TopologyNodeSpec>();
  const bridgeOf = new Map<string, FunctionRecord>();
  for (const r of kept) {
    const bridge = r.isBridge || (r.pcieType !== undefined && BRIDGE_KIND[r.pcieType] !== undefined && r.pcieType !== 'conventional');
    const kind = r.kind ?? (bridge ? (r.pcieType !== undefined ? BRIDGE_KIND[r.pcieType] : undefined) ?? 'pci-bridge' : 'device');
    const attrs = attrsOf(r, kind !== 'device');
    if (anyGroups && r.group === undefined) attrs.iommu = 'none';
    nodes.set(r, { kind, bdf: key(r.segment, r.bus, r.devfn), attrs, children: [], ref: `${source}:${String(r.line)}` });
    if (kind !== 'device' && r.secondary !== undefined) {
      const k = `${String(r.segment)}:${String(r.secondary)}`;
      if (bridgeOf.has(k)) {
        errors.push({ code: 'IMPORT_DUP_BUS', message: `two bridges claim secondary bus ${hex(r.secondary, 2)}`, line: r.line, hint: 'each bridge needs its own secondary bus' });
      } else bridgeOf.set(k, r);
    }
  }
  const top: TopologyNodeSpec[] = [];
  for (const r of kept) {
    const parent = bridgeOf.get(`${String(r.segment)}:${String(r.bus)}`);
    const node = nodes.get(r)!;
    if (parent && parent !== r && parent.bus < r.bus) nodes.get(parent)!.children.push(node);
    else top.push(node);
  }
  return { nodes: top, errors, warnings, recordedGroups, drivers };
}
