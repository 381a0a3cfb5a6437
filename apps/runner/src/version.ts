import { readFileSync } from 'node:fs';

/** The version in apps/runner/package.json (one folder up from both src/ and dist/). */
export function runnerVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
