/**
 * Process exit codes of `dmasim`, following pytest's table (0–4) so CI scripts
 * written for pytest read them the same way.
 */
export const ExitCode = {
  /** Every scenario that ran passed (xfail counts as passed). */
  Ok: 0,
  /** At least one scenario failed, passed unexpectedly (XPASS) or did not parse (ERROR). */
  TestsFailed: 1,
  /** The run was interrupted (SIGINT / Ctrl-C); the summary covers what ran. */
  Interrupted: 2,
  /** dmasim itself failed (an exception in the engine): a bug to report. */
  InternalError: 3,
  /** The command line was wrong: unknown option or command, missing path, no .dma files found. */
  UsageError: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One row per code, in numeric order: used by --help and docs/runner/cli.md. */
export const exitCodeTable: readonly {
  readonly code: ExitCode;
  readonly name: keyof typeof ExitCode;
  readonly meaning: string;
}[] = [
  {
    code: ExitCode.Ok,
    name: 'Ok',
    meaning: 'every scenario that ran passed (XFAIL counts as passed)',
  },
  {
    code: ExitCode.TestsFailed,
    name: 'TestsFailed',
    meaning: 'some scenario failed: FAIL, XPASS or ERROR',
  },
  {
    code: ExitCode.Interrupted,
    name: 'Interrupted',
    meaning: 'interrupted by SIGINT (Ctrl-C); the summary covers the scenarios that ran',
  },
  {
    code: ExitCode.InternalError,
    name: 'InternalError',
    meaning:
      'internal error: the engine threw or could not be loaded (a dmasim bug; set DMASIM_DEBUG=1 for the stack)',
  },
  {
    code: ExitCode.UsageError,
    name: 'UsageError',
    meaning:
      'usage error: unknown command or option, bad option value, missing path, no .dma files found, nothing matched the filters',
  },
];
