/**
 * What the runner needs from the engine and the DSL, as one injectable object.
 *
 * The result and diagnostic types are the engine's and the DSL's own; tests inject
 * a scripted engine through this interface.
 */

export type { Diagnostic, DiagnosticCodeInfo, Loc } from '@dmasim/scenario-dsl';
export type {
  Failure,
  RunOptions,
  ScenarioResult,
  ScenarioStatus,
  StepResult,
} from '@dmasim/scenario-engine';
import type { Diagnostic, DiagnosticCodeInfo, Loc } from '@dmasim/scenario-dsl';
import type { RunOptions, ScenarioResult } from '@dmasim/scenario-engine';

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
