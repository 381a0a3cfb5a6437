import { Machine } from '@dmasim/machine';
import { parse, type Diagnostic, type Expr, type Loc, type Outcome, type ScenarioFile, type Stmt, type VariantLine } from '@dmasim/scenario-dsl';
import { machineConfig, machineErrorDiagnostic } from './config.js';
import { evaluate } from './evaluate.js';
import { compareDiagnosticsToExpected, expectedDiagnostics } from './expected-diagnostics.js';
import { bytesHex, bytesMatch, describeResult, type OpResult } from './op-result.js';
import { opRegistry } from './registry.js';
import { pgtableFailureState } from './pgtable-state.js';
import type { Failure, RunOptions, ScenarioResult, StepResult } from './result.js';
import { validateScenario } from './validate.js';
import { ScenarioError, formatValue, valuesEqual, type Value } from './values.js';

/**
 * Parses, validates and runs one scenario file: once, or once per `variant`.
 * Never throws: parse errors, configuration errors and failed expectations all
 * come back as results.
 */
export function runScenario(source: string, uri: string, opts: RunOptions = {}): ScenarioResult[] {
  const t0 = performance.now();
  const { file, diagnostics } = parse(source, uri);
  const all: Diagnostic[] = [...diagnostics];
  if (!diagnostics.some((d) => d.severity === 'error')) all.push(...validateScenario(file));
  const title = file.header.title?.value;

  const expected = expectedDiagnostics(source);
  if (expected.size > 0) {
    // A file that tests the language's diagnostics: it passes when exactly the annotated ones appear.
    if (!diagnostics.some((d) => d.severity === 'error')) all.push(...bootDiagnostics(file));
    const { missing, unexpected } = compareDiagnosticsToExpected(expected, all);
    const failures: Failure[] = [
      ...missing.map((m) => ({ message: `expected diagnostic ${m} was not reported`, loc: file.loc })),
      ...unexpected.map((d) => ({ message: `unexpected diagnostic ${d.code}: ${d.message}`, loc: d.loc })),
    ];
    return [result(uri, title, undefined, failures.length ? 'fail' : 'pass', t0, all, failures, [], [])];
  }
  if (all.some((d) => d.severity === 'error')) return [result(uri, title, undefined, 'error', t0, all, [], [], [])];

  const variants: (VariantLine | undefined)[] = file.header.variants.length ? file.header.variants : [undefined];
  const out: ScenarioResult[] = [];
  for (const v of variants) {
    if (opts.variant !== undefined && v?.name !== opts.variant) continue;
    out.push(runOne(file, uri, v, all));
  }
  return out;
}

function bootDiagnostics(file: ScenarioFile): Diagnostic[] {
  const { errors } = Machine.boot(machineConfig(file));
  return errors.map((e) => machineErrorDiagnostic(file, e));
}

function result(
  uri: string,
  title: string | undefined,
  variant: string | undefined,
  status: ScenarioResult['status'],
  t0: number,
  diagnostics: readonly Diagnostic[],
  failures: readonly Failure[],
  log: readonly string[],
  steps: readonly StepResult[],
  extra: { skipReason?: string; xfailReason?: string; output?: readonly string[] } = {},
): ScenarioResult {
  return {
    uri,
    ...(title !== undefined ? { title } : {}),
    ...(variant !== undefined ? { variant } : {}),
    status,
    durationMs: performance.now() - t0,
    diagnostics,
    failures,
    log,
    steps,
    ...extra,
  };
}

