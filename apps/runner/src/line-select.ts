import type { Failure, ScenarioResult, StepResult } from './engine-port.js';

/**
 * `file.dma:LINE`: the whole file has run (steps share machine state, so a step
 * cannot run alone); narrow the verdict to the step that contains LINE.
 * - LINE outside every step, or a file that is SKIP/ERROR/XFAIL/XPASS: reported whole.
 * - The step passed: PASS, whatever later steps did.
 * - The step failed: FAIL with only the failures located inside it.
 * - The step did not run: FAIL, saying so, followed by the earlier failures that stopped it.
 */
export function focusOnLine(
  result: ScenarioResult,
  line: number,
): { readonly result: ScenarioResult; readonly step?: StepResult } {
  const step = result.steps.find((s) => s.loc.startLine <= line && line <= s.loc.endLine);
  if (step === undefined) return { result };
  if (result.status !== 'pass' && result.status !== 'fail') return { result, step };
  const inside = result.failures.filter(
    (f) => step.loc.startLine <= f.loc.startLine && f.loc.startLine <= step.loc.endLine,
  );
  if (step.status === 'not-run') {
    const notRun: Failure = {
      message: `step "${step.title}" did not run: an earlier statement failed`,
      loc: step.loc,
    };
    return { result: { ...result, status: 'fail', failures: [notRun, ...result.failures] }, step };
  }
  const failed = step.status === 'fail' || inside.length > 0;
  return {
    result: { ...result, status: failed ? 'fail' : 'pass', failures: failed ? inside : [] },
    step,
  };
}
