import type { Diagnostic, Loc } from '@dmasim/scenario-dsl';

/** Outcome of one scenario run (one variant of one file). Statuses follow lit/kselftest. */
export type ScenarioStatus = 'pass' | 'fail' | 'xfail' | 'xpass' | 'skip' | 'error';

export interface Failure {
  /** One line: what was checked. */
  readonly message: string;
  /** Where in the scenario file. */
  readonly loc: Loc;
  readonly expected?: string;
  readonly actual?: string;
  /** Why it happened: the walk that faulted, the mapping that overlapped… */
  readonly why?: readonly string[];
  /** A short excerpt of machine state relevant to the failure. */
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
  /** Parse and validation diagnostics; any error makes the status 'error' (unless the file expects them). */
  readonly diagnostics: readonly Diagnostic[];
  readonly failures: readonly Failure[];
  readonly skipReason?: string;
  readonly xfailReason?: string;
  /** The simulated kernel log of this run, in order. */
  readonly log: readonly string[];
  readonly steps: readonly StepResult[];
  /** What operations printed for the reader, in order (e.g. `pgtable.dump` tables and diffs). */
  readonly output?: readonly string[];
}

export interface RunOptions {
  /** Only run this variant (by name). */
  readonly variant?: string;
}
