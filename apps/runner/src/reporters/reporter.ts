import type { RenderContext } from '../render-failure.js';
import type { ReportItem } from '../report-item.js';
import { formatSummary } from '../status.js';
import type { Summary } from '../status.js';

export interface Writer {
  write(chunk: string): unknown;
}

/** How a run ended, beyond the counts. */
export interface RunEnd {
  readonly summary: Summary;
  /** SIGINT stopped the run early. */
  readonly interrupted: boolean;
  /** The one-line internal error that stopped the run, if any. */
  readonly internalError?: string;
}

/**
 * Reporters stream: onStart once, onResult per scenario in run order, onEnd once
 * (also after an interrupt or an internal error). Machine-readable reporters write
 * only their document to `out` and the summary line to `err`.
 */
export interface Reporter {
  onStart(): void;
  onResult(item: ReportItem): void;
  onEnd(end: RunEnd): void;
}

export interface ReporterContext extends RenderContext {
  readonly out: Writer;
  readonly err: Writer;
}

/**
 * A machine-readable reporter that writes one document when the run ends (JSON, JUnit):
 * `render` gets every result in run order; the summary line goes to `err`.
 */
export function wholeDocumentReporter(
  ctx: ReporterContext,
  render: (items: readonly ReportItem[], end: RunEnd) => string,
): Reporter {
  const items: ReportItem[] = [];
  return {
    onStart() {
      // the document is written whole at the end
    },
    onResult(item) {
      items.push(item);
    },
    onEnd(end) {
      ctx.out.write(render(items, end) + '\n');
      ctx.err.write(formatSummary(end.summary) + '\n');
    },
  };
}
