// Test support (not built into dist): a scripted engine, simple formatters and an in-memory CliIo.
import type { Diagnostic, Engine, Failure, Loc, ScenarioResult } from '../engine-port.js';
import type { CliIo } from '../io.js';

export function loc(line: number, column: number, endColumn = column + 1): Loc {
  return {
    startOffset: 0,
    endOffset: 0,
    startLine: line,
    startColumn: column,
    endLine: line,
    endColumn,
  };
}

export function span(startLine: number, endLine: number): Loc {
  return { startOffset: 0, endOffset: 0, startLine, startColumn: 1, endLine, endColumn: 2 };
}

export function result(uri: string, over: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    uri,
    status: 'pass',
    durationMs: 3,
    diagnostics: [],
    failures: [],
    log: [],
    steps: [],
    ...over,
  };
}

export function failure(over: Partial<Failure> & Pick<Failure, 'message' | 'loc'>): Failure {
  return over;
}

export function diagnostic(code: string, message: string, at: Loc): Diagnostic {
  return { code, severity: 'error', message, loc: at, notes: [] };
}

/** `path:line:col: error[CODE]: message` — the fake formatDiagnostic. */
export function fakeFormatDiagnostic(
  d: Diagnostic,
  _source: string,
  path: string,
  opts?: { color?: boolean },
): string {
  const text = `${path}:${d.loc.startLine}:${d.loc.startColumn}: ${d.severity}[${d.code}]: ${d.message}`;
  return opts?.color === true ? `<color>${text}</color>` : text;
}

/** `> N | <source line>` then a caret line — the fake formatCodeFrame. */
export function fakeFormatCodeFrame(source: string, at: Loc, opts?: { color?: boolean }): string {
  const line = source.split('\n')[at.startLine - 1] ?? '';
  const frame = `> ${at.startLine} | ${line}\n    | ${' '.repeat(at.startColumn - 1)}${'^'.repeat(Math.max(1, at.endColumn - at.startColumn))}\n`;
  return opts?.color === true ? `<color>${frame}</color>` : frame;
}

export type Script = Readonly<Record<string, readonly ScenarioResult[] | Error>>;

/** An engine that returns the canned results scripted for each uri (all variants, or the one asked for). */
export function fakeEngine(
  script: Script,
  extra: Partial<Engine> = {},
): Engine & { readonly calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    runScenario(_source, uri, opts) {
      calls.push(opts?.variant === undefined ? uri : `${uri} [${opts.variant}]`);
      const r = script[uri];
      if (r instanceof Error) throw r;
      const all = r ?? [result(uri)];
      return opts?.variant === undefined ? all : all.filter((x) => x.variant === opts.variant);
    },
    formatDiagnostic: fakeFormatDiagnostic,
    formatCodeFrame: fakeFormatCodeFrame,
    diagnosticCodes: {
      DMA102: {
        title: 'missing outcome after `=>`',
        explanation: 'An arrow must be followed by an outcome.\nWrite `=> ok`.',
      },
      DMA201: { title: 'unknown op', explanation: 'The op name is not in the registry.' },
    },
    ...extra,
  };
}

export interface MemoryIo extends CliIo {
  out(): string;
  err(): string;
}

export function memoryIo(cwd: string, over: Partial<CliIo> = {}): MemoryIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd,
    env: {},
    isTTY: false,
    ...over,
    out: () => out,
    err: () => err,
  };
}
