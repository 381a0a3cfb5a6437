import { palette, useColor } from '../color.js';
import { didYouMean } from '../did-you-mean.js';
import type { EngineLoader } from '../engine-port.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { loadEngine } from './load-engine.js';
import { formatUsageError, usageError } from '../usage-error.js';

/** `dmasim explain DMA201`: the code's title and documented explanation (the engine's table, which extends the DSL's). */
export async function explainCommand(
  code: string,
  noColor: boolean,
  io: CliIo,
  load: EngineLoader,
): Promise<ExitCode> {
  const engine = await loadEngine(io, load);
  if (engine === undefined) return ExitCode.InternalError;
  const key = code.trim().toUpperCase();
  const table = engine.diagnosticCodes;
  const info = Object.hasOwn(table, key) ? table[key] : undefined;
  if (info === undefined) {
    const known = Object.keys(table).sort();
    const guess = didYouMean(key, known);
    const hint =
      guess !== undefined
        ? `did you mean ${guess}?`
        : known.length > 0
          ? `known codes: ${known.join(', ')}`
          : undefined;
    io.stderr.write(
      formatUsageError(
        usageError('unknown-code', `unknown diagnostic code '${code}'`, {
          hint,
          command: 'explain',
        }),
      ),
    );
    return ExitCode.UsageError;
  }
  const p = palette(useColor({ isTTY: io.isTTY, env: io.env, noColor }));
  io.stdout.write(
    `${p.bold(`${key}: ${info.title}`)}\n\n${info.explanation.replace(/\n+$/, '')}\n`,
  );
  return ExitCode.Ok;
}
