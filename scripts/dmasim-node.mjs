#!/usr/bin/env node
// Runs a TypeScript entry point on source: the `@dmasim/source` export condition
// resolves workspace packages to src/index.ts, and tsx compiles on the fly.
import { spawnSync } from 'node:child_process';

const tsx = import.meta.resolve('tsx');
const [entry, ...rest] = process.argv.slice(2);
// The child handles Ctrl-C itself (exit code 2); the parent just waits for it.
process.on('SIGINT', () => {});
const r = spawnSync(process.execPath, ['--conditions=@dmasim/source', '--import', tsx, entry, ...rest], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
