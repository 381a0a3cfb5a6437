import { parseArgs } from './args.js';
import { explainCommand } from './commands/explain.js';
import { listCommand } from './commands/list.js';
import { runCommand } from './commands/run.js';
import { defaultEngine } from './default-engine.js';
import type { EngineLoader } from './engine-port.js';
import { ExitCode } from './exit-codes.js';
import { formatHelp } from './help.js';
import { formatInternalError } from './internal-error.js';
import type { CliIo } from './io.js';
import { formatUsageError } from './usage-error.js';
import { runnerVersion } from './version.js';

/**
 * The whole `dmasim` command: parses argv, runs the command, writes to io and
 * returns the exit code. Never throws; never calls process.exit. The engine is
 * loaded only by commands that need it.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  engine: EngineLoader = defaultEngine,
): Promise<ExitCode> {
  try {
    const parsed = parseArgs(argv);
    if (!parsed.ok) {
      io.stderr.write(formatUsageError(parsed.error));
      return ExitCode.UsageError;
    }
    const inv = parsed.value;
    switch (inv.command) {
      case 'help':
        io.stdout.write(formatHelp(inv.topic));
        return ExitCode.Ok;
      case 'version':
        io.stdout.write(`dmasim ${runnerVersion()}\n`);
        return ExitCode.Ok;
      case 'run':
        return await runCommand(inv, io, engine);
      case 'list':
        return await listCommand(inv, io, engine);
      case 'explain':
        return await explainCommand(inv.code, inv.flags.noColor, io, engine);
    }
  } catch (e) {
    io.stderr.write(formatInternalError(e, 'running dmasim', io.env));
    return ExitCode.InternalError;
  }
}
