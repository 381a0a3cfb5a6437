/**
 * `lspci -vvnn` (and `-vvv`, `-vv`, `-vvvxxx`) text → FunctionRecord[] → topology nodes.
 * Field formats follow pciutils lspci.c (show_device, show_bases) and ls-caps.c /
 * ls-ecaps.c (cap_express, cap_acs, cap_sriov …). Only what IOMMU grouping needs is read:
 * address, ids, class, bridge bus numbers, PCIe port type, ACS capability and control,
 * ATS/PASID/PRI, SR-IOV, the bound driver and the recorded IOMMU group.
 */
import { ACS_CR, ACS_DT, ACS_EC, ACS_RR, ACS_SV, ACS_TB, ACS_UF } from '../acs-flags.js';
import type { PcieType } from '../types.js';
import { recordsToNodes, type RecordsToNodesOptions } from './records.js';
import { emptyRecord, type FunctionRecord, type ImportDiagnostic, type ImportResult } from './types.js';

/** ls-caps.c cap_express: the port type strings lspci prints. */
const EXPRESS_TYPES: readonly (readonly [string, PcieType])[] = [
  ['Root Complex Integrated Endpoint', 'rc-integrated-endpoint'],
  ['Root Complex Event Collector', 'rc-event-collector'],
  ['Legacy Endpoint', 'legacy-endpoint'],
  ['Endpoint', 'endpoint'],
  ['Root Port', 'root-port'],
  ['Upstream Port', 'upstream-port'],
  ['Downstream Port', 'downstream-port'],
  ['PCI-Express to PCI/PCI-X Bridge', 'pcie-to-pci-bridge'],
  ['PCI/PCI-X to PCI-Express Bridge', 'pci-to-pcie-bridge'],
];

/** ls-ecaps.c cap_acs flag names, in register bit order. */
const ACS_NAMES: readonly (readonly [string, number])[] = [
  ['SrcValid', ACS_SV],
  ['TransBlk', ACS_TB],
  ['ReqRedir', ACS_RR],
  ['CmpltRedir', ACS_CR],
  ['UpstreamFwd', ACS_UF],
  ['EgressCtrl', ACS_EC],
  ['DirectTrans', ACS_DT],
];

/** Class names (pci.ids) for `lspci -vvv` without -nn, enough to tell bridges and common endpoints. */
const CLASS_BY_NAME: Readonly<Record<string, number>> = {
  'Host bridge': 0x0600,
  'ISA bridge': 0x0601,
  'PCI bridge': 0x0604,
  'CardBus bridge': 0x0607,
  'VGA compatible controller': 0x0300,
  '3D controller': 0x0302,
  'Display controller': 0x0380,
  'Ethernet controller': 0x0200,
  'Network controller': 0x0280,
  'USB controller': 0x0c03,
  'SMBus': 0x0c05,
  'SATA controller': 0x0106,
  'Non-Volatile memory controller': 0x0108,
  'Audio device': 0x0403,
  'Multimedia audio controller': 0x0401,
  'IOMMU': 0x0806,
  'Encryption controller': 0x1080,
  'Signal processing controller': 0x1180,
  'Non-Essential Instrumentation': 0x1300,
};

const HEADER_RE = /^(?:([0-9a-f]{4}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-9a-f])\s+(.*)$/i;
const LOOKS_LIKE_HEADER = /^(?:[0-9a-f]{4}:)?[0-9a-f]{1,2}:[0-9a-f]{1,2}\.[0-9a-f]/i;
const HEX_LINE_RE = /^([0-9a-f]{2,3}):((?: [0-9a-f]{2}){1,16})\s*$/i;
const ID_RE = /\[([0-9a-f]{4}):([0-9a-f]{4})\]/gi;

function lastId(text: string): [number, number] | undefined {
  let out: [number, number] | undefined;
  for (const m of text.matchAll(ID_RE)) out = [parseInt(m[1]!, 16), parseInt(m[2]!, 16)];
  return out;
}

