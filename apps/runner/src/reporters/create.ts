import type { ReporterName } from '../options.js';
import { defaultReporter } from './default.js';
import { dotReporter } from './dot.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import type { Reporter, ReporterContext } from './reporter.js';
import { tapReporter } from './tap.js';

const factories: Readonly<Record<ReporterName, (ctx: ReporterContext) => Reporter>> = {
  default: defaultReporter,
  dot: dotReporter,
  json: jsonReporter,
  tap: tapReporter,
  junit: junitReporter,
};

/** Machine-readable reporters never colour their output, whatever the terminal. */
export function isMachineReadable(name: ReporterName): boolean {
  return name === 'json' || name === 'tap' || name === 'junit';
}

export function createReporter(name: ReporterName, ctx: ReporterContext): Reporter {
  return factories[name](ctx);
}
