import { readFileSync } from 'node:fs';
import type { RunFlags } from '../args.js';
import { palette, useColor } from '../color.js';
import { discover } from '../discover.js';
import type { ScenarioFile } from '../discover.js';
import type {
  Engine,
  EngineLoader,
  RunOptions,
  ScenarioResult,
  ScenarioStatus,
} from '../engine-port.js';
import { ExitCode } from '../exit-codes.js';
import { formatInternalError } from '../internal-error.js';
import type { CliIo } from '../io.js';
import { loadEngine } from './load-engine.js';
import { focusOnLine } from '../line-select.js';
import { labelOf } from '../report-item.js';
import type { ReportItem } from '../report-item.js';
import { createReporter, isMachineReadable } from '../reporters/create.js';
import { selectShard } from '../shard.js';
import { outcomeOf, summarize } from '../status.js';
import { formatUsageError, usageError } from '../usage-error.js';

export interface RunInvocation {
  readonly paths: readonly string[];
  readonly defaultPaths: boolean;
  readonly flags: RunFlags;
}

/** Sort key for --shard: path, then the :LINE selection (zero-padded so 9 sorts before 10). */
export const shardKey = (f: ScenarioFile): string =>
  `${f.path}\u0000${String(f.line ?? 0).padStart(9, '0')}`;

/** Discovery, then the shard of files this invocation owns, or a usage error (already printed). */
export function selectFiles(inv: RunInvocation, io: CliIo): readonly ScenarioFile[] | undefined {
  const found = discover(inv.paths, io.cwd, { defaultPaths: inv.defaultPaths });
  if (!found.ok) {
    io.stderr.write(formatUsageError(found.error));
    return undefined;
  }
  return inv.flags.shard === undefined
    ? found.files
    : selectShard(found.files, inv.flags.shard, shardKey);
}

type FileRun =
  | { readonly ok: true; readonly items: readonly ReportItem[] }
  | { readonly ok: false; readonly error: unknown };

/** Reads and runs one file in-process; a parse failure is an ERROR item, never an exception. */
export function runFile(file: ScenarioFile, engine: Engine, opts: RunOptions): FileRun {
  let source: string;
  try {
    source = readFileSync(file.absPath, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const result: ScenarioResult = {
      uri: file.path,
      status: 'error',
      durationMs: 0,
      diagnostics: [],
      failures: [],
      log: [],
      steps: [],
    };
    return {
      ok: true,
      items: [
        {
          file,
          source: '',
          result,
          label: labelOf(file, result),
          problem: `cannot read file: ${reason}`,
        },
      ],
    };
  }
  let results: readonly ScenarioResult[];
  try {
    results = engine.runScenario(source, file.path, opts);
  } catch (error) {
    return { ok: false, error };
  }
  const items = results.map((raw): ReportItem => {
    const focused = file.line === undefined ? { result: raw } : focusOnLine(raw, file.line);
    const base = {
      file,
      source,
      result: focused.result,
      label: labelOf(file, focused.result, focused.step),
    };
    return focused.step === undefined ? base : { ...base, step: focused.step };
  });
  return { ok: true, items };
}

/** Lets a pending SIGINT handler run between files (the engine itself is synchronous). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function runCommand(
  inv: RunInvocation,
  io: CliIo,
  load: EngineLoader,
): Promise<ExitCode> {
  const files = selectFiles(inv, io);
  if (files === undefined) return ExitCode.UsageError;

  const engine = await loadEngine(io, load);
  if (engine === undefined) return ExitCode.InternalError;

  const { flags } = inv;
  const color =
    !isMachineReadable(flags.reporter) &&
    useColor({ isTTY: io.isTTY, env: io.env, noColor: flags.noColor });
  const reporter = createReporter(flags.reporter, {
    out: io.stdout,
    err: io.stderr,
    formatters: engine,
    palette: palette(color),
    color,
  });
  const opts: RunOptions = flags.variant === undefined ? {} : { variant: flags.variant };

  reporter.onStart();
  const statuses: ScenarioStatus[] = [];
  let internalError: string | undefined;
  let filesRun = 0;
  let stop = false;
  for (const file of files) {
    if (io.signal?.aborted === true) break;
    const run = runFile(file, engine, opts);
    filesRun++;
    if (!run.ok) {
      internalError = formatInternalError(run.error, `running ${file.path}`, io.env);
      break;
    }
    for (const item of run.items) {
      if (flags.filter !== undefined && !flags.filter.test(item.label)) continue;
      reporter.onResult(item);
      statuses.push(item.result.status);
      if (flags.bail && outcomeOf(item.result.status) === 'failed') {
        stop = true;
        break;
      }
    }
    if (stop) break;
    await yieldToEventLoop();
  }

  const interrupted = io.signal?.aborted === true;
  const summary = summarize(statuses);
  // Everything on stderr comes before the summary line, which is always last.
  if (internalError !== undefined) io.stderr.write(internalError);
  if (interrupted)
    io.stderr.write(`dmasim: interrupted after ${filesRun} of ${files.length} files\n`);
  if (stop && filesRun < files.length)
    io.stderr.write(
      `dmasim: --bail: stopped after the first failure; ${files.length - filesRun} files not run\n`,
    );
  const nothingMatched =
    statuses.length === 0 && files.length > 0 && internalError === undefined && !interrupted;
  if (nothingMatched) {
    const what = [
      flags.filter === undefined ? '' : `--filter ${flags.filter.source}`,
      flags.variant === undefined ? '' : `--variant ${flags.variant}`,
    ]
      .filter((s) => s !== '')
      .join(' and ');
    io.stderr.write(
      formatUsageError(
        usageError(
          'nothing-matched',
          `no scenario matched ${what === '' ? 'in the given files' : what}`,
          { command: 'run' },
        ),
      ),
    );
  }
  if (files.length === 0 && inv.flags.shard !== undefined)
    io.stderr.write(
      `dmasim: shard ${inv.flags.shard.index}/${inv.flags.shard.count} has no files\n`,
    );
  reporter.onEnd({
    summary,
    interrupted,
    ...(internalError === undefined ? {} : { internalError: internalError.split('\n')[0] ?? '' }),
  });

  if (internalError !== undefined) return ExitCode.InternalError;
  if (interrupted) return ExitCode.Interrupted;
  if (nothingMatched) return ExitCode.UsageError;
  return summary.failed > 0 ? ExitCode.TestsFailed : ExitCode.Ok;
}
