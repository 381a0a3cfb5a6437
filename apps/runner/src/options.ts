/**
 * The command-line interface as data: the argv parser, `--help` and
 * docs/runner/cli.md (scripts/gen-cli-docs.ts) are all built from these tables.
 */

export type CommandName = 'run' | 'list' | 'explain';

export const reporterNames = ['default', 'dot', 'json', 'tap', 'junit'] as const;
export type ReporterName = (typeof reporterNames)[number];

export type OptionKey =
  'filter' | 'variant' | 'reporter' | 'shard' | 'bail' | 'noColor' | 'help' | 'version';

export interface OptionDef {
  readonly key: OptionKey;
  /** Without the leading dashes. */
  readonly long: string;
  readonly short?: string;
  /** Placeholder of the value; absent for a boolean flag. */
  readonly value?: string;
  readonly choices?: readonly string[];
  readonly default?: string;
  readonly description: string;
  /** Commands that accept it; `global` options work with every command and without one. */
  readonly commands: readonly CommandName[] | 'global';
}

export const optionDefs: readonly OptionDef[] = [
  {
    key: 'filter',
    long: 'filter',
    short: 't',
    value: 'regex',
    description:
      'Only scenarios whose label matches this JavaScript regular expression (case-sensitive): `path [variant] — title` for `run`, `path — title` for `list`.',
    commands: ['run', 'list'],
  },
  {
    key: 'variant',
    long: 'variant',
    value: 'name',
    description:
      '`run`: run only this variant of each file (a file without it reports nothing). `list`: only files that declare it.',
    commands: ['run', 'list'],
  },
  {
    key: 'reporter',
    long: 'reporter',
    value: 'name',
    choices: reporterNames,
    default: 'default',
    description:
      'How to report: `default` (a line per scenario), `dot` (a character per scenario), `json` (one JSON document), `tap` (TAP 14) or `junit` (JUnit XML).',
    commands: ['run'],
  },
  {
    key: 'shard',
    long: 'shard',
    value: 'i/n',
    description:
      'Take only shard i of n (1-based): the discovered files are sorted by path and cut into n contiguous slices whose sizes differ by at most one.',
    commands: ['run', 'list'],
  },
  {
    key: 'bail',
    long: 'bail',
    description: 'Stop after the first scenario that does not pass (FAIL, XPASS or ERROR).',
    commands: ['run'],
  },
  {
    key: 'noColor',
    long: 'no-color',
    description:
      'Never colour the output. Colour is otherwise used only on a terminal, when NO_COLOR is unset and CI is not set.',
    commands: ['run', 'list', 'explain'],
  },
  {
    key: 'help',
    long: 'help',
    short: 'h',
    description: 'Show help (for a command: `dmasim run --help`).',
    commands: 'global',
  },
  { key: 'version', long: 'version', description: 'Print the dmasim version.', commands: 'global' },
];

export interface CommandDef {
  readonly name: CommandName;
  /** Operands after the command name, as shown in usage lines. */
  readonly operands: string;
  readonly summary: string;
  readonly details: readonly string[];
}

export const commandDefs: readonly CommandDef[] = [
  {
    name: 'run',
    operands: '[paths…]',
    summary: 'Run .dma scenarios and report one line per scenario (per variant).',
    details: [
      'Each path is a .dma file, a folder (searched recursively for *.dma, skipping dot-folders and node_modules) or `file.dma:LINE`. The default path is `scenarios`.',
      'Files from folders are sorted by path; explicit files keep the order given; a file named twice runs once.',
      '`file.dma:LINE` runs the whole file (steps share machine state, so a step cannot run alone) and reports the step that contains LINE: its failures and its status.',
    ],
  },
  {
    name: 'list',
    operands: '[paths…]',
    summary:
      'Print the discovered scenario files with their titles and variants, without running them.',
    details: [
      'Takes the same paths as `run`; `--filter`, `--variant` and `--shard` select as they do for `run`.',
    ],
  },
  {
    name: 'explain',
    operands: '<code>',
    summary: 'Print the documented explanation of a diagnostic code, e.g. `dmasim explain DMA201`.',
    details: [
      'Codes are DMA1xx (syntax), DMA2xx (names) and DMA3xx (types and units); case does not matter.',
    ],
  },
];

export function optionsFor(command: CommandName | undefined): readonly OptionDef[] {
  return optionDefs.filter(
    (o) => o.commands === 'global' || (command !== undefined && o.commands.includes(command)),
  );
}

export function optionLabel(o: OptionDef): string {
  const names = o.short === undefined ? `--${o.long}` : `-${o.short}, --${o.long}`;
  return o.value === undefined ? names : `${names} <${o.value}>`;
}
