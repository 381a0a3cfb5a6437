import type { ArgSpec } from '@dmasim/op-spec';
import { formatSignature as signature, suggest } from '@dmasim/op-spec';
import { isKernelRelease, KERNEL_RELEASES } from '@dmasim/machine';
import type { Arg, Diagnostic, Expr, Loc, Outcome, ScenarioFile, Stmt, TopologyNode } from '@dmasim/scenario-dsl';
import { ERRNO_NAMES } from './codes.js';
import { opRegistry, queryRegistry } from './registry.js';

function diag(code: string, message: string, loc: Loc, hint?: string, notes: Diagnostic['notes'] = []): Diagnostic {
  return hint === undefined ? { code, severity: 'error', message, loc, notes } : { code, severity: 'error', message, loc, hint, notes };
}

/** Canonical 'dddd:bb:dd.f' of a BDF literal. */
export function bdfKey(e: Extract<Expr, { kind: 'bdf' }>): string {
  const h = (n: number, w: number): string => n.toString(16).padStart(w, '0');
  return `${h(e.segment, 4)}:${h(e.bus, 2)}:${h(e.dev, 2)}.${e.fn}`;
}

function collectBdfs(nodes: readonly TopologyNode[], out: Set<string>): void {
  for (const n of nodes) {
    if (n.bdf) out.add(bdfKey(n.bdf));
    collectBdfs(n.children, out);
  }
}

/** Imported dumps and SR-IOV VFs add devices the file does not spell out: those are checked when the machine boots. */
function hasUnlistedDevices(nodes: readonly TopologyNode[]): boolean {
  return nodes.some((n) => n.kind === 'import' || n.attrs.some((a) => a.key === 'sriov') || hasUnlistedDevices(n.children));
}

/**
 * Static checks of a parsed scenario against the op registry: names, arities,
 * argument kinds, outcomes, variables bound before use, devices declared.
 * Runs before any machine is booted, and reports everything in one pass.
 */
export function validateScenario(file: ScenarioFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const h = file.header;
  if (h.kernel && !isKernelRelease(h.kernel.value)) {
    out.push(diag('DMA207', `no profile for kernel ${h.kernel.value}`, h.kernel.loc, `modelled releases: ${KERNEL_RELEASES.join(', ')}`));
  }
  for (const v of h.variants) {
    for (const a of v.attrs) {
      if (!['boot+', 'boot', 'kernel'].includes(a.key)) {
        out.push(diag('DMA211', `variant attribute ${a.key} is not supported`, a.keyLoc, 'use boot+="…", boot="…" or kernel=…'));
      } else if (a.key === 'kernel' && a.value && !isKernelRelease(exprText(a.value))) {
        out.push(diag('DMA207', `no profile for kernel ${exprText(a.value)}`, a.value.loc, `modelled releases: ${KERNEL_RELEASES.join(', ')}`));
      }
    }
  }
  for (const a of h.requires) {
    if (a.key !== 'kernel' && a.key !== 'platform') out.push(diag('DMA212', `unknown requirement ${a.key}`, a.keyLoc, 'known: kernel, platform'));
  }
  const devices = new Set<string>();
  collectBdfs(file.topology?.nodes ?? [], devices);
  const bound = new Set<string>();
  const v = new Validator(out, devices, bound, hasUnlistedDevices(file.topology?.nodes ?? []));
  for (const s of file.body) v.stmt(s);
  return out;
}

export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'number':
    case 'bdf':
    case 'pciid':
      return e.text;
    case 'string':
      return e.value;
    case 'ident':
      return e.name;
    case 'call':
      return `${e.fn}(…)`;
    case 'binary':
      return `${exprText(e.left)} ${e.op} ${exprText(e.right)}`;
  }
}

class Validator {
  constructor(
    private readonly out: Diagnostic[],
    private readonly devices: ReadonlySet<string>,
    private readonly bound: Set<string>,
    private readonly unlisted = false,
  ) {}

  stmt(s: Stmt): void {
    switch (s.kind) {
      case 'step':
        for (const b of s.body) this.stmt(b);
        return;
      case 'expect-compare':
        this.expr(s.left);
        this.expr(s.right);
        return;
      case 'expect-log':
        return;
      case 'op':
        this.op(s);
    }
  }

