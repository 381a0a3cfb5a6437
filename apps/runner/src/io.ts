import type { Writer } from './reporters/reporter.js';

/** Everything the CLI touches outside the file system, injectable for tests. */
export interface CliIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Paths on the command line are relative to this folder, and so are the paths printed. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (colour is used only then). */
  readonly isTTY: boolean;
  /** Aborted on SIGINT: the run stops before the next file and exits with ExitCode.Interrupted. */
  readonly signal?: AbortSignal;
}
