import { readdirSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { compareCodeUnits } from './shard.js';
import { usageError } from './usage-error.js';
import type { UsageError } from './usage-error.js';

export interface ScenarioFile {
  /** As shown in output and passed to the engine as the uri: relative to cwd, with `/` separators. */
  readonly path: string;
  readonly absPath: string;
  /** From `file.dma:LINE`: report the step that contains this 1-based line. */
  readonly line?: number;
}

export type DiscoverResult =
  | { readonly ok: true; readonly files: readonly ScenarioFile[] }
  | { readonly ok: false; readonly error: UsageError };

export const SCENARIO_EXTENSION = '.dma';

/**
 * Expands paths into scenario files. A folder contributes every `*.dma` below it
 * (recursively; dot-folders and node_modules skipped; symlinked folders followed
 * once), sorted by path in code-unit order; a file is taken as given; a file
 * named twice (same real path and line) runs once. A missing path, or no .dma
 * file at all, is a UsageError value naming the path(s).
 */
export function discover(
  paths: readonly string[],
  cwd: string,
  opts: { readonly defaultPaths?: boolean } = {},
): DiscoverResult {
  const files: ScenarioFile[] = [];
  const seen = new Set<string>();
  const add = (abs: string, line?: number): void => {
    const key = `${realOrSelf(abs)}:${line ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    files.push({
      path: displayPath(cwd, abs),
      absPath: abs,
      ...(line === undefined ? {} : { line }),
    });
  };

  for (const arg of paths) {
    const target = splitLine(arg, cwd);
    const abs = target.abs;
    const stats = statOrUndefined(abs);
    if (stats === undefined) {
      return {
        ok: false,
        error: usageError('path-not-found', `path not found: ${arg}`, {
          hint:
            opts.defaultPaths === true
              ? `no path was given, so dmasim looked for ./${arg}; pass .dma files or folders`
              : undefined,
          command: 'run',
        }),
      };
    }
    if (stats.isDirectory()) {
      if (target.line !== undefined) {
        return {
          ok: false,
          error: usageError(
            'invalid-value',
            `${arg}: a :LINE suffix needs a file, and ${arg.slice(0, arg.lastIndexOf(':'))} is a folder`,
            { command: 'run' },
          ),
        };
      }
      const found: string[] = [];
      walk(abs, found, new Set([realOrSelf(abs)]));
      const sorted = found
        .map((f) => ({ abs: f, key: displayPath(cwd, f) }))
        .sort((a, b) => compareCodeUnits(a.key, b.key));
      for (const f of sorted) add(f.abs);
    } else {
      add(abs, target.line);
    }
  }

  if (files.length === 0) {
    return {
      ok: false,
      error: usageError(
        'no-scenarios',
        `no ${SCENARIO_EXTENSION} files found under ${paths.join(', ')}`,
        {
          hint: `scenario files end in ${SCENARIO_EXTENSION}; folders are searched recursively`,
          command: 'run',
        },
      ),
    };
  }
  return { ok: true, files };
}

/** `a.dma:12` → a.dma line 12, unless a file is literally named `a.dma:12`. */
function splitLine(arg: string, cwd: string): { abs: string; line?: number } {
  const whole = resolve(cwd, arg);
  const m = /^(.+):(\d+)$/.exec(arg);
  if (m === null || statOrUndefined(whole) !== undefined) return { abs: whole };
  const line = Number(m[2]);
  return line >= 1 ? { abs: resolve(cwd, m[1]!), line } : { abs: whole };
}

function walk(dir: string, out: string[], visited: Set<string>): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // an unreadable folder contributes nothing; an explicitly named file still fails loudly when read
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      const s = statOrUndefined(full);
      isDir = s?.isDirectory() ?? false;
      isFile = s?.isFile() ?? false;
    }
    if (isDir) {
      const real = realOrSelf(full);
      if (visited.has(real)) continue; // a symlink loop or a folder reached twice
      visited.add(real);
      walk(full, out, visited);
    } else if (isFile && e.name.endsWith(SCENARIO_EXTENSION)) {
      out.push(full);
    }
  }
}

export function displayPath(cwd: string, abs: string): string {
  // Outside cwd on another Windows drive, relative() gives an absolute path: show it as is.
  const rel = relative(cwd, abs);
  const shown = rel === '' ? '.' : rel;
  return sep === '/' || isAbsolute(shown) ? shown : shown.split(sep).join('/');
}

function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
