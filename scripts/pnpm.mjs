#!/usr/bin/env node
// Runs the pinned pnpm without needing it installed globally (corepack is not
// assumed): uses a pnpm on PATH when its major matches, else `npx pnpm@<pin>`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const pin = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).packageManager.split('@')[1];
const args = process.argv.slice(2);
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', env, cwd: new URL('.', root).pathname });
  return r;
}

const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
const local = probe.status === 0 && probe.stdout.trim().split('.')[0] === pin.split('.')[0];
const r = local ? run('pnpm', args) : run('npx', ['--yes', `pnpm@${pin}`, ...args]);
process.exit(r.status ?? 1);