function runOne(file: ScenarioFile, uri: string, variant: VariantLine | undefined, diags: readonly Diagnostic[]): ScenarioResult {
  const t0 = performance.now();
  const title = file.header.title?.value;
  const cfg = machineConfig(file, variant);
  for (const r of file.header.requires) {
    const want = r.value === undefined ? '' : r.value.kind === 'string' ? r.value.value : 'text' in r.value ? r.value.text : r.value.kind === 'ident' ? r.value.name : '';
    const have = r.key === 'kernel' ? cfg.release : cfg.platform.name;
    if (!want.split('|').includes(have)) {
      return result(uri, title, variant?.name, 'skip', t0, diags, [], [], [], { skipReason: `requires ${r.key}=${want}, this run has ${have}` });
    }
  }
  const booted = Machine.boot(cfg);
  if (!booted.machine) {
    return result(uri, title, variant?.name, 'error', t0, [...diags, ...booted.errors.map((e) => machineErrorDiagnostic(file, e))], [], [], []);
  }
  const m = booted.machine;
  const runner = new StatementRunner(m);
  const steps: StepResult[] = [];
  let failure: Failure | undefined;
  for (const s of file.body) {
    if (failure) {
      if (s.kind === 'step') steps.push({ title: s.title, loc: s.loc, status: 'not-run' });
      continue;
    }
    if (s.kind === 'step') {
      for (const inner of s.body) {
        failure = runner.run(inner);
        if (failure) break;
      }
      steps.push({ title: s.title, loc: s.loc, status: failure ? 'fail' : 'pass' });
    } else {
      failure = runner.run(s);
    }
  }
  const failures = failure ? [failure] : [];
  const xfail = file.header.xfail?.value;
  const status = xfail !== undefined ? (failure ? 'xfail' : 'xpass') : failure ? 'fail' : 'pass';
  const extra = { ...(xfail !== undefined ? { xfailReason: xfail } : {}), ...(runner.output.length ? { output: runner.output } : {}) };
  return result(uri, title, variant?.name, status, t0, diags, failures, [...m.log.lines], steps, extra);
}

class StatementRunner {
  readonly vars = new Map<string, Value>();
  /** Lines operations printed (`pgtable.dump`), in order. */
  readonly output: string[] = [];
  constructor(private readonly m: Machine) {}

  run(s: Stmt): Failure | undefined {
    try {
      switch (s.kind) {
        case 'op':
          return this.op(s);
        case 'expect-compare': {
          const l = this.eval(s.left);
          const r = this.eval(s.right);
          const eq = valuesEqual(l, r);
          if (eq === (s.op === '==')) return undefined;
          // `expect <computed> == <expected>`: the right-hand side states what should be.
          return {
            message: `expect ${s.op === '==' ? 'equal' : 'different'} values`,
            loc: s.loc,
            expected: s.op === '==' ? formatValue(r) : `anything but ${formatValue(r)}`,
            actual: formatValue(l),
            ...pgtableFailureState(this.varsIn(s.left, s.right)),
          };
        }
        case 'expect-log': {
          const found = this.m.log.lines.includes(s.text);
          if (found !== s.negate) return undefined;
          return {
            message: s.negate ? 'the kernel log has a line it must not have' : 'the kernel log lacks a line',
            loc: s.textLoc,
            expected: s.negate ? `no line ${JSON.stringify(s.text)}` : JSON.stringify(s.text),
            actual: s.negate ? 'the line is present' : closestLine(this.m.log.lines, s.text),
            state: this.m.log.lines.slice(-8).map((l) => `log: ${l}`),
          };
        }
        case 'step':
          return { message: 'steps cannot nest', loc: s.loc };
      }
    } catch (e) {
      if (e instanceof ScenarioError) return { message: e.message, loc: s.loc, why: e.why };
      const msg = e instanceof Error ? e.message : String(e);
      return { message: `internal error while running this statement: ${msg}`, loc: s.loc, why: ['this is a dmasim bug: please report it with the scenario'] };
    }
  }

  private eval(e: Expr): Value {
    return evaluate(e, this.m, this.vars);
  }

  /** Values of the variables an expression names (to explain a failed `expect`). */
  private varsIn(...es: Expr[]): Value[] {
    const out: Value[] = [];
    const visit = (e: Expr): void => {
      if (e.kind === 'ident') {
        const v = this.vars.get(e.name);
        if (v !== undefined) out.push(v);
      } else if (e.kind === 'call') e.args.forEach(visit);
      else if (e.kind === 'binary') {
        visit(e.left);
        visit(e.right);
      }
    };
    es.forEach(visit);
    return out;
  }

