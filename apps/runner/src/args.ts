import { didYouMean } from './did-you-mean.js';
import { commandDefs, optionDefs, optionsFor, reporterNames } from './options.js';
import type { CommandName, OptionDef, OptionKey, ReporterName } from './options.js';
import { parseShard } from './shard.js';
import type { Shard } from './shard.js';
import { usageError } from './usage-error.js';
import type { UsageError } from './usage-error.js';

export interface RunFlags {
  readonly filter?: RegExp;
  readonly variant?: string;
  readonly reporter: ReporterName;
  readonly shard?: Shard;
  readonly bail: boolean;
  readonly noColor: boolean;
}

export type Invocation =
  | { readonly command: 'help'; readonly topic?: CommandName }
  | { readonly command: 'version' }
  | {
      readonly command: 'run' | 'list';
      readonly paths: readonly string[];
      /** True when no path was given and `scenarios` is used. */
      readonly defaultPaths: boolean;
      readonly flags: RunFlags;
    }
  | { readonly command: 'explain'; readonly code: string; readonly flags: RunFlags };

export type ArgsResult =
  | { readonly ok: true; readonly value: Invocation }
  | { readonly ok: false; readonly error: UsageError };

export const DEFAULT_PATH = 'scenarios';

interface Occurrence {
  readonly def: OptionDef;
  /** As typed, for messages: `--reporter`, `-t`. */
  readonly spelled: string;
  readonly value?: string;
}

const fail = (error: UsageError): ArgsResult => ({ ok: false, error });

/**
 * Parses `dmasim <command> [options] [operands]`. Options may come before or after
 * operands; `--` ends options; `--opt=value` and `--opt value` both work. Strict:
 * any unknown, misplaced, repeated or malformed option is a UsageError value.
 */
export function parseArgs(argv: readonly string[]): ArgsResult {
  const occurrences: Occurrence[] = [];
  const operands: string[] = [];
  let optionsEnded = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      operands.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const spelled = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const def = findOption(spelled);
    if (def === undefined) return fail(unknownOption(spelled, operands[0]));
    if (occurrences.some((o) => o.def.key === def.key)) {
      return fail(
        usageError('duplicate-option', `option ${spelled} is given more than once`, {
          command: asCommand(operands[0]),
        }),
      );
    }
    if (def.value === undefined) {
      if (inline !== undefined) {
        return fail(
          usageError(
            'unexpected-value',
            `option ${spelled} is a flag and takes no value (got '${arg}')`,
            { command: asCommand(operands[0]) },
          ),
        );
      }
      occurrences.push({ def, spelled });
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        return fail(
          usageError('missing-value', `option ${spelled} needs a value <${def.value}>`, {
            hint:
              next === undefined
                ? undefined
                : `to pass a value that starts with '-', write --${def.long}=${next}`,
            command: asCommand(operands[0]),
          }),
        );
      }
      value = next;
      i++;
    }
    occurrences.push({ def, spelled, value });
  }

  const has = (key: OptionKey): boolean => occurrences.some((o) => o.def.key === key);
  const commandWord = operands[0];
  const command = asCommand(commandWord);

  if (commandWord !== undefined && command === undefined) {
    const names = commandDefs.map((c) => c.name);
    const guess = didYouMean(commandWord, names);
    return fail(
      usageError('unknown-command', `unknown command '${commandWord}'`, {
        hint:
          guess === undefined
            ? `commands are ${names.join(', ')}`
            : `did you mean \`dmasim ${guess}\`?`,
      }),
    );
  }
  if (has('help'))
    return {
      ok: true,
      value: command === undefined ? { command: 'help' } : { command: 'help', topic: command },
    };
  if (has('version')) return { ok: true, value: { command: 'version' } };
  if (command === undefined) {
    return fail(
      usageError('missing-command', 'no command given', {
        hint: 'to run every scenario under ./scenarios, use `dmasim run`',
      }),
    );
  }

  for (const o of occurrences) {
    if (o.def.commands !== 'global' && !o.def.commands.includes(command)) {
      return fail(
        usageError(
          'option-not-for-command',
          `option ${o.spelled} is not an option of \`dmasim ${command}\``,
          { command },
        ),
      );
    }
  }

  const flags = buildFlags(occurrences, command);
  if (!flags.ok) return flags;

  const rest = operands.slice(1);
  if (command === 'explain') {
    const code = rest[0];
    if (code === undefined) {
      return fail(
        usageError('missing-operand', '`dmasim explain` needs a diagnostic code', {
          hint: 'for example: dmasim explain DMA201',
          command,
        }),
      );
    }
    if (rest.length > 1) {
      return fail(
        usageError(
          'extra-operand',
          `\`dmasim explain\` takes one code (got ${rest.length}: ${rest.join(' ')})`,
          { command },
        ),
      );
    }
    return { ok: true, value: { command, code, flags: flags.value } };
  }
  const defaultPaths = rest.length === 0;
  return {
    ok: true,
    value: {
      command,
      paths: defaultPaths ? [DEFAULT_PATH] : rest,
      defaultPaths,
      flags: flags.value,
    },
  };
}

