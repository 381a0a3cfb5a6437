import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { DEFAULT_RELEASE, isKernelRelease, type MachineConfig, type MachineError } from '@dmasim/machine';
import type { TopologyNodeSpec } from '@dmasim/pci-topology';
import type { Attr, Diagnostic, Loc, ScenarioFile, TopologyNode, VariantLine } from '@dmasim/scenario-dsl';
import { exprText } from './validate.js';

function attrValue(a: Attr): string | true {
  return a.value === undefined ? true : exprText(a.value);
}

function attrRecord(attrs: readonly Attr[]): Record<string, string | true> {
  const r: Record<string, string | true> = {};
  for (const a of attrs) r[a.key] = attrValue(a);
  return r;
}

/**
 * The scenario file's directory. The uri is relative to the current directory, or (as in
 * the engine's own test suite) to one of its ancestors: take the first that holds the file.
 */
function scenarioDir(uri: string): string {
  if (isAbsolute(uri)) return dirname(uri);
  for (let d = process.cwd(); ; d = dirname(d)) {
    if (existsSync(join(d, uri))) return dirname(join(d, uri));
    if (dirname(d) === d) return dirname(resolve(uri));
  }
}

function toSpec(n: TopologyNode, dir: () => string): TopologyNodeSpec {
  const attrs = attrRecord(n.attrs);
  // `import file="dump.txt"`: the path is relative to the scenario file.
  if (n.kind === 'import' && typeof attrs.file === 'string' && !isAbsolute(attrs.file)) attrs.file = relative(process.cwd(), join(dir(), attrs.file)) || '.';
  return {
    kind: n.kind,
    ...(n.bdf ? { bdf: n.bdf.text } : {}),
    attrs,
    children: n.children.map((c) => toSpec(c, dir)),
    ref: n,
  };
}

/** The machine a scenario (and one of its variants) describes. Defaults: newest release, intel-vtd, 4G. */
export function machineConfig(file: ScenarioFile, variant?: VariantLine): MachineConfig {
  const h = file.header;
  let release = h.kernel && isKernelRelease(h.kernel.value) ? h.kernel.value : DEFAULT_RELEASE;
  let boot = h.boot.map((b) => b.value).join(' ');
  for (const a of variant?.attrs ?? []) {
    const v = a.value === undefined ? '' : exprText(a.value);
    if (a.key === 'boot+') boot = `${boot} ${v}`.trim();
    else if (a.key === 'boot') boot = v;
    else if (a.key === 'kernel' && isKernelRelease(v)) release = v;
  }
  const kconfig: Record<string, string> = {};
  for (const a of h.kconfig) kconfig[a.key] = a.value === undefined ? 'y' : exprText(a.value);
  const mem = h.memory?.value;
  return {
    release,
    platform: { name: h.platform?.name ?? 'intel-vtd', attrs: attrRecord(h.platform?.attrs ?? []) },
    cmdline: boot,
    memory: mem?.kind === 'number' ? mem.value : 4n << 30n,
    kconfig,
    topology: (file.topology?.nodes ?? []).map((n) => toSpec(n, () => scenarioDir(file.uri))),
  };
}

/** Maps a machine configuration error back onto the line that caused it. */
export function machineErrorDiagnostic(file: ScenarioFile, e: MachineError): Diagnostic {
  const h = file.header;
  let loc: Loc = file.loc;
  if (e.where === 'topology' && e.ref && typeof e.ref === 'object' && 'loc' in e.ref) {
    const node = e.ref as TopologyNode;
    loc = (e.key ? node.attrs.find((a) => a.key === e.key)?.loc : undefined) ?? node.kindLoc;
  } else if (e.where === 'platform' && h.platform) {
    loc = (e.key ? h.platform.attrs.find((a) => a.key === e.key)?.loc : undefined) ?? h.platform.nameLoc;
  } else if (e.where === 'kconfig') {
    loc = h.kconfig.find((a) => a.key === e.key)?.loc ?? h.kconfig[0]?.loc ?? file.loc;
  } else if (e.where === 'memory' && h.memory) {
    loc = h.memory.loc;
  } else if (e.where === 'topology' && file.topology) {
    loc = file.topology.loc;
  }
  const d: Diagnostic = { code: 'DMA208', severity: 'error', message: e.message, loc, notes: [] };
  if (e.hint !== undefined) d.hint = e.hint;
  return d;
}
