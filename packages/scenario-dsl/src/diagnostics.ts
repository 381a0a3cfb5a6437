/**
 * Diagnostics: a stable code, a message that says what to do, a source range and optional notes
 * pointing at related places. Codes DMA1xx are syntax (this package); DMA2xx (names) and DMA3xx
 * (types and units) are reserved for the scenario engine.
 */
import type { Loc } from './ast.js';

export interface DiagnosticNote {
  message: string;
  loc?: Loc;
}

export interface Diagnostic {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  loc: Loc;
  hint?: string;
  notes: DiagnosticNote[];
}

export interface DiagnosticCodeInfo {
  title: string;
  explanation: string;
}

export function error(
  code: string,
  message: string,
  loc: Loc,
  extra: { hint?: string; notes?: DiagnosticNote[] } = {},
): Diagnostic {
  const d: Diagnostic = { code, severity: 'error', message, loc, notes: extra.notes ?? [] };
  if (extra.hint !== undefined) d.hint = extra.hint;
  return d;
}

/** Source order; at the same place, lower codes first. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.loc.startOffset - b.loc.startOffset || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