  private op(s: Extract<Stmt, { kind: 'op' }>): Failure | undefined {
    const reg = opRegistry.get(s.op)!;
    const args: Record<string, Value | undefined> = {};
    const lists: Record<string, Value[]> = {};
    const positional = reg.spec.args.filter((a) => !a.named);
    let pi = 0;
    for (const a of s.args) {
      if (a.kind === 'named') args[a.key] = this.eval(a.value);
      else {
        const spec = positional[pi]!;
        if (!spec.variadic) pi++;
        const v = this.eval(a.value);
        args[spec.name] = v;
        (lists[spec.name] ??= []).push(v);
      }
    }
    const r = reg.run({ m: this.m, args, lists, print: (l) => this.output.push(l) });
    const f = this.check(s.outcome, r, s.loc, s.op);
    if (f) return f.state ? f : { ...f, ...pgtableFailureState(Object.values(args)) };
    const value = r.kind === 'ok' ? r.value : undefined;
    if (s.bind) {
      if (value === undefined) return { message: `\`${s.op}\` produced no value to bind to \`${s.bind.name}\``, loc: s.bind.loc, actual: describeResult(r) };
      this.vars.set(s.bind.name, value);
    }
    if (s.outcome?.as) {
      if (value === undefined) return { message: `nothing to bind to \`${s.outcome.as.name}\``, loc: s.outcome.as.loc, actual: describeResult(r) };
      this.vars.set(s.outcome.as.name, value);
    }
    return undefined;
  }

  private check(o: Outcome | undefined, r: OpResult, loc: Loc, op: string): Failure | undefined {
    const fail = (expected: string): Failure => ({
      message: `\`${op}\` did not do what the scenario expects`,
      loc: o?.loc ?? loc,
      expected,
      actual: describeResult(r),
      ...(r.why?.length ? { why: r.why } : {}),
      ...('state' in r && r.state?.length ? { state: r.state } : {}),
    });
    if (!o) return r.kind === 'error' || r.kind === 'fault' ? fail('success (no outcome written)') : undefined;
    const pos = o.args.flatMap((a) => (a.kind === 'positional' ? [a.value] : []));
    switch (o.kind) {
      case 'ok':
        return r.kind === 'ok' || r.kind === 'bytes' ? undefined : fail('ok');
      case 'error': {
        const want = pos[0]?.kind === 'ident' ? pos[0].name : '?';
        return r.kind === 'error' && r.errno === want ? undefined : fail(`error ${want}`);
      }
      case 'iova':
      case 'value': {
        const want = this.eval(pos[0]!);
        return r.kind === 'ok' && r.value !== undefined && valuesEqual(r.value, want) ? undefined : fail(`${o.kind} ${formatValue(want)}`);
      }
      case 'bytes': {
        const pattern = o.bytes?.pattern ?? '';
        if (r.kind !== 'bytes') return fail(`bytes ${pattern}`);
        const mt = bytesMatch(pattern, r.bytes);
        if (mt.ok) return undefined;
        const f = fail(`bytes ${groupPattern(pattern)}`);
        return { ...f, actual: `bytes ${bytesHex(r.bytes)}${mt.at !== undefined ? ` (first difference at byte ${mt.at})` : ''}` };
      }
      case 'fault': {
        if (r.kind !== 'fault') return fail('fault');
        for (const a of o.args) {
          if (a.kind === 'positional' && a.value.kind === 'ident' && (a.value.name === 'write') !== r.write) return fail(`fault on a ${a.value.name}`);
          if (a.kind === 'named') {
            // reason= is the hardware code (device DMA) or the failed check's word (page-table walk)
            const v = this.eval(a.value);
            const have = a.key === 'reason' ? (typeof r.reason === 'number' ? BigInt(r.reason) : r.reason) : a.key === 'level' ? (r.level === undefined ? undefined : BigInt(r.level)) : r.addr;
            if (v !== have) return fail(`fault ${a.key}=${typeof v === 'string' ? v : formatValue(v)}`);
          }
        }
        return undefined;
      }
      default:
        return fail(o.kind);
    }
  }
}

function groupPattern(p: string): string {
  return p.replace(/(.{8})(?=.)/g, '$1 ');
}

/** The log line most like the expected one, to show beside a failed `expect log`. */
function closestLine(lines: readonly string[], want: string): string {
  if (lines.length === 0) return 'the log is empty';
  let best = lines[0]!;
  let bestScore = -1;
  for (const l of lines) {
    let i = 0;
    while (i < l.length && i < want.length && l[i] === want[i]) i++;
    if (i > bestScore) {
      bestScore = i;
      best = l;
    }
  }
  return `closest line: ${JSON.stringify(best)}`;
}