  private op(s: Extract<Stmt, { kind: 'op' }>): void {
    const reg = opRegistry.get(s.op);
    if (!reg) {
      const near = suggest(s.op, opRegistry.keys());
      this.out.push(diag('DMA201', `unknown operation \`${s.op}\`${near ? `, did you mean \`${near}\`?` : ''}`, s.opLoc, 'see docs/dsl/ops.md for every operation'));
      // Without a signature, bare words cannot be told from variables: check no further.
    } else {
      const spec = reg.spec;
      const positional = spec.args.filter((a) => !a.named);
      let pi = 0;
      const seen = new Set<string>();
      for (const a of s.args) {
        if (a.kind === 'named') {
          const as = spec.args.find((x) => x.name === a.key);
          if (!as) {
            const keys = spec.args.map((x) => x.name);
            const near = suggest(a.key, keys);
            this.out.push(
              diag('DMA203', `\`${s.op}\` takes no argument \`${a.key}\`${near ? `, did you mean \`${near}\`?` : ''}`, a.keyLoc, `it takes: ${signature(spec.name, spec.args)}`),
            );
            this.expr(a.value);
            continue;
          }
          seen.add(as.name);
          this.arg(as, a.value);
          continue;
        }
        const as = positional[pi];
        if (!as) {
          this.out.push(diag('DMA302', `too many arguments for \`${s.op}\``, a.loc, `signature: ${signature(spec.name, spec.args)}`));
          this.expr(a.value);
          continue;
        }
        if (!as.variadic) pi++;
        seen.add(as.name);
        this.arg(as, a.value);
      }
      for (const as of spec.args) {
        if (!as.optional && !seen.has(as.name)) {
          this.out.push(diag('DMA302', `\`${s.op}\` is missing its \`${as.name}\` argument`, s.opLoc, `signature: ${signature(spec.name, spec.args)}`));
        }
      }
      if (s.outcome) this.outcome(s.op, spec.outcomes, s.outcome);
    }
    if (s.bind) this.bound.add(s.bind.name);
    if (s.outcome?.as) this.bound.add(s.outcome.as.name);
  }

  private arg(spec: ArgSpec, e: Expr): void {
    switch (spec.kind) {
      case 'bdf':
        if (e.kind !== 'bdf') {
          this.out.push(diag('DMA301', `\`${spec.name}\` must be a device address like 01:00.0`, e.loc));
          return;
        }
        this.bdf(e);
        return;
      case 'word': {
        if (e.kind !== 'ident') {
          this.out.push(diag('DMA301', `\`${spec.name}\` must be one of: ${(spec.values ?? []).join(', ')}`, e.loc));
          return;
        }
        if (spec.values && !spec.values.includes(e.name)) {
          const near = suggest(e.name, spec.values);
          this.out.push(
            diag('DMA204', `\`${e.name}\` is not a valid ${spec.name}${near ? `, did you mean \`${near}\`?` : ''}`, e.loc, `one of: ${spec.values.join(', ')}`),
          );
        }
        return;
      }
      case 'string':
        if (e.kind !== 'string') this.out.push(diag('DMA301', `\`${spec.name}\` must be a string in double quotes`, e.loc));
        return;
      case 'size':
      case 'u64':
      case 'int':
        if (e.kind === 'string' || e.kind === 'bdf' || e.kind === 'pciid') {
          this.out.push(diag('DMA301', `\`${spec.name}\` must be a number${spec.kind === 'size' ? ' or a size like 4K' : ''}`, e.loc));
          return;
        }
        this.expr(e);
        return;
      case 'ref':
      case 'expr':
        if (e.kind === 'ident' && spec.values?.includes(e.name)) return;
        this.expr(e);
    }
  }

  private outcome(op: string, allowed: readonly string[], o: Outcome): void {
    const kinds = new Set<string>(allowed);
    if (kinds.has('iova') || kinds.has('value')) {
      kinds.add('iova');
      kinds.add('value');
    }
    if (!['ok', 'error', 'fault', 'iova', 'value', 'bytes'].includes(o.kind)) {
      const near = suggest(o.kind, ['ok', 'error', 'fault', 'iova', 'value', 'bytes']);
      this.out.push(diag('DMA209', `unknown outcome \`${o.kind}\`${near ? `, did you mean \`${near}\`?` : ''}`, o.kindLoc, 'outcomes: ok, error ERRNO, fault, iova ADDR, value V, bytes PATTERN'));
      return;
    }
    if (!kinds.has(o.kind)) {
      this.out.push(diag('DMA209', `\`${op}\` never produces \`${o.kind}\``, o.kindLoc, `it can produce: ${[...kinds].join(', ')}`));
      return;
    }
    const pos = o.args.filter((a): a is Extract<Arg, { kind: 'positional' }> => a.kind === 'positional');
    switch (o.kind) {
      case 'error': {
        const e = pos[0]?.value;
        if (!e || e.kind !== 'ident') {
          this.out.push(diag('DMA303', '`error` must name an errno, e.g. `error EEXIST`', o.kindLoc));
        } else if (!ERRNO_NAMES.has(e.name)) {
          const near = suggest(e.name, ERRNO_NAMES);
          this.out.push(diag('DMA210', `\`${e.name}\` is not an errno name${near ? `, did you mean \`${near}\`?` : ''}`, e.loc));
        }
        if (pos.length > 1) this.out.push(diag('DMA303', '`error` takes one errno', pos[1]!.loc));
        return;
      }
      case 'iova':
      case 'value':
        if (pos.length !== 1) this.out.push(diag('DMA303', `\`${o.kind}\` takes exactly one value, e.g. \`${o.kind} 0xffff_f000\``, o.kindLoc));
        else this.expr(pos[0]!.value);
        return;
      case 'bytes':
        if (!o.bytes || o.bytes.pattern.length === 0) this.out.push(diag('DMA303', '`bytes` needs a pattern of hex digits and `*`', o.kindLoc));
        else if (o.bytes.pattern.length % 2 !== 0) this.out.push(diag('DMA303', 'a `bytes` pattern must have two nibbles per byte', o.bytes.loc));
        return;
      case 'fault':
        for (const a of o.args) {
          if (a.kind === 'named' && a.key !== 'reason' && a.key !== 'addr' && a.key !== 'level') {
            this.out.push(diag('DMA303', `\`fault\` checks \`reason=\`, \`addr=\` and \`level=\`, not \`${a.key}\``, a.keyLoc));
          } else if (a.kind === 'positional' && !(a.value.kind === 'ident' && (a.value.name === 'read' || a.value.name === 'write'))) {
            this.out.push(diag('DMA303', '`fault` takes `read`/`write`, `reason=`, `addr=` and `level=`', a.loc));
          } else if (a.kind === 'named' && a.key === 'reason' && a.value.kind === 'ident' && !this.bound.has(a.value.name)) {
            // a word: the check a page-table walk failed (`reason=no-write`)
          } else if (a.kind === 'named') this.expr(a.value);
        }
        return;
      case 'ok':
        if (o.args.length > 0) this.out.push(diag('DMA303', '`ok` takes no arguments', o.args[0]!.loc));
    }
  }

  private bdf(e: Extract<Expr, { kind: 'bdf' }>): void {
    if (!this.unlisted && !this.devices.has(bdfKey(e))) {
      this.out.push(diag('DMA206', `no device ${e.text} in the topology`, e.loc, 'declare it in the topology block'));
    }
  }

  expr(e: Expr): void {
    switch (e.kind) {
      case 'ident':
        if (!this.bound.has(e.name)) {
          const near = suggest(e.name, this.bound);
          this.out.push(diag('DMA202', `\`${e.name}\` is not bound${near ? `, did you mean \`${near}\`?` : ''}`, e.loc, 'bind it earlier with `name = op …` or `=> … as name`'));
        }
        return;
      case 'bdf':
        this.bdf(e);
        return;
      case 'binary':
        this.expr(e.left);
        this.expr(e.right);
        return;
      case 'call': {
        const q = queryRegistry.get(e.fn);
        if (!q) {
          const near = suggest(e.fn, queryRegistry.keys());
          this.out.push(diag('DMA205', `unknown function \`${e.fn}\`${near ? `, did you mean \`${near}\`?` : ''}`, e.fnLoc, `functions: ${[...queryRegistry.keys()].join(', ')}`));
        } else if (q.spec.args.length !== e.args.length) {
          this.out.push(diag('DMA302', `\`${e.fn}\` takes ${q.spec.args.length} argument(s), got ${e.args.length}`, e.loc, `signature: ${signature(e.fn, q.spec.args)}`));
        }
        for (const a of e.args) this.expr(a);
        return;
      }
      default:
    }
  }
}
