/**
 * Decode a function's configuration space (the bytes of /sys/bus/pci/devices/<bdf>/config)
 * into a FunctionRecord: the fields pci_setup_device and the capability walks read
 * (drivers/pci/probe.c pci_setup_device, set_pcie_port_type; drivers/pci/pci.c
 * pci_find_capability, pci_find_ext_capability). Register offsets: include/uapi/linux/pci_regs.h.
 */
import type { PcieType } from '../types.js';
import { emptyRecord, type FunctionRecord, type ImportDiagnostic } from './types.js';

/** PCI_EXP_FLAGS_TYPE values (pci_regs.h PCI_EXP_TYPE_*). */
const PCIE_TYPES: Readonly<Record<number, PcieType>> = {
  0x0: 'endpoint',
  0x1: 'legacy-endpoint',
  0x4: 'root-port',
  0x5: 'upstream-port',
  0x6: 'downstream-port',
  0x7: 'pcie-to-pci-bridge',
  0x8: 'pci-to-pcie-bridge',
  0x9: 'rc-integrated-endpoint',
  0xa: 'rc-event-collector',
};

const PCI_CAP_ID_EXP = 0x10;
const PCI_EXT_CAP_ID_ACS = 0x0d;
const PCI_EXT_CAP_ID_ATS = 0x0f;
const PCI_EXT_CAP_ID_SRIOV = 0x10;
const PCI_EXT_CAP_ID_PRI = 0x13;
const PCI_EXT_CAP_ID_PASID = 0x1b;

export interface DecodeProblems {
  errors: ImportDiagnostic[];
  warnings: ImportDiagnostic[];
}

/** Decode config space bytes of the function at (segment, bus, devfn), read from `line`. */
export function decodeConfigSpace(
  bytes: Uint8Array,
  where: { line: number; segment: number; bus: number; devfn: number; name: string },
  out: DecodeProblems,
): FunctionRecord | undefined {
  const { line, name } = where;
  const u8 = (o: number): number => bytes[o] ?? 0;
  const u16 = (o: number): number => u8(o) | (u8(o + 1) << 8);
  const u32 = (o: number): number => (u16(o) | (u16(o + 2) << 16)) >>> 0;
  if (bytes.length < 64) {
    out.errors.push({
      code: 'SYSFS_SHORT_CONFIG',
      message: `${name}: only ${String(bytes.length)} bytes of config space; at least the 64-byte header is needed`,
      line,
      hint: 'read /sys/bus/pci/devices/*/config as root (non-root reads stop after 64 bytes)',
    });
    return undefined;
  }
  const r = emptyRecord(line, where.segment, where.bus, where.devfn);
  r.vendor = u16(0x00);
  r.device = u16(0x02);
  // PCI_CLASS_REVISION: prog-if 0x09, subclass 0x0a, base class 0x0b.
  r.classCode = u8(0x09) | (u8(0x0a) << 8) | (u8(0x0b) << 16);
  const header = u8(0x0e);
  r.multifunction = (header & 0x80) !== 0;
  const layout = header & 0x7f;
  if (layout === 1) {
    r.isBridge = true;
    r.secondary = u8(0x19);
    r.subordinate = u8(0x1a);
  } else if (layout === 0) {
    r.subVendor = u16(0x2c);
    r.subDevice = u16(0x2e);
  } else {
    out.warnings.push({ code: 'SYSFS_HEADER_TYPE', message: `${name}: header type ${String(layout)} (CardBus?) is imported as an endpoint`, line });
  }
  if (r.vendor === 0xffff) return r; // a VF (Vendor ID reads ffff) or an absent function: recordsToNodes decides.

  r.pcieType = 'conventional';
  if (bytes.length < 256) {
    out.warnings.push({ code: 'SYSFS_NO_CAPS', message: `${name}: ${String(bytes.length)} bytes of config space: the capability list is not visible, imported as conventional PCI`, line });
    return r;
  }
  // pci_find_capability: PCI_STATUS_CAP_LIST (bit 4 of status at 0x06), list head at 0x34.
  if ((u16(0x06) & 0x10) !== 0) {
    let p = u8(layout === 2 ? 0x14 : 0x34) & 0xfc;
    for (let ttl = 48; p >= 0x40 && ttl > 0; ttl--) {
      if (p + 4 > bytes.length) {
        out.errors.push({ code: 'SYSFS_BAD_CAP', message: `${name}: capability pointer 0x${p.toString(16)} is beyond the ${String(bytes.length)} bytes given`, line });
        break;
      }
      if (u8(p) === PCI_CAP_ID_EXP) {
        // PCI_EXP_FLAGS at +2, type in bits 7:4 (set_pcie_port_type).
        const t = (u16(p + 2) >> 4) & 0xf;
        const type = PCIE_TYPES[t];
        if (!type) out.warnings.push({ code: 'SYSFS_PCIE_TYPE', message: `${name}: unknown PCIe device/port type ${String(t)}, imported as an endpoint`, line });
        r.pcieType = type ?? 'endpoint';
      }
      p = u8(p + 1) & 0xfc;
    }
  }
  if (r.pcieType === 'conventional') return r;
  if (bytes.length < 4096) {
    out.warnings.push({
      code: 'SYSFS_NO_EXT_CAPS',
      message: `${name}: ${String(bytes.length)} bytes of config space: extended capabilities (ACS, ATS, PASID, PRI, SR-IOV) are not visible`,
      line,
      hint: 'read the config file as root to get all 4096 bytes',
    });
    return r;
  }
  // pci_find_ext_capability: headers from 0x100, id in bits 15:0, next in bits 31:20.
  let p = 0x100;
  for (let ttl = (4096 - 256) / 8; ttl > 0 && p >= 0x100; ttl--) {
    const h = u32(p);
    if (h === 0 || h === 0xffffffff) break;
    switch (h & 0xffff) {
      case PCI_EXT_CAP_ID_ACS:
        // PCI_ACS_CAP at +4 and PCI_ACS_CTRL at +6 (16 bits each); flags in bits 6:0.
        r.acs = { cap: u16(p + 4) & 0x7f, ctl: u16(p + 6) & 0x7f };
        break;
      case PCI_EXT_CAP_ID_ATS:
        r.ats = true;
        break;
      case PCI_EXT_CAP_ID_PRI:
        r.pri = true;
        break;
      case PCI_EXT_CAP_ID_PASID:
        r.pasid = true;
        break;
      case PCI_EXT_CAP_ID_SRIOV:
        // PCI_SRIOV_INITIAL_VF 0x0c, TOTAL_VF 0x0e, NUM_VF 0x10, VF_OFFSET 0x14, VF_STRIDE 0x16, VF_DID 0x1a.
        r.sriov = { initialVfs: u16(p + 0x0c), totalVfs: u16(p + 0x0e), numVfs: u16(p + 0x10), offset: u16(p + 0x14), stride: u16(p + 0x16), vfDevice: u16(p + 0x1a) };
        break;
    }
    p = (h >>> 20) & 0xffc;
  }
  return r;
}
