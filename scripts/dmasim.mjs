#!/usr/bin/env node
// `pnpm dmasim …` from the repository root: the runner CLI on source.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const tsx = import.meta.resolve('tsx');
const cli = fileURLToPath(new URL('../apps/runner/src/bin.ts', import.meta.url));
process.on('SIGINT', () => {});
const r = spawnSync(process.execPath, ['--conditions=@dmasim/source', '--import', tsx, cli, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
