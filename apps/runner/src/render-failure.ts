import type { Palette } from './color.js';
import type { Engine, Failure } from './engine-port.js';
import type { ReportItem } from './report-item.js';
import { paintStatus } from './status.js';

export type Formatters = Pick<Engine, 'formatDiagnostic' | 'formatCodeFrame'>;

export interface RenderContext {
  readonly formatters: Formatters;
  readonly palette: Palette;
  readonly color: boolean;
}

/** `PASS scenarios/boot/x.dma [variant] — title (3 ms)`, with the skip/xfail reason where there is one. */
export function headerLine(item: ReportItem, ctx: RenderContext): string {
  const r = item.result;
  const word = paintStatus(r.status, ctx.palette);
  if (r.status === 'skip')
    return `${word} ${item.label} (skipped${r.skipReason === undefined ? '' : `: ${r.skipReason}`})`;
  const ms = `${Math.round(r.durationMs)} ms`;
  if ((r.status === 'xfail' || r.status === 'xpass') && r.xfailReason !== undefined)
    return `${word} ${item.label} (${ms}; xfail: ${r.xfailReason})`;
  return `${word} ${item.label} (${ms})`;
}

/**
 * A failing expectation:
 *   path:line:col: expectation failed: message
 *   <code frame>
 *     expected: …
 *     actual:   …
 *     why: …      (one line each)
 *     state: …    (one line each)
 */
export function renderFailure(
  f: Failure,
  path: string,
  source: string,
  ctx: RenderContext,
): string[] {
  const p = ctx.palette;
  const lines = [
    `${p.bold(`${path}:${f.loc.startLine}:${f.loc.startColumn}:`)} ${p.red('expectation failed:')} ${f.message}`,
  ];
  if (source !== '')
    lines.push(...splitLines(ctx.formatters.formatCodeFrame(source, f.loc, { color: ctx.color })));
  if (f.expected !== undefined) lines.push(`  expected: ${p.green(f.expected)}`);
  if (f.actual !== undefined) lines.push(`  actual:   ${p.red(f.actual)}`);
  for (const w of f.why ?? []) lines.push(`  why: ${w}`);
  for (const s of f.state ?? []) lines.push(`  state: ${s}`);
  return lines;
}

/** What follows the header line of a scenario that did not pass; nothing for PASS, XFAIL and SKIP. */
export function detailLines(item: ReportItem, ctx: RenderContext): string[] {
  const r = item.result;
  const lines: string[] = [];
  if (item.problem !== undefined) lines.push(`${item.file.path}: error: ${item.problem}`);
  if (r.status === 'error') {
    for (const d of r.diagnostics)
      lines.push(
        ...splitLines(
          ctx.formatters.formatDiagnostic(d, item.source, item.file.path, { color: ctx.color }),
        ),
      );
  }
  if (r.status === 'fail' || r.status === 'error') {
    for (const f of r.failures) lines.push(...renderFailure(f, item.file.path, item.source, ctx));
  }
  if (r.status === 'xpass') {
    const why = r.xfailReason === undefined ? 'marked xfail' : `marked xfail ("${r.xfailReason}")`;
    lines.push(
      `${item.file.path}: unexpectedly passed: ${why} but every expectation held; if the bug is fixed, remove the xfail line`,
    );
  }
  return lines;
}

function splitLines(text: string): string[] {
  const trimmed = text.replace(/\n+$/, '');
  return trimmed === '' ? [] : trimmed.split('\n');
}
