import { readFileSync } from 'node:fs';
import { palette, useColor } from '../color.js';
import type { EngineLoader } from '../engine-port.js';
import { ExitCode } from '../exit-codes.js';
import { formatInternalError } from '../internal-error.js';
import type { CliIo } from '../io.js';
import { loadEngine } from './load-engine.js';
import { formatUsageError, usageError } from '../usage-error.js';
import { selectFiles } from './run.js';
import type { RunInvocation } from './run.js';

/**
 * `dmasim list`: one line per discovered file, `path — title (variants: a, b)`,
 * read from the parse result without running anything. Without a parser
 * (Engine.readHeader absent) it prints paths only. --filter matches `path — title`;
 * --variant keeps the files that declare that variant.
 */
export async function listCommand(
  inv: RunInvocation,
  io: CliIo,
  load: EngineLoader,
): Promise<ExitCode> {
  const files = selectFiles(inv, io);
  if (files === undefined) return ExitCode.UsageError;
  const engine = await loadEngine(io, load);
  if (engine === undefined) return ExitCode.InternalError;
  const p = palette(useColor({ isTTY: io.isTTY, env: io.env, noColor: inv.flags.noColor }));
  let listed = 0;
  let unreadable = 0;
  for (const file of files) {
    let source: string;
    try {
      source = readFileSync(file.absPath, 'utf8').replace(/^\uFEFF/, '');
    } catch (e) {
      io.stderr.write(
        `${file.path}: error: cannot read file: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      unreadable++;
      continue;
    }
    let header;
    try {
      header = engine.readHeader?.(source, file.path);
    } catch (e) {
      io.stderr.write(formatInternalError(e, `reading the header of ${file.path}`, io.env));
      return ExitCode.InternalError;
    }
    const label =
      header?.title === undefined || header.title === ''
        ? file.path
        : `${file.path} — ${header.title}`;
    if (inv.flags.filter !== undefined && !inv.flags.filter.test(label)) continue;
    const variants = header?.variants ?? [];
    if (inv.flags.variant !== undefined && !variants.includes(inv.flags.variant)) continue;
    io.stdout.write(
      variants.length === 0
        ? `${label}\n`
        : `${label} ${p.dim(`(variants: ${variants.join(', ')})`)}\n`,
    );
    listed++;
  }
  if (unreadable > 0) return ExitCode.TestsFailed;
  if (listed === 0 && files.length > 0) {
    io.stderr.write(
      formatUsageError(
        usageError('nothing-matched', 'no scenario file matched the --filter/--variant given', {
          command: 'list',
        }),
      ),
    );
    return ExitCode.UsageError;
  }
  return ExitCode.Ok;
}
