#!/usr/bin/env node
// Runs the first ```ts block of every package README on source, so the promise
// "a package's README starts with a runnable snippet" is checked, not assumed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const tsx = import.meta.resolve('tsx');
let failed = 0;
let ran = 0;
for (const dir of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, dir))) {
    const readme = join(root, dir, name, 'README.md');
    if (!existsSync(readme)) continue;
    const m = /```ts\n([\s\S]*?)```/.exec(readFileSync(readme, 'utf8'));
    if (!m) continue;
    const tmp = mkdtempSync(join(root, dir, name, '.snippet-'));
    const file = join(tmp, 'snippet.ts');
    writeFileSync(file, m[1]);
    try {
      execFileSync(process.execPath, ['--conditions=@dmasim/source', '--import', tsx, file], { stdio: 'pipe', cwd: root });
      ran++;
    } catch (e) {
      failed++;
      console.error(`README snippet of ${dir}/${name} failed:\n${String(e.stderr ?? e)}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}
console.log(`README snippets: ${ran} ran, ${failed} failed`);
process.exit(failed ? 1 : 0);
