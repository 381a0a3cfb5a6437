/**
 * Dump imports in a topology: an `import file="…" format=…` node is replaced by the
 * nodes of the dump it names (expandImports), and the one-call importTopology().
 */
import type { TopologyError, TopologyNodeSpec } from '../types.js';
import { parseLspciTree } from './lspci-tree.js';
import { parseLspciVerbose } from './lspci-vv.js';
import type { RecordsToNodesOptions } from './records.js';
import { parseSysfsDump } from './sysfs.js';
import type { DumpFormat, ImportResult } from './types.js';

/** `format=` values of an import node, and the parser each selects. */
export const IMPORT_FORMATS: Readonly<Record<string, DumpFormat | 'auto'>> = {
  'lspci-vvnn': 'lspci-vv',
  'lspci-vvvnn': 'lspci-vv',
  'lspci-vvv': 'lspci-vv',
  'lspci-vv': 'lspci-vv',
  'lspci-v': 'lspci-vv',
  'lspci-tv': 'lspci-tree',
  'lspci-tvnn': 'lspci-tree',
  'lspci-t': 'lspci-tree',
  'lspci-tree': 'lspci-tree',
  sysfs: 'sysfs',
  auto: 'auto',
};

/** Attributes of an import node. */
export const IMPORT_ATTRS: readonly string[] = ['file', 'format'];

/** Guess the format from the first meaningful line; undefined when it looks like none of them. */
export function detectDumpFormat(text: string): DumpFormat | undefined {
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) continue;
    if (t.startsWith('/sys/kernel/iommu_groups/')) return 'sysfs';
    if (/^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]\s+(?:[0-9a-f]{2}\s*){8}/i.test(t)) return 'sysfs';
    if (/^(?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]\s+\S/i.test(t)) return 'lspci-vv';
    if (/^[-+\\| ]*\[(?:[0-9a-f]{4}:)?[0-9a-f]{2}\]/i.test(t)) return 'lspci-tree';
    return undefined;
  }
  return undefined;
}

/** Import a dump in the given format ('auto' detects it). */
export function importTopology(text: string, format: DumpFormat | 'auto' = 'auto', opts: RecordsToNodesOptions = {}): ImportResult {
  const f = format === 'auto' ? detectDumpFormat(text) : format;
  switch (f) {
    case 'lspci-vv':
      return parseLspciVerbose(text, opts);
    case 'lspci-tree':
      return parseLspciTree(text, opts);
    case 'sysfs':
      return parseSysfsDump(text, opts);
    case undefined:
      return {
        nodes: [],
        errors: [
          {
            code: 'IMPORT_UNKNOWN_FORMAT',
            message: 'cannot tell the dump format: it looks like none of lspci -vvnn, lspci -tv or a sysfs dump',
            line: 0,
            hint: `say format=${Object.keys(IMPORT_FORMATS).join('|')}`,
          },
        ],
        warnings: [],
        recordedGroups: new Map(),
        drivers: new Map(),
      };
  }
}

export interface ExpandOptions {
  /** Add `driver=` attributes for the drivers the dump shows bound (the machine binds them). */
  drivers?: boolean;
}

export interface ExpandResult {
  nodes: TopologyNodeSpec[];
  errors: TopologyError[];
  warnings: TopologyError[];
}

/**
 * Replace every top-level `import file="…" format=…` node by the nodes of that dump.
 * `readFile` gets the file= value (the caller resolves relative paths) and may throw;
 * every problem comes back as a TopologyError carrying the import node's ref and,
 * in its message, the dump's file and line. Imported nodes carry the import node's ref.
 */
export function expandImports(
  nodes: readonly TopologyNodeSpec[],
  readFile: (path: string) => string,
  opts: ExpandOptions = {},
): ExpandResult {
  const errors: TopologyError[] = [];
  const warnings: TopologyError[] = [];
  const out: TopologyNodeSpec[] = [];
  const nested = (n: TopologyNodeSpec): void => {
    for (const c of n.children) {
      if (c.kind === 'import') {
        errors.push({ code: 'PCI_IMPORT_NESTED', message: 'an import must be at the top of the topology block', hint: 'move the import line out of the node it is in', ref: c.ref });
      } else nested(c);
    }
  };
  for (const n of nodes) {
    if (n.kind !== 'import') {
      nested(n);
      out.push(n);
      continue;
    }
    const ref = n.ref;
    let bad = false;
    for (const k of Object.keys(n.attrs)) {
      if (!IMPORT_ATTRS.includes(k)) {
        errors.push({ code: 'PCI_UNKNOWN_ATTR', message: `unknown attribute '${k}' on an import`, hint: `known attributes: ${IMPORT_ATTRS.join(', ')}`, ref, attr: k });
        bad = true;
      }
    }
    if (n.bdf !== undefined || n.children.length > 0) {
      errors.push({ code: 'PCI_BAD_CHILD', message: 'an import takes only file= and format=, no address and no nodes below it', ref });
      bad = true;
    }
    const file = n.attrs.file;
    if (typeof file !== 'string' || file === '') {
      errors.push({ code: 'PCI_IMPORT_FILE', message: 'an import needs file="path/to/dump.txt"', hint: 'the path is relative to the scenario file', ref, attr: 'file' });
      continue;
    }
    const fmtAttr = n.attrs.format;
    const fmt = fmtAttr === undefined ? 'auto' : typeof fmtAttr === 'string' ? IMPORT_FORMATS[fmtAttr.toLowerCase()] : undefined;
    if (fmt === undefined) {
      errors.push({ code: 'PCI_BAD_ATTR', message: `unknown dump format '${String(fmtAttr)}'`, hint: `formats: ${Object.keys(IMPORT_FORMATS).join(', ')}`, ref, attr: 'format' });
      continue;
    }
    if (bad) continue;
    let text: string;
    try {
      text = readFile(file);
    } catch (e) {
      const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : e instanceof Error ? e.message : String(e);
      errors.push({ code: 'PCI_IMPORT_READ', message: `cannot read ${file}: ${why}`, hint: 'the path is relative to the scenario file', ref, attr: 'file' });
      continue;
    }
    const r = importTopology(text, fmt, { source: file });
    const at = (line: number): string => (line > 0 ? `${file}:${String(line)}: ` : `${file}: `);
    for (const e of r.errors) errors.push({ code: e.code, message: `${at(e.line)}${e.message}`, ...(e.hint !== undefined ? { hint: e.hint } : {}), ref, attr: 'file' });
    for (const w of r.warnings) warnings.push({ code: w.code, message: `${at(w.line)}${w.message}`, ...(w.hint !== undefined ? { hint: w.hint } : {}), ref, attr: 'file' });
    const reref = (s: TopologyNodeSpec): TopologyNodeSpec => {
      const attrs = { ...s.attrs };
      const driver = s.bdf !== undefined ? r.drivers.get(s.bdf) : undefined;
      if (opts.drivers === true && driver !== undefined) attrs.driver = driver;
      return { ...s, attrs, children: s.children.map(reref), ref };
    };
    out.push(...r.nodes.map(reref));
  }
  return { nodes: out, errors, warnings };
}
