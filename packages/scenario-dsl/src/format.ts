/**
 * Rendering diagnostics for terminals: a `path:line:col: error[CODE]: message` header that
 * editors and CI annotators parse, a code frame with carets under the range, then hint and note
 * lines. Colour (ANSI) only when asked; the caller decides from TTY / NO_COLOR.
 */
import type { Loc } from './ast.js';
import type { Diagnostic } from './diagnostics.js';

const ESC = '\u001b[';
const style = {
  bold: (s: string) => `${ESC}1m${s}${ESC}22m`,
  dim: (s: string) => `${ESC}2m${s}${ESC}22m`,
  red: (s: string) => `${ESC}31m${s}${ESC}39m`,
  yellow: (s: string) => `${ESC}33m${s}${ESC}39m`,
  cyan: (s: string) => `${ESC}36m${s}${ESC}39m`,
};
const plain = (s: string): string => s;

export interface CodeFrameOptions {
  color?: boolean;
  /** Text printed after the carets. */
  label?: string;
}

/** Lines before and after the marked line. */
const CONTEXT = 1;

/**
 * The source lines around `loc` with the first line of the range marked by `>` and underlined
 * with `^`. A range spanning lines is underlined to the end of its first line; an empty range
 * gets one caret.
 */
export function formatCodeFrame(source: string, loc: Loc, opts: CodeFrameOptions = {}): string {
  const c = opts.color === true;
  const lines = source.split(/\r\n|\r|\n/);
  // the empty "line" after a final newline is only shown when the range points at it
  if (lines.length > 1 && lines[lines.length - 1] === '' && loc.startLine < lines.length) lines.pop();
  const target = Math.min(Math.max(loc.startLine, 1), lines.length);
  const first = Math.max(1, target - CONTEXT);
  const last = Math.min(lines.length, target + CONTEXT);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1] ?? '';
    const gutter = `${String(n).padStart(width)} |`;
    const marker = n === target ? (c ? style.red(style.bold(' > ')) : ' > ') : '   ';
    out.push(`${marker}${c ? style.dim(gutter) : gutter}${text === '' ? '' : ` ${text}`}`);
    if (n !== target) continue;
    const startCol = loc.startLine === target ? Math.max(1, loc.startColumn) : 1;
    const endCol = loc.endLine === loc.startLine ? loc.endColumn : text.length + 1;
    const count = Math.max(1, endCol - startCol);
    // keep tabs so the carets line up under tab-indented text
    const pad = text.slice(0, startCol - 1).replace(/[^\t]/g, ' ');
    const carets = '^'.repeat(count);
    const label = opts.label === undefined ? '' : ` ${opts.label}`;
    const mark = c ? style.red(style.bold(carets + label)) : carets + label;
    const emptyGutter = `${' '.repeat(width)} |`;
    out.push(`   ${c ? style.dim(emptyGutter) : emptyGutter} ${pad}${mark}`);
  }
  return out.join('\n');
}

export interface FormatOptions {
  color?: boolean;
}

/**
 * ```
 * scenarios/x.dma:12:43: error[DMA102]: expected an outcome after `=>` (…)
 *    11 |   buf = kmalloc 4K
 *  > 12 |   dma.map_single 00:02.0 buf 4K to-device =>
 *       |                                           ^^
 *    13 | }
 *   hint: …
 * scenarios/x.dma:10:1: note: …
 * ```
 */
export function formatDiagnostic(d: Diagnostic, source: string, path: string, opts: FormatOptions = {}): string {
  const c = opts.color === true;
  const s = c ? style : { bold: plain, dim: plain, red: plain, yellow: plain, cyan: plain };
  const where = `${path}:${d.loc.startLine}:${d.loc.startColumn}:`;
  const kind = d.severity === 'error' ? s.red(s.bold(`error[${d.code}]`)) : s.yellow(s.bold(`warning[${d.code}]`));
  const out = [`${s.bold(where)} ${kind}: ${s.bold(d.message)}`, formatCodeFrame(source, d.loc, { color: c })];
  if (d.hint !== undefined) out.push(`  ${s.cyan('hint')}: ${d.hint}`);
  for (const note of d.notes) {
    if (note.loc === undefined) out.push(`  ${s.cyan('note')}: ${note.message}`);
    else out.push(`${s.bold(`${path}:${note.loc.startLine}:${note.loc.startColumn}:`)} ${s.cyan('note')}: ${note.message}`);
  }
  return out.join('\n');
}
