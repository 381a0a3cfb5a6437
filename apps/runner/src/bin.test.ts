import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExitCode } from './exit-codes.js';

// The real executable on source, as `pnpm dmasim` runs it: checks the process wiring (exit code, streams).
const bin = fileURLToPath(new URL('./bin.ts', import.meta.url));
const appRoot = fileURLToPath(new URL('..', import.meta.url));

function dmasim(...args: string[]) {
  return spawnSync(
    process.execPath,
    ['--conditions=@dmasim/source', '--import', 'tsx', bin, ...args],
    {
      cwd: appRoot,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
}

describe('bin', () => {
  it('exits 0 and prints the version', () => {
    const r = dmasim('--version');
    expect(r.status).toBe(ExitCode.Ok);
    expect(r.stdout).toMatch(/^dmasim \d+\.\d+\.\d+\n$/);
  });

  it('exits 4 on a usage error, on stderr only', () => {
    const r = dmasim('run', '--bogus');
    expect(r.status).toBe(ExitCode.UsageError);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^dmasim: error: unknown option --bogus/);
  });
});
