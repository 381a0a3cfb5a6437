import type { Palette } from './color.js';
import type { ScenarioStatus } from './engine-port.js';

/** The word each status prints as, lit/kselftest style. */
export const statusWord: Readonly<Record<ScenarioStatus, string>> = {
  pass: 'PASS',
  fail: 'FAIL',
  xfail: 'XFAIL',
  xpass: 'XPASS',
  skip: 'SKIP',
  error: 'ERROR',
};

/** xfail counts as passed; xpass and error count as failed; skip is counted on its own. */
export function outcomeOf(status: ScenarioStatus): 'passed' | 'failed' | 'skipped' {
  switch (status) {
    case 'pass':
    case 'xfail':
      return 'passed';
    case 'skip':
      return 'skipped';
    case 'fail':
    case 'xpass':
    case 'error':
      return 'failed';
  }
}

export interface Summary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly byStatus: Readonly<Record<ScenarioStatus, number>>;
}

export function summarize(statuses: readonly ScenarioStatus[]): Summary {
  const byStatus: Record<ScenarioStatus, number> = {
    pass: 0,
    fail: 0,
    xfail: 0,
    xpass: 0,
    skip: 0,
    error: 0,
  };
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const s of statuses) {
    byStatus[s]++;
    totals[outcomeOf(s)]++;
  }
  return { ...totals, byStatus };
}

/** The last line of a run: `N passed, N failed`, then `, N skipped` only when something was skipped. */
export function formatSummary(s: Summary, p?: Palette): string {
  const paint = (n: number, text: string, color: keyof Palette): string =>
    p !== undefined && n > 0 ? p[color](text) : text;
  const parts = [
    paint(s.passed, `${s.passed} passed`, 'green'),
    paint(s.failed, `${s.failed} failed`, 'red'),
  ];
  if (s.skipped > 0) parts.push(paint(s.skipped, `${s.skipped} skipped`, 'yellow'));
  return parts.join(', ');
}

export function paintStatus(status: ScenarioStatus, p: Palette): string {
  const word = statusWord[status];
  switch (outcomeOf(status)) {
    case 'passed':
      return status === 'xfail' ? p.yellow(word) : p.green(word);
    case 'failed':
      return p.red(word);
    case 'skipped':
      return p.yellow(word);
  }
}
