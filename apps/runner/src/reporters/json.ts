import type { ReportItem } from '../report-item.js';
import { wholeDocumentReporter } from './reporter.js';
import type { Reporter, ReporterContext } from './reporter.js';

/** Version of the JSON document's shape; bumped on any incompatible change. */
export const JSON_REPORT_VERSION = 1;

/** One JSON document with every result, written when the run ends; the summary line goes to stderr. */
export function jsonReporter(ctx: ReporterContext): Reporter {
  return wholeDocumentReporter(ctx, (items, end) => {
    const doc = {
      dmasimReport: JSON_REPORT_VERSION,
      summary: {
        passed: end.summary.passed,
        failed: end.summary.failed,
        skipped: end.summary.skipped,
        byStatus: end.summary.byStatus,
      },
      interrupted: end.interrupted,
      ...(end.internalError === undefined ? {} : { internalError: end.internalError }),
      results: items.map(toJson),
    };
    return JSON.stringify(doc, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2);
  });
}

function toJson(item: ReportItem): Record<string, unknown> {
  const r = item.result;
  return {
    path: item.file.path,
    ...(item.file.line === undefined ? {} : { line: item.file.line }),
    label: item.label,
    ...(r.variant === undefined ? {} : { variant: r.variant }),
    ...(r.title === undefined ? {} : { title: r.title }),
    status: r.status,
    durationMs: r.durationMs,
    ...(item.step === undefined ? {} : { step: item.step }),
    ...(item.problem === undefined ? {} : { problem: item.problem }),
    ...(r.skipReason === undefined ? {} : { skipReason: r.skipReason }),
    ...(r.xfailReason === undefined ? {} : { xfailReason: r.xfailReason }),
    diagnostics: r.diagnostics,
    failures: r.failures,
    steps: r.steps,
    log: r.log,
    ...(r.output === undefined ? {} : { output: r.output }),
  };
}
