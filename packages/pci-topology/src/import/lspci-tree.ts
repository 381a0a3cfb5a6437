/**
 * `lspci -tv` / `-tvnn` / `-t` trees → topology nodes. The drawing is pciutils
 * ls-tree.c show_forest/show_tree_bus/show_tree_dev: every function is written as
 * `dd.f` after a branch (`+-`, `\-` or `--`), a bridge continues with `-[ss]-` or
 * `-[ss-uu]-` and its secondary bus, and siblings line up in one column.
 * A tree carries no config space: no PCIe port types, no ACS, no classes. Bridges
 * get guessed kinds (root bus → root-port; a bridge whose children are all bridges
 * → switch upstream port, its children → downstream ports; other bridges → PCIe-to-PCI)
 * and every port is imported without ACS; a warning says so.
 */
import { recordsToNodes, type RecordsToNodesOptions } from './records.js';
import { emptyRecord, type FunctionRecord, type ImportDiagnostic, type ImportResult } from './types.js';

interface Ctx {
  /** Column where this bus's functions' `dd.f` starts. */
  col: number;
  segment: number;
  bus: number;
  /** The bridge whose secondary bus this is (undefined for a root bus). */
  bridge: FunctionRecord | undefined;
}

const ROOT_RE = /\[(?:([0-9a-f]{4}):)?([0-9a-f]{2})\]/iy;
const DEV_RE = /([0-9a-f]{2})\.([0-7])/iy;
const BRIDGE_RE = /-\[([0-9a-f]{2})(?:-([0-9a-f]{2}))?\]/iy;

/** Parse an lspci tree into function records. */
export function parseLspciTreeRecords(text: string): { records: FunctionRecord[]; errors: ImportDiagnostic[]; warnings: ImportDiagnostic[] } {
  const errors: ImportDiagnostic[] = [];
  const warnings: ImportDiagnostic[] = [];
  const records: FunctionRecord[] = [];
  const children = new Map<FunctionRecord, FunctionRecord[]>();
  const parentOf = new Map<FunctionRecord, FunctionRecord | undefined>();
  let stack: Ctx[] = [];
  let roots = 0;

  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let pos = 0;
    let pendingBus: { segment: number; bus: number; bridge: FunctionRecord | undefined } | undefined;
    let progressed = false;
    while (pos < raw.length) {
      const c = raw[pos]!;
      if (c === ' ' || c === '|' || c === '+' || c === '\\' || c === '-') {
        pos++;
        continue;
      }
      if (c === '[') {
        ROOT_RE.lastIndex = pos;
        const m = ROOT_RE.exec(raw);
        if (!m) break;
        roots++;
        pos = ROOT_RE.lastIndex;
        pendingBus = { segment: m[1] === undefined ? 0 : parseInt(m[1], 16), bus: parseInt(m[2]!, 16), bridge: undefined };
        // Root buses are siblings: drop any open bus contexts.
        stack = [];
        progressed = true;
        continue;
      }
      DEV_RE.lastIndex = pos;
      const d = DEV_RE.exec(raw);
      if (!d) break;
      const col = pos;
      let ctx: Ctx | undefined;
      if (pendingBus) {
        ctx = { col, ...pendingBus };
        stack.push(ctx);
        pendingBus = undefined;
      } else {
        const at = stack.findIndex((s) => s.col === col);
        if (at < 0) {
          errors.push({
            code: 'TREE_BAD_COLUMN',
            message: `function ${d[0]} in column ${String(col + 1)} does not line up under any bus above`,
            line,
            hint: 'give the unmodified output of `lspci -tv` (siblings must stay in one column)',
          });
          return;
        }
        stack = stack.slice(0, at + 1);
        ctx = stack[at]!;
      }
      const slot = parseInt(d[1]!, 16);
      const fn = parseInt(d[2]!, 10);
      if (slot > 0x1f) {
        errors.push({ code: 'TREE_BAD_ADDRESS', message: `'${d[0]}': slot above 1f`, line });
        return;
      }
      const r = emptyRecord(line, ctx.segment, ctx.bus, (slot << 3) | fn);
      records.push(r);
      parentOf.set(r, ctx.bridge);
      if (ctx.bridge) children.get(ctx.bridge)!.push(r);
      progressed = true;
      pos = DEV_RE.lastIndex;
      BRIDGE_RE.lastIndex = pos;
      const b = BRIDGE_RE.exec(raw);
      if (b) {
        r.isBridge = true;
        r.secondary = parseInt(b[1]!, 16);
        r.subordinate = b[2] === undefined ? r.secondary : parseInt(b[2], 16);
        children.set(r, []);
        pos = BRIDGE_RE.lastIndex;
        pendingBus = { segment: ctx.segment, bus: r.secondary, bridge: r };
        continue;
      }
      // A leaf: the rest of the line is its name; -n/-nn add 'vvvv:dddd' or '[vvvv:dddd]'.
      const name = raw.slice(pos);
      const ids = [...name.matchAll(/\[?\b([0-9a-f]{4}):([0-9a-f]{4})\b\]?/gi)];
      const last = ids[ids.length - 1];
      if (last) {
        r.vendor = parseInt(last[1]!, 16);
        r.device = parseInt(last[2]!, 16);
      }
      break;
    }
    if (!progressed) {
      errors.push({
        code: 'TREE_NOT_TREE',
        message: `expected a tree line like '-[0000:00]-+-00.0  Intel Corporation …' or '           \\-1c.0-[01]----00.0', found '${raw.slice(0, 60)}'`,
        line,
        hint: 'give the output of `lspci -tv` or `lspci -tvnn`',
      });
    }
  });

  if (records.length === 0 && errors.length === 0) {
    errors.push({ code: 'TREE_EMPTY', message: 'no PCI functions found in the tree', line: 0, hint: 'give the output of `lspci -tv`' });
  }
  if (roots === 0 && records.length > 0) {
    warnings.push({ code: 'TREE_NO_ROOT', message: 'no root bus marker like -[0000:00]-; functions assumed on bus 00', line: 0 });
  }
  // Guess kinds: nothing in a tree says what a bridge is.
  for (const r of records) {
    r.pcieType = undefined;
    if (!r.isBridge) continue;
    const kids = children.get(r) ?? [];
    const parent = parentOf.get(r);
    if (parent === undefined) r.kind = 'root-port';
    else if (parent.kind === 'upstream-port') r.kind = 'downstream-port';
    else if (kids.length > 0 && kids.every((k) => k.isBridge)) r.kind = 'upstream-port';
    else r.kind = 'pcie-to-pci-bridge';
  }
  if (records.length > 0) {
    warnings.push({
      code: 'TREE_NO_ACS',
      message: 'an lspci tree has no config space: PCIe port types are guessed from the shape of the tree and no port has ACS, so groups are as coarse as on hardware without ACS',
      line: 0,
      hint: 'import `lspci -vvnn` (as root) or a sysfs dump for exact groups',
    });
  }
  return { records, errors, warnings };
}

/** Parse `lspci -tv` text into topology nodes. */
export function parseLspciTree(text: string, opts: RecordsToNodesOptions = {}): ImportResult {
  const p = parseLspciTreeRecords(text);
  const r = recordsToNodes(p.records, opts);
  return { ...r, errors: [...p.errors, ...r.errors], warnings: [...p.warnings, ...r.warnings] };
}
