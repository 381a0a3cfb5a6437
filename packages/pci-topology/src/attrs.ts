/**
 * Attribute parsing for topology nodes: `class=nic id=8086:1533 acs=full …`.
 * Every bad value becomes a TopologyError with code PCI_BAD_ATTR; unknown names
 * become PCI_UNKNOWN_ATTR with the known list in the hint.
 */
import { ACS_CR, ACS_RR, ACS_SV, ACS_UF, parseAcsFlags } from './acs-flags.js';
import { parseBdf } from './bdf.js';
import type { PcieType, TopologyError } from './types.js';

/** Class-code names accepted by `class=` (24-bit values). */
export const CLASS_NAMES: Readonly<Record<string, number>> = {
  nic: 0x020000,
  display: 0x030000,
  vga: 0x030000,
  usb: 0x0c0330,
  sata: 0x010601,
  nvme: 0x010802,
  audio: 0x040300,
  bridge: 0x060400,
  host: 0x060000,
  isa: 0x060100,
};

/** `type=` values; `pci`/`conventional` mean no PCIe capability. */
export const PCIE_TYPE_NAMES: readonly PcieType[] = [
  'endpoint',
  'legacy-endpoint',
  'rc-integrated-endpoint',
  'root-port',
  'upstream-port',
  'downstream-port',
  'pcie-to-pci-bridge',
  'pci-to-pcie-bridge',
  'rc-event-collector',
];

/** Attributes of device and bridge nodes. */
export const KNOWN_ATTRS: readonly string[] = [
  'class',
  'id',
  'subsys',
  'type',
  'multifunction',
  'acs',
  'acs-cap',
  'acs-ctl',
  'external-facing',
  'ats',
  'pasid',
  'pri',
  'dma-alias',
  'pcie-bridge-alias',
  'bridge-xlate-root',
  'secondary',
  'subordinate',
  'dma-mask',
  'iommu',
  'sriov',
  'sriov-total',
  'vf-offset',
  'vf-stride',
  'vf-id',
];

/** Attributes of platform-device nodes (non-PCI devices, generic_device_group). */
export const PLATFORM_DEVICE_ATTRS: readonly string[] = ['name', 'iommu'];

/** SR-IOV defaults: an Intel 82599-style PF, First VF Offset 128 and VF Stride 2 (VFs on the PF's bus). */
export const SRIOV_DEFAULT_OFFSET = 128;
export const SRIOV_DEFAULT_STRIDE = 2;

/** Attributes of host-bridge nodes (one root bus each). */
export const HOST_BRIDGE_ATTRS: readonly string[] = ['segment', 'bus'];

export interface NodeAttrs {
  classCode: number | undefined;
  vendor: number | undefined;
  device: number | undefined;
  subVendor: number;
  subDevice: number;
  /** 'conventional' = explicitly no PCIe capability. */
  pcieType: PcieType | 'conventional' | undefined;
  multifunction: boolean;
  /** null = explicitly no ACS capability. */
  acsCap: number | null | undefined;
  acsCtl: number | undefined;
  externalFacing: boolean;
  ats: boolean;
  pasid: boolean;
  pri: boolean;
  pcieBridgeAlias: boolean;
  bridgeXlateRoot: boolean;
  dmaAlias: number[];
  secondary: number | undefined;
  subordinate: number | undefined;
  dmaMaskBits: number | undefined;
  behindIommu: boolean;
  segment: number | undefined;
  rootBus: number | undefined;
  /** sriov=N: NumVFs (undefined: no SR-IOV capability). */
  sriovNum: number | undefined;
  sriovTotal: number | undefined;
  vfOffset: number | undefined;
  vfStride: number | undefined;
  vfDevice: number | undefined;
}

const FULL_ACS = ACS_SV | ACS_RR | ACS_CR | ACS_UF;

function parseFlag(v: string | true): boolean | undefined {
  if (v === true) return true;
  const t = v.toLowerCase();
  if (['yes', 'true', 'on', '1'].includes(t)) return true;
  if (['no', 'false', 'off', '0'].includes(t)) return false;
  return undefined;
}

