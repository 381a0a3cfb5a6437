/**
 * What the runner needs from the engine and the DSL, as one injectable object.
 *
 * The result and diagnostic types mirror `@dmasim/scenario-engine` (src/result.ts)
 * and `@dmasim/scenario-dsl` (Loc, Diagnostic) structurally, so the runner and its
 * tests build on their own; `default-engine.ts` adapts the real packages to this
 * interface and the compiler checks that they fit.
 */

/** A source range; lines and columns are 1-based, endOffset exclusive. */
export interface Loc {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly loc: Loc;
  readonly hint?: string;
  readonly notes: readonly { readonly message: string; readonly loc?: Loc }[];
}

export type ScenarioStatus = 'pass' | 'fail' | 'xfail' | 'xpass' | 'skip' | 'error';

export interface Failure {
  readonly message: string;
  readonly loc: Loc;
  readonly expected?: string;
  readonly actual?: string;
  readonly why?: readonly string[];
  readonly state?: readonly string[];
}

export interface StepResult {
  readonly title: string;
  readonly loc: Loc;
  readonly status: 'pass' | 'fail' | 'not-run';
}

export interface ScenarioResult {
  readonly uri: string;
  readonly title?: string;
  readonly variant?: string;
  readonly status: ScenarioStatus;
  readonly durationMs: number;
  readonly diagnostics: readonly Diagnostic[];
  readonly failures: readonly Failure[];
  readonly skipReason?: string;
  readonly xfailReason?: string;
  readonly log: readonly string[];
  readonly steps: readonly StepResult[];
}

export interface RunOptions {
  readonly variant?: string;
}

export interface DiagnosticCodeInfo {
  readonly title: string;
  readonly explanation: string;
}

/** What `dmasim list` shows for a file: read from the parse result, without running it. */
export interface ScenarioHeaderInfo {
  readonly title?: string;
  readonly variants: readonly string[];
}

export interface Engine {
  /** One result per variant (or one); documented never to throw — if it does, the runner exits with InternalError. */
  runScenario(source: string, uri: string, opts?: RunOptions): readonly ScenarioResult[];
  formatDiagnostic(d: Diagnostic, source: string, path: string, opts?: { color?: boolean }): string;
  formatCodeFrame(source: string, loc: Loc, opts?: { color?: boolean; label?: string }): string;
  /** Title and variant names from the file header; absent when no parser is available (then `list` prints paths only). */
  readHeader?(source: string, uri: string): ScenarioHeaderInfo;
  readonly diagnosticCodes: Readonly<Record<string, DiagnosticCodeInfo>>;
}

/** Loads the engine on first use, so `--help`, `--version` and usage errors stay instant. */
export type EngineLoader = () => Promise<Engine>;
