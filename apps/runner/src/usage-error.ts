import type { CommandName } from './options.js';

/** Stable codes for everything that makes `dmasim` exit with ExitCode.UsageError. */
export type UsageErrorCode =
  | 'missing-command'
  | 'unknown-command'
  | 'unknown-option'
  | 'option-not-for-command'
  | 'missing-value'
  | 'unexpected-value'
  | 'invalid-value'
  | 'duplicate-option'
  | 'missing-operand'
  | 'extra-operand'
  | 'path-not-found'
  | 'no-scenarios'
  | 'nothing-matched'
  | 'unknown-code';

export interface UsageError {
  readonly code: UsageErrorCode;
  readonly message: string;
  readonly hint?: string;
  /** The command whose `--help` the message points to. */
  readonly command?: CommandName;
}

export function usageError(
  code: UsageErrorCode,
  message: string,
  extra: { hint?: string | undefined; command?: CommandName | undefined } = {},
): UsageError {
  return {
    code,
    message,
    ...(extra.hint === undefined ? {} : { hint: extra.hint }),
    ...(extra.command === undefined ? {} : { command: extra.command }),
  };
}

export function formatUsageError(e: UsageError): string {
  const lines = [`dmasim: error: ${e.message}`];
  if (e.hint !== undefined) lines.push(`  hint: ${e.hint}`);
  lines.push(`Run \`dmasim${e.command === undefined ? '' : ` ${e.command}`} --help\` for usage.`);
  return lines.join('\n') + '\n';
}