function parseHex(v: string, max: number): number | undefined {
  const t = v.trim().toLowerCase().replace(/^0x/, '');
  if (!/^[0-9a-f]+$/.test(t)) return undefined;
  const n = parseInt(t, 16);
  return n <= max ? n : undefined;
}

function parseClass(v: string): number | undefined {
  const t = v.trim().toLowerCase();
  const named = CLASS_NAMES[t];
  if (named !== undefined) return named;
  if (/^0x[0-9a-f]{1,6}$/.test(t) || /^[0-9a-f]{6}$/.test(t)) return parseInt(t.replace(/^0x/, ''), 16);
  return undefined;
}

function parseId(v: string): [number, number] | undefined {
  const m = /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(v.trim());
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16)] : undefined;
}

function parseDevfnList(v: string): number[] | undefined {
  const out: number[] = [];
  for (const part of v.split(',')) {
    const r = parseBdf(`00:${part.trim()}`);
    if (!r.ok) return undefined;
    out.push(r.bdf.devfn);
  }
  return out;
}

/** How each value attribute is written, for error hints. */
const VALUE_HINTS: Readonly<Record<string, string>> = {
  class: `a name (${Object.keys(CLASS_NAMES).join(', ')}) or a 24-bit hex class code like 0x020000`,
  id: 'vendor:device in hex, e.g. id=8086:1533',
  subsys: 'subsystem vendor:device in hex, e.g. subsys=9005:02bb',
  type: `one of ${PCIE_TYPE_NAMES.join(', ')}, pci (conventional)`,
  acs: 'none, full, or a flag list like sv,rr,cr,uf (flags: sv tb rr cr uf ec dt)',
  'acs-cap': 'none, a flag list like sv,tb,rr,cr,uf or a hex value like 0x5f',
  'acs-ctl': 'a flag list like sv,rr,cr,uf or a hex value like 0x1d',
  'dma-alias': 'devfns on the same bus, e.g. dma-alias=00.1 or dma-alias=10.0,11.0',
  secondary: 'a bus number in hex, e.g. secondary=02',
  subordinate: 'a bus number in hex, e.g. subordinate=05',
  'dma-mask': 'a number of address bits 1-64, e.g. dma-mask=32',
  iommu: 'iommu=none (not behind the IOMMU: no group)',
  segment: 'a PCI segment (domain) in hex, e.g. segment=0001',
  bus: 'the root bus number in hex, e.g. bus=80',
  sriov: 'the number of enabled VFs (decimal), e.g. sriov=4',
  'sriov-total': 'TotalVFs (decimal), at least sriov=, e.g. sriov-total=64',
  'vf-offset': 'First VF Offset, decimal or 0x hex, not 0, e.g. vf-offset=128',
  'vf-stride': 'VF Stride, decimal or 0x hex, e.g. vf-stride=2',
  'vf-id': 'the VF device id in hex, e.g. vf-id=10ed',
};

function parseCount(v: string, max: number): number | undefined {
  const t = v.trim().toLowerCase();
  let n: number;
  if (/^0x[0-9a-f]+$/.test(t)) n = parseInt(t, 16);
  else if (/^[0-9]+$/.test(t)) n = parseInt(t, 10);
  else return undefined;
  return n <= max ? n : undefined;
}

/**
 * Parse one node's attributes. `hostBridge` selects the host-bridge attribute set.
 * Errors carry `ref` and `attr`.
 */
