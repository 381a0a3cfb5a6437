import type { ScenarioStatus } from '../engine-port.js';
import { detailLines, headerLine } from '../render-failure.js';
import type { ReportItem } from '../report-item.js';
import { formatSummary, outcomeOf } from '../status.js';
import type { Reporter, ReporterContext } from './reporter.js';

export const dotChar: Readonly<Record<ScenarioStatus, string>> = {
  pass: '.',
  fail: 'F',
  xfail: 'x',
  xpass: 'X',
  skip: 's',
  error: 'E',
};

const WIDTH = 80;

/** One character per scenario (wrapped at 80), then the details of those that failed, then the summary. */
export function dotReporter(ctx: ReporterContext): Reporter {
  const failed: ReportItem[] = [];
  let column = 0;
  return {
    onStart() {
      // nothing before the first result
    },
    onResult(item) {
      const ch = dotChar[item.result.status];
      const painted =
        outcomeOf(item.result.status) === 'failed'
          ? ctx.palette.red(ch)
          : item.result.status === 'pass'
            ? ctx.palette.green(ch)
            : ctx.palette.yellow(ch);
      ctx.out.write(column > 0 && column % WIDTH === 0 ? `\n${painted}` : painted);
      column++;
      if (outcomeOf(item.result.status) === 'failed') failed.push(item);
    },
    onEnd(end) {
      const lines: string[] = [];
      if (column > 0) lines.push('');
      for (const item of failed) lines.push(headerLine(item, ctx), ...detailLines(item, ctx));
      lines.push(formatSummary(end.summary, ctx.palette));
      ctx.out.write(lines.join('\n') + '\n');
    },
  };
}
