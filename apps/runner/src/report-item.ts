import type { ScenarioFile } from './discover.js';
import type { ScenarioResult, StepResult } from './engine-port.js';

/** One scenario (one variant of one file) as the reporters see it. */
export interface ReportItem {
  readonly file: ScenarioFile;
  /** The file's text, for code frames; empty when it could not be read. */
  readonly source: string;
  /** The engine's result; narrowed to the selected step for `file.dma:LINE`. */
  readonly result: ScenarioResult;
  /** `path [variant] — title`, what --filter matches. */
  readonly label: string;
  /** The step that contains the `:LINE` of a `file.dma:LINE` argument. */
  readonly step?: StepResult;
  /** A runner-level reason the file could not run (unreadable file); status is then 'error'. */
  readonly problem?: string;
}

export function labelOf(
  file: ScenarioFile,
  result: Pick<ScenarioResult, 'variant' | 'title'>,
  step?: StepResult,
): string {
  let label = file.line === undefined ? file.path : `${file.path}:${file.line}`;
  if (result.variant !== undefined && result.variant !== '') label += ` [${result.variant}]`;
  if (result.title !== undefined && result.title !== '') label += ` — ${result.title}`;
  if (step !== undefined) label += ` > ${step.title}`;
  return label;
}
