import { detailLines, headerLine } from '../render-failure.js';
import { formatSummary } from '../status.js';
import type { Reporter, ReporterContext } from './reporter.js';

/** One line per scenario, failure details right under it, and the summary line last. */
export function defaultReporter(ctx: ReporterContext): Reporter {
  return {
    onStart() {
      // nothing before the first result
    },
    onResult(item) {
      const lines = [headerLine(item, ctx), ...detailLines(item, ctx)];
      ctx.out.write(lines.join('\n') + '\n');
    },
    onEnd(end) {
      ctx.out.write(formatSummary(end.summary, ctx.palette) + '\n');
    },
  };
}