export function parseNodeAttrs(
  attrs: Record<string, string | true>,
  ref: unknown,
  hostBridge: boolean,
): { attrs: NodeAttrs; errors: TopologyError[] } {
  const errors: TopologyError[] = [];
  const out: NodeAttrs = {
    classCode: undefined,
    vendor: undefined,
    device: undefined,
    subVendor: 0,
    subDevice: 0,
    pcieType: undefined,
    multifunction: false,
    acsCap: undefined,
    acsCtl: undefined,
    externalFacing: false,
    ats: false,
    pasid: false,
    pri: false,
    pcieBridgeAlias: false,
    bridgeXlateRoot: false,
    dmaAlias: [],
    secondary: undefined,
    subordinate: undefined,
    dmaMaskBits: undefined,
    behindIommu: true,
    segment: undefined,
    rootBus: undefined,
    sriovNum: undefined,
    sriovTotal: undefined,
    vfOffset: undefined,
    vfStride: undefined,
    vfDevice: undefined,
  };
  const known = hostBridge ? HOST_BRIDGE_ATTRS : KNOWN_ATTRS;
  const bad = (attr: string, message: string): void => {
    errors.push({ code: 'PCI_BAD_ATTR', message, hint: VALUE_HINTS[attr] ?? `${attr} is a flag`, ref, attr });
  };
  let acsShort = false;

  for (const [name, value] of Object.entries(attrs)) {
    if (!known.includes(name)) {
      errors.push({
        code: 'PCI_UNKNOWN_ATTR',
        message: `unknown attribute '${name}'${hostBridge ? ' on a host-bridge' : ''}`,
        hint: `known attributes: ${known.join(', ')}`,
        ref,
        attr: name,
      });
      continue;
    }
    const flagAttr = ['multifunction', 'external-facing', 'ats', 'pasid', 'pri', 'pcie-bridge-alias', 'bridge-xlate-root'];
    if (flagAttr.includes(name)) {
      const f = parseFlag(value);
      if (f === undefined) {
        bad(name, `'${name}' is a flag; write it alone or as ${name}=yes/no, not '${String(value)}'`);
        continue;
      }
      if (name === 'multifunction') out.multifunction = f;
      else if (name === 'external-facing') out.externalFacing = f;
      else if (name === 'ats') out.ats = f;
      else if (name === 'pasid') out.pasid = f;
      else if (name === 'pri') out.pri = f;
      else if (name === 'pcie-bridge-alias') out.pcieBridgeAlias = f;
      else out.bridgeXlateRoot = f;
      continue;
    }
    if (value === true) {
      bad(name, `'${name}' needs a value`);
      continue;
    }
    switch (name) {
      case 'class': {
        const c = parseClass(value);
        if (c === undefined) bad(name, `class '${value}' is not a class name or a 24-bit hex class code`);
        else out.classCode = c;
        break;
      }
      case 'id':
      case 'subsys': {
        const id = parseId(value);
        if (!id) bad(name, `${name} '${value}' is not vvvv:dddd`);
        else if (name === 'id') [out.vendor, out.device] = id;
        else [out.subVendor, out.subDevice] = id;
        break;
      }
      case 'type': {
        const t = value.toLowerCase();
        if (t === 'pci' || t === 'conventional') out.pcieType = 'conventional';
        else if ((PCIE_TYPE_NAMES as readonly string[]).includes(t)) out.pcieType = t as PcieType;
        else bad(name, `unknown PCIe type '${value}'`);
        break;
      }
      case 'acs': {
        acsShort = true;
        const t = value.toLowerCase();
        if (t === 'none') out.acsCap = null;
        else if (t === 'full') [out.acsCap, out.acsCtl] = [FULL_ACS, FULL_ACS];
        else {
          const f = parseAcsFlags(t);
          if (f === undefined) bad(name, `acs '${value}' is not none, full or a flag list`);
          else [out.acsCap, out.acsCtl] = [f, f];
        }
        break;
      }
      case 'acs-cap': {
        if (value.toLowerCase() === 'none') {
          out.acsCap = null;
          break;
        }
        const f = parseAcsFlags(value);
        if (f === undefined) bad(name, `acs-cap '${value}' is not a flag list or a 7-bit value`);
        else out.acsCap = f;
        break;
      }
      case 'acs-ctl': {
        const f = parseAcsFlags(value);
        if (f === undefined) bad(name, `acs-ctl '${value}' is not a flag list or a 7-bit value`);
        else out.acsCtl = f;
        break;
      }
      case 'dma-alias': {
        const l = parseDevfnList(value);
        if (!l) bad(name, `dma-alias '${value}' is not a list of dd.f`);
        else out.dmaAlias = l;
        break;
      }
      case 'secondary':
      case 'subordinate': {
        const n = parseHex(value, 0xff);
        if (n === undefined) bad(name, `${name} '${value}' is not a bus number 00-ff`);
        else if (name === 'secondary') out.secondary = n;
        else out.subordinate = n;
        break;
      }
      case 'dma-mask': {
        const n = /^[0-9]+$/.test(value) ? parseInt(value, 10) : NaN;
        if (!(n >= 1 && n <= 64)) bad(name, `dma-mask '${value}' is not a bit count 1-64`);
        else out.dmaMaskBits = n;
        break;
      }
      case 'iommu': {
        const t = value.toLowerCase();
        if (t === 'none' || t === 'off') out.behindIommu = false;
        else if (t === 'on') out.behindIommu = true;
        else bad(name, `iommu '${value}' is not 'none'`);
        break;
      }
      case 'segment': {
        const n = parseHex(value, 0xffff);
        if (n === undefined) bad(name, `segment '${value}' is not 0000-ffff`);
        else out.segment = n;
        break;
      }
      case 'bus': {
        const n = parseHex(value, 0xff);
        if (n === undefined) bad(name, `bus '${value}' is not 00-ff`);
        else out.rootBus = n;
        break;
      }
      case 'sriov':
      case 'sriov-total':
      case 'vf-offset':
      case 'vf-stride': {
        const n = parseCount(value, 0xffff);
        if (n === undefined) bad(name, `${name} '${value}' is not a number 0-65535`);
        else if (name === 'sriov') out.sriovNum = n;
        else if (name === 'sriov-total') out.sriovTotal = n;
        else if (name === 'vf-offset') out.vfOffset = n;
        else out.vfStride = n;
        break;
      }
      case 'vf-id': {
        const n = /^(0x)?[0-9a-f]{1,4}$/i.test(value.trim()) ? parseInt(value.trim().replace(/^0x/i, ''), 16) : undefined;
        if (n === undefined) bad(name, `vf-id '${value}' is not a 16-bit hex device id`);
        else out.vfDevice = n;
        break;
      }
    }
  }

  // SR-IOV consistency (drivers/pci/iov.c sriov_init, sriov_enable).
  const sriovAttrs = ['sriov-total', 'vf-offset', 'vf-stride', 'vf-id'].filter((a) => a in attrs);
  if (out.sriovNum === undefined && sriovAttrs.length > 0 && !('sriov' in attrs)) {
    bad(sriovAttrs[0]!, `${sriovAttrs[0]!} needs sriov=N (the number of enabled VFs)`);
  } else if (out.sriovNum !== undefined) {
    const total = out.sriovTotal ?? out.sriovNum;
    if (out.sriovNum > total) bad('sriov', `sriov=${String(out.sriovNum)} enables more VFs than sriov-total=${String(total)} (sriov_enable returns -EINVAL)`);
    if (out.vfOffset === 0) bad('vf-offset', 'vf-offset=0 is invalid: the kernel refuses SR-IOV when First VF Offset is 0 (sriov_init returns -EIO)');
    if (out.vfStride === 0 && total > 1) bad('vf-stride', 'vf-stride=0 with more than one VF: the kernel refuses SR-IOV (sriov_init returns -EIO)');
    if (errors.some((e) => e.attr !== undefined && ['sriov', 'sriov-total', 'vf-offset', 'vf-stride', 'vf-id'].includes(e.attr))) out.sriovNum = undefined;
  }

  // Consistency of the ACS attributes.
  if (acsShort && ('acs-cap' in attrs || 'acs-ctl' in attrs)) {
    bad('acs', "use either acs= or acs-cap=/acs-ctl=, not both");
  } else if (!acsShort) {
    if (out.acsCtl !== undefined && out.acsCap === undefined) {
      bad('acs-ctl', 'acs-ctl= needs acs-cap= (the control register lives in the ACS capability)');
    } else if (out.acsCtl !== undefined && out.acsCap === null) {
      bad('acs-ctl', 'acs-ctl= given but acs-cap=none');
    } else if (out.acsCtl !== undefined && typeof out.acsCap === 'number' && (out.acsCtl & ~out.acsCap) !== 0) {
      bad('acs-ctl', `acs-ctl enables bits the capability does not advertise (acs-ctl 0x${out.acsCtl.toString(16)}, acs-cap 0x${out.acsCap.toString(16)})`);
    }
  }
  return { attrs: out, errors };
}
