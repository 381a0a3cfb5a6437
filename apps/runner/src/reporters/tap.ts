import type { Failure } from '../engine-port.js';
import type { ReportItem } from '../report-item.js';
import { formatSummary } from '../status.js';
import type { Reporter, ReporterContext } from './reporter.js';

/**
 * TAP version 14 (testanything.org/tap-version-14-specification): one test point
 * per scenario, YAML diagnostics (message, severity, at, expected, actual) under a
 * failing point, the plan at the end (the count is known only then). SKIP → `# SKIP`;
 * XFAIL → `not ok … # TODO` (a TODO failure does not fail the run); XPASS and
 * ERROR → plain `not ok`, matching dmasim's exit code.
 */
export function tapReporter(ctx: ReporterContext): Reporter {
  let n = 0;
  return {
    onStart() {
      ctx.out.write('TAP version 14\n');
    },
    onResult(item) {
      n++;
      ctx.out.write(testPoint(n, item).join('\n') + '\n');
    },
    onEnd(end) {
      if (end.internalError !== undefined)
        ctx.out.write(`Bail out! ${oneLine(end.internalError)}\n`);
      else if (end.interrupted) ctx.out.write('Bail out! interrupted\n');
      ctx.out.write(`1..${n}\n`);
      ctx.err.write(formatSummary(end.summary) + '\n');
    },
  };
}

function testPoint(n: number, item: ReportItem): string[] {
  const r = item.result;
  const desc = `${n} - ${escapeDescription(item.label)}`;
  switch (r.status) {
    case 'pass':
      return [`ok ${desc}`];
    case 'skip':
      return [
        `ok ${desc} # SKIP${r.skipReason === undefined ? '' : ` ${escapeDescription(r.skipReason)}`}`,
      ];
    case 'xfail':
      return [
        `not ok ${desc} # TODO${r.xfailReason === undefined ? '' : ` ${escapeDescription(r.xfailReason)}`}`,
      ];
    case 'xpass':
      return [
        `not ok ${desc}`,
        ...yamlBlock([
          [
            'message',
            `unexpectedly passed: marked xfail${r.xfailReason === undefined ? '' : ` ("${r.xfailReason}")`} but every expectation held`,
          ],
          ['severity', FAIL],
        ]),
      ];
    case 'fail':
      return [`not ok ${desc}`, ...yamlBlock(failureFields(item, r.failures))];
    case 'error':
      return [`not ok ${desc}`, ...yamlBlock(errorFields(item))];
  }
}

/** A tiny YAML model: scalars, sequences and maps, tagged so they cannot be confused. */
type Yaml =
  | string
  | number
  | { readonly plain: string }
  | { readonly seq: readonly Yaml[] }
  | { readonly map: readonly Field[] };
type Field = readonly [string, Yaml];

const seq = (items: readonly Yaml[]): Yaml => ({ seq: items });
const map = (fields: readonly Field[]): Yaml => ({ map: fields });
/** `severity: fail`, unquoted as TAP producers write it. */
const FAIL: Yaml = { plain: 'fail' };

function failureFields(item: ReportItem, failures: readonly Failure[]): Field[] {
  const duration: Field = ['duration_ms', Math.round(item.result.durationMs)];
  const first = failures[0];
  if (first === undefined) return [['message', 'failed'], ['severity', FAIL], duration];
  const fields: Field[] = [...oneFailure(item.file.path, first), duration];
  if (failures.length > 1)
    fields.push(['failures', seq(failures.map((f) => map(oneFailure(item.file.path, f))))]);
  return fields;
}

function oneFailure(path: string, f: Failure): Field[] {
  const fields: Field[] = [
    ['message', `expectation failed: ${f.message}`],
    ['severity', FAIL],
    [
      'at',
      map([
        ['file', path],
        ['line', f.loc.startLine],
        ['column', f.loc.startColumn],
      ]),
    ],
  ];
  if (f.expected !== undefined) fields.push(['expected', f.expected]);
  if (f.actual !== undefined) fields.push(['actual', f.actual]);
  if (f.why !== undefined && f.why.length > 0) fields.push(['why', seq(f.why)]);
  if (f.state !== undefined && f.state.length > 0) fields.push(['state', seq(f.state)]);
  return fields;
}

function errorFields(item: ReportItem): Field[] {
  const path = item.file.path;
  const diags = item.result.diagnostics;
  const first = diags[0];
  const fields: Field[] = [];
  if (item.problem !== undefined)
    fields.push(['message', item.problem], ['severity', FAIL], ['at', map([['file', path]])]);
  else if (first !== undefined) {
    fields.push(
      ['message', `${first.severity}[${first.code}]: ${first.message}`],
      ['severity', FAIL],
      [
        'at',
        map([
          ['file', path],
          ['line', first.loc.startLine],
          ['column', first.loc.startColumn],
        ]),
      ],
    );
  } else fields.push(['message', 'scenario could not run'], ['severity', FAIL]);
  if (diags.length > 0)
    fields.push([
      'diagnostics',
      seq(
        diags.map(
          (d) =>
            `${path}:${d.loc.startLine}:${d.loc.startColumn}: ${d.severity}[${d.code}]: ${d.message}`,
        ),
      ),
    ]);
  if (item.result.failures.length > 0)
    fields.push(['failures', seq(item.result.failures.map((f) => map(oneFailure(path, f))))]);
  return fields;
}

/** A YAML block indented two spaces under its test point, between `---` and `...`. */
function yamlBlock(fields: readonly Field[]): string[] {
  return ['  ---', ...yamlLines({ map: fields }, '  '), '  ...'];
}

function isScalar(v: Yaml): v is string | number | { readonly plain: string } {
  return typeof v === 'string' || typeof v === 'number' || 'plain' in v;
}

function yamlLines(
  value: { readonly seq: readonly Yaml[] } | { readonly map: readonly Field[] },
  indent: string,
): string[] {
  const lines: string[] = [];
  if ('map' in value) {
    for (const [key, v] of value.map) {
      if (isScalar(v)) lines.push(`${indent}${key}: ${scalar(v)}`);
      else lines.push(`${indent}${key}:`, ...yamlLines(v, `${indent}  `));
    }
    return lines;
  }
  for (const v of value.seq) {
    if (isScalar(v)) lines.push(`${indent}- ${scalar(v)}`);
    else {
      // a collection inside a sequence: its first line goes on the dash line
      const inner = yamlLines(v, `${indent}  `);
      lines.push(`${indent}- ${(inner[0] ?? '').trimStart()}`, ...inner.slice(1));
    }
  }
  return lines;
}

/** JSON strings are valid YAML double-quoted scalars. */
function scalar(v: string | number | { readonly plain: string }): string {
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? JSON.stringify(v) : v.plain;
}

function escapeDescription(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