/** 'SrcValid+ TransBlk- …' → bits, or an error message. */
function parseAcsFlags(text: string): number | string {
  let v = 0;
  const seen = new Set<string>();
  for (const tok of text.trim().split(/\s+/)) {
    const m = /^([A-Za-z]+)([+-])$/.exec(tok);
    const entry = m ? ACS_NAMES.find(([n]) => n === m[1]) : undefined;
    if (!m || !entry) return `'${tok}' is not an ACS flag`;
    seen.add(entry[0]);
    if (m[2] === '+') v |= entry[1];
  }
  const missing = ACS_NAMES.filter(([n]) => !seen.has(n)).map(([n]) => n);
  return missing.length > 0 ? `missing ${missing.join(', ')}` : v;
}

const ACS_EXPECTED = 'SrcValid± TransBlk± ReqRedir± CmpltRedir± UpstreamFwd± EgressCtrl± DirectTrans± (ls-ecaps.c cap_acs)';

/** Parse lspci -vv/-vvv/-vvnn text into function records. */
export function parseLspciVerboseRecords(text: string): { records: FunctionRecord[]; errors: ImportDiagnostic[]; warnings: ImportDiagnostic[] } {
  const errors: ImportDiagnostic[] = [];
  const warnings: ImportDiagnostic[] = [];
  const records: FunctionRecord[] = [];
  const seen = new Map<string, number>();
  let cur: FunctionRecord | undefined;
  let hexBytes: number[] = [];
  let sawNumericIds = false;
  let sawExtCaps = false;
  let sawPcie = false;
  let accessDenied = 0;
  let inAcs = false;
  let inSriov = false;

  const finish = (): void => {
    if (cur && hexBytes.length > 0x0e) {
      // lspci -x: header type at 0x0e (bit 7 = multifunction).
      cur.multifunction = (hexBytes[0x0e]! & 0x80) !== 0;
      if ((hexBytes[0x0e]! & 0x7f) === 1) cur.isBridge = true;
    }
    hexBytes = [];
  };

  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const indented = /^\s/.test(raw);
    if (!indented) {
      const hx = HEX_LINE_RE.exec(raw);
      if (hx && cur) {
        const off = parseInt(hx[1]!, 16);
        hx[2]!.trim().split(' ').forEach((b, j) => (hexBytes[off + j] = parseInt(b, 16)));
        return;
      }
      const m = HEADER_RE.exec(raw);
      if (!m) {
        if (LOOKS_LIKE_HEADER.test(raw)) {
          errors.push({ code: 'LSPCI_BAD_ADDRESS', message: `'${raw.split(/\s/)[0] ?? raw}' is not a PCI address`, line, hint: 'device lines start with [dddd:]bb:dd.f (hex, slot 00-1f, function 0-7)' });
        } else if (!cur) {
          errors.push({
            code: 'LSPCI_NOT_LSPCI',
            message: `expected a device line like '00:1c.0 PCI bridge [0604]: Intel Corporation … [8086:a110]', found '${raw.slice(0, 60)}'`,
            line,
            hint: 'give the output of `lspci -vvnn` (run as root to see extended capabilities)',
          });
        } else {
          // pciutils prints library warnings into the stream (e.g. 'pcilib: Error reading …').
          warnings.push({ code: 'LSPCI_UNEXPECTED_LINE', message: `ignored unexpected text '${raw.slice(0, 60)}'`, line });
        }
        return;
      }
      finish();
      inAcs = false;
      inSriov = false;
      const slot = parseInt(m[3]!, 16);
      const fn = parseInt(m[4]!, 16);
      if (slot > 0x1f || fn > 7) {
        errors.push({ code: 'LSPCI_BAD_ADDRESS', message: `'${raw.split(/\s/)[0]!}': ${slot > 0x1f ? 'slot above 1f' : 'function above 7'}`, line, hint: 'a PCI address is [dddd:]bb:dd.f with slot 00-1f and function 0-7' });
        cur = undefined;
        return;
      }
      const segment = m[1] === undefined ? 0 : parseInt(m[1], 16);
      const bus = parseInt(m[2]!, 16);
      const k = `${String(segment)}:${String(bus)}:${String((slot << 3) | fn)}`;
      const prev = seen.get(k);
      if (prev !== undefined) {
        errors.push({ code: 'LSPCI_DUP_DEVICE', message: `${raw.split(/\s/)[0]!} appears twice (first on line ${String(prev)})`, line, hint: 'concatenated dumps? give one machine per file' });
        cur = undefined;
        return;
      }
      seen.set(k, line);
      cur = emptyRecord(line, segment, bus, (slot << 3) | fn);
      records.push(cur);
      const rest = m[5]!;
      const cls = /^(.*?) \[([0-9a-f]{4})\]:/i.exec(rest);
      const progIf = /\(prog-if ([0-9a-f]{2})/i.exec(rest);
      const pi = progIf ? parseInt(progIf[1]!, 16) : 0;
      if (cls) cur.classCode = (parseInt(cls[2]!, 16) << 8) | pi;
      else {
        const name = /^(.*?):/.exec(rest)?.[1];
        const byName = name !== undefined ? CLASS_BY_NAME[name] : undefined;
        if (byName !== undefined) cur.classCode = (byName << 8) | pi;
      }
      const id = lastId(rest.replace(/\(prog-if[^)]*\)|\(rev [^)]*\)/g, ''));
      if (id) {
        [cur.vendor, cur.device] = id;
        sawNumericIds = true;
      }
      if (cur.classCode !== undefined && (cur.classCode >> 8 === 0x0604 || cur.classCode >> 8 === 0x0609)) cur.isBridge = true;
      return;
    }
    if (!cur) {
      if (records.length === 0 && errors.length === 0) {
        errors.push({ code: 'LSPCI_NOT_LSPCI', message: 'indented text before the first device line', line, hint: 'the dump must start with a device line such as 00:00.0 Host bridge [0600]: …' });
      }
      return;
    }
    const t = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^Capabilities: \[([0-9a-f]+)(?: v\d+)?\] (.*)$/i.exec(t))) {
      const off = parseInt(m[1]!, 16);
      const what = m[2]!;
      inAcs = what.startsWith('Access Control Services');
      inSriov = what.startsWith('Single Root I/O Virtualization');
      if (off >= 0x100) sawExtCaps = true;
      const ex = /^Express (?:\(v\d+\) )?(.*?)(?:, (?:MSI|IntMsgNum) [0-9a-f]+)?$/i.exec(what);
      if (ex) {
        sawPcie = true;
        const name = ex[1]!.replace(/ \(Slot[+-]\)$/, '');
        const type = EXPRESS_TYPES.find(([n]) => n === name)?.[1];
        if (type) cur.pcieType = type;
        else {
          warnings.push({ code: 'LSPCI_UNKNOWN_EXPRESS_TYPE', message: `unknown PCIe port type '${name}'; imported as an endpoint`, line });
          cur.pcieType = 'endpoint';
        }
      } else if (what.startsWith('Address Translation Service')) cur.ats = true;
      else if (what.startsWith('Page Request Interface')) cur.pri = true;
      else if (what.startsWith('Process Address Space ID')) cur.pasid = true;
      else if (inSriov) cur.sriov = { initialVfs: undefined, totalVfs: 0, numVfs: 0, offset: 0, stride: 0, vfDevice: undefined };
      return;
    }
    if (/^Capabilities: <access denied>/.test(t)) {
      accessDenied++;
      return;
    }
    if ((m = /^IOMMU group: (\d+)$/.exec(t))) {
      cur.group = parseInt(m[1]!, 10);
      return;
    }
    if ((m = /^Kernel driver in use: (\S+)/.exec(t))) {
      cur.driver = m[1]!;
      return;
    }
    if (t.startsWith('Subsystem:')) {
      const id = lastId(t);
      if (id) [cur.subVendor, cur.subDevice] = id;
      return;
    }
    if (t.startsWith('Bus:')) {
      const b = /primary=([0-9a-f]{2}), secondary=([0-9a-f]{2}), subordinate=([0-9a-f]{2})/i.exec(t);
      if (!b) {
        errors.push({ code: 'LSPCI_BAD_BUS', message: `cannot read bridge bus numbers from '${t}'`, line, hint: "expected 'Bus: primary=00, secondary=01, subordinate=01, sec-latency=0'" });
        return;
      }
      cur.isBridge = true;
      cur.secondary = parseInt(b[2]!, 16);
      cur.subordinate = parseInt(b[3]!, 16);
      return;
    }
    if (inAcs && (m = /^ACS(Cap|Ctl):\s*(.*)$/.exec(t))) {
      const v = parseAcsFlags(m[2]!);
      if (typeof v === 'string') {
        errors.push({ code: 'LSPCI_BAD_ACS', message: `ACS${m[1]!}: ${v}`, line, hint: `expected ${ACS_EXPECTED}` });
        return;
      }
      cur.acs ??= { cap: 0, ctl: 0 };
      if (m[1] === 'Cap') cur.acs.cap = v;
      else cur.acs.ctl = v;
      return;
    }
    if (inSriov && cur.sriov) {
      if ((m = /^Initial VFs: (\d+), Total VFs: (\d+), Number of VFs: (\d+)/.exec(t))) {
        cur.sriov.initialVfs = parseInt(m[1]!, 10);
        cur.sriov.totalVfs = parseInt(m[2]!, 10);
        cur.sriov.numVfs = parseInt(m[3]!, 10);
      } else if ((m = /^VF offset: (\d+), stride: (\d+), Device ID: ([0-9a-f]{4})/i.exec(t))) {
        cur.sriov.offset = parseInt(m[1]!, 10);
        cur.sriov.stride = parseInt(m[2]!, 10);
        cur.sriov.vfDevice = parseInt(m[3]!, 16);
      } else if (/^(Initial VFs|VF offset)/.test(t)) {
        errors.push({ code: 'LSPCI_BAD_SRIOV', message: `cannot read the SR-IOV fields from '${t}'`, line, hint: "expected 'Initial VFs: 64, Total VFs: 64, Number of VFs: 8, …' and 'VF offset: 128, stride: 2, Device ID: 10ed' (ls-ecaps.c cap_sriov)" });
      }
    }
  });
  finish();

  if (records.length === 0 && errors.length === 0) {
    errors.push({ code: 'LSPCI_EMPTY', message: 'no PCI functions found', line: 0, hint: 'give the output of `lspci -vvnn`' });
  }
  for (const r of records) {
    // A function without an Express capability is conventional PCI (lspci shows every capability with -vv).
    if (r.pcieType === undefined && accessDenied === 0) r.pcieType = 'conventional';
    if (r.isBridge && r.secondary === undefined) {
      warnings.push({ code: 'LSPCI_BRIDGE_NO_BUS', message: 'a bridge without a Bus: line; its secondary bus is inferred', line: r.line });
    }
  }
  if (records.length > 0 && !sawNumericIds) {
    warnings.push({ code: 'LSPCI_NO_IDS', message: 'no numeric vendor:device ids (lspci without -nn): device quirks cannot apply', line: 0, hint: 'use lspci -vvnn' });
  }
  if (accessDenied > 0) {
    warnings.push({ code: 'LSPCI_ACCESS_DENIED', message: `capabilities of ${String(accessDenied)} functions were not readable (lspci not run as root): PCIe types and ACS are unknown`, line: 0, hint: 'run sudo lspci -vvnn' });
  } else if (sawPcie && !sawExtCaps) {
    warnings.push({
      code: 'LSPCI_NO_EXT_CAPS',
      message: 'no extended capabilities (offset 0x100 and above) in the dump: ACS, ATS, PASID, PRI and SR-IOV are not visible, so every port is imported without an ACS capability',
      line: 0,
      hint: 'run lspci -vvnn as root to include them',
    });
  }
  return { records, errors, warnings };
}

/** Parse `lspci -vvnn` text into topology nodes. */
export function parseLspciVerbose(text: string, opts: RecordsToNodesOptions = {}): ImportResult {
  const p = parseLspciVerboseRecords(text);
  const r = recordsToNodes(p.records, opts);
  return { ...r, errors: [...p.errors, ...r.errors], warnings: [...p.warnings, ...r.warnings] };
}