function asCommand(word: string | undefined): CommandName | undefined {
  return commandDefs.find((c) => c.name === word)?.name;
}

function findOption(spelled: string): OptionDef | undefined {
  if (spelled.startsWith('--')) return optionDefs.find((o) => o.long === spelled.slice(2));
  return optionDefs.find((o) => o.short !== undefined && o.short === spelled.slice(1));
}

function unknownOption(spelled: string, commandWord: string | undefined): UsageError {
  const command = asCommand(commandWord);
  const candidates = optionsFor(command).flatMap((o) => [
    `--${o.long}`,
    ...(o.short === undefined ? [] : [`-${o.short}`]),
  ]);
  // `-bail` is a common slip for `--bail`: compare without the dashes too.
  const bare = spelled.replace(/^-+/, '');
  const guess =
    didYouMean(spelled, candidates) ??
    didYouMean(
      `--${bare}`,
      candidates.filter((c) => c.startsWith('--')),
    );
  return usageError(
    'unknown-option',
    `unknown option ${spelled}${command === undefined ? '' : ` for \`dmasim ${command}\``}`,
    {
      hint: guess === undefined ? undefined : `did you mean ${guess}?`,
      command,
    },
  );
}

type FlagsResult =
  | { readonly ok: true; readonly value: RunFlags }
  | { readonly ok: false; readonly error: UsageError };

function buildFlags(occurrences: readonly Occurrence[], command: CommandName): FlagsResult {
  const value = (key: OptionKey): string | undefined =>
    occurrences.find((o) => o.def.key === key)?.value;
  const bad = (message: string, hint?: string): FlagsResult => ({
    ok: false,
    error: usageError('invalid-value', message, { hint, command }),
  });

  let reporter: ReporterName = 'default';
  const reporterText = value('reporter');
  if (reporterText !== undefined) {
    const known = reporterNames.find((r) => r === reporterText);
    if (known === undefined) {
      const guess = didYouMean(reporterText, reporterNames);
      return bad(
        `unknown reporter '${reporterText}' (choose one of ${reporterNames.join(', ')})`,
        guess === undefined ? undefined : `did you mean --reporter ${guess}?`,
      );
    }
    reporter = known;
  }

  let filter: RegExp | undefined;
  const filterText = value('filter');
  if (filterText !== undefined) {
    try {
      filter = new RegExp(filterText);
    } catch (e) {
      return bad(
        `--filter is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`,
        'escape regex characters such as ( [ + ? with a backslash',
      );
    }
  }

  let shard: Shard | undefined;
  const shardText = value('shard');
  if (shardText !== undefined) {
    const parsed = parseShard(shardText);
    if (!parsed.ok) return bad(parsed.message);
    shard = parsed.value;
  }

  const variant = value('variant');
  if (variant?.trim() === '') return bad('--variant needs a non-empty variant name');

  return {
    ok: true,
    value: {
      reporter,
      bail: occurrences.some((o) => o.def.key === 'bail'),
      noColor: occurrences.some((o) => o.def.key === 'noColor'),
      ...(filter === undefined ? {} : { filter }),
      ...(variant === undefined ? {} : { variant }),
      ...(shard === undefined ? {} : { shard }),
    },
  };
}
