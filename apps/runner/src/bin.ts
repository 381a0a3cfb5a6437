#!/usr/bin/env node
// The `dmasim` executable: wires the real process to runCli.
import { isatty } from 'node:tty';
import { runCli } from './cli.js';
import { ExitCode } from './exit-codes.js';

// `dmasim run | head` closes stdout early: stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.Ok);
    throw e;
  });
}

// First Ctrl-C: finish the current file, print the summary, exit 2. Second: exit 2 now.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(ExitCode.Interrupted);
  interrupt.abort();
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  isTTY: isatty(1), // process.stdout.isTTY is undefined, not false, when piped
  signal: interrupt.signal,
});
