import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discover } from './discover.js';
import type { DiscoverResult, ScenarioFile } from './discover.js';
import { tempTree } from './testing/temp-dir.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function tree(files: Record<string, string>): string {
  const t = tempTree(files);
  cleanups.push(t.cleanup);
  return t.root;
}
function paths(r: DiscoverResult): string[] {
  if (!r.ok) throw new Error(r.error.message);
  return r.files.map((f: ScenarioFile) => (f.line === undefined ? f.path : `${f.path}:${f.line}`));
}

describe('discover', () => {
  it('walks folders recursively, keeps only .dma files and sorts by path', () => {
    const root = tree({
      'scenarios/vfio/b.dma': '',
      'scenarios/vfio/a.dma': '',
      'scenarios/boot/z.dma': '',
      'scenarios/boot/notes.md': '',
      'scenarios/boot/x.dma.trace.ndjson': '',
      'scenarios/a-b.dma': '',
    });
    // code-unit order: '-' (0x2d) < '/' (0x2f), so a-b.dma sorts before boot/
    expect(paths(discover(['scenarios'], root))).toEqual([
      'scenarios/a-b.dma',
      'scenarios/boot/z.dma',
      'scenarios/vfio/a.dma',
      'scenarios/vfio/b.dma',
    ]);
  });

  it('skips dot-folders and node_modules', () => {
    const root = tree({ 's/.hidden/a.dma': '', 's/node_modules/b.dma': '', 's/c.dma': '' });
    expect(paths(discover(['s'], root))).toEqual(['s/c.dma']);
  });

  it('keeps explicit files in the order given and runs a file named twice once', () => {
    const root = tree({ 'b.dma': '', 'a.dma': '', 'dir/c.dma': '' });
    expect(paths(discover(['b.dma', 'a.dma', 'dir', 'b.dma', './a.dma'], root))).toEqual([
      'b.dma',
      'a.dma',
      'dir/c.dma',
    ]);
  });

  it('takes an explicit file whatever its extension', () => {
    const root = tree({ 'case.txt': '' });
    expect(paths(discover(['case.txt'], root))).toEqual(['case.txt']);
  });

  it('splits file.dma:LINE into a file and a 1-based line', () => {
    const root = tree({ 'x.dma': '' });
    const r = discover(['x.dma:12', 'x.dma:3'], root);
    expect(paths(r)).toEqual(['x.dma:12', 'x.dma:3']);
    expect(r.ok && r.files[0]?.absPath).toBe(join(root, 'x.dma'));
  });

  it('prefers a file literally named with a colon', () => {
    const root = tree({ 'odd.dma:7': '' });
    expect(paths(discover(['odd.dma:7'], root))).toEqual(['odd.dma:7']);
  });

  it('reports a missing path as a usage error naming it', () => {
    const root = tree({ 'a.dma': '' });
    const r = discover(['a.dma', 'nope/'], root);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('path-not-found');
    expect(!r.ok && r.error.message).toBe('path not found: nope/');
    const missingLine = discover(['gone.dma:4'], root);
    expect(!missingLine.ok && missingLine.error.message).toBe('path not found: gone.dma:4');
  });

  it('explains the default path when it is missing', () => {
    const root = tree({});
    const r = discover(['scenarios'], root, { defaultPaths: true });
    expect(!r.ok && r.error.hint).toMatch(/no path was given/);
  });

  it('reports a folder without .dma files as a usage error naming the paths', () => {
    const root = tree({ 'empty/readme.md': '', 'other/x.txt': '' });
    const r = discover(['empty', 'other'], root);
    expect(!r.ok && r.error.code).toBe('no-scenarios');
    expect(!r.ok && r.error.message).toBe('no .dma files found under empty, other');
  });

  it('rejects :LINE on a folder', () => {
    const root = tree({ 'd/a.dma': '' });
    mkdirSync(join(root, 'd', 'sub'));
    const r = discover(['d:3'], root);
    expect(!r.ok && r.error.code).toBe('invalid-value');
  });

  it('survives a symlink loop and does not list a folder twice', () => {
    const root = tree({ 's/a.dma': '' });
    symlinkSync(join(root, 's'), join(root, 's', 'loop'));
    expect(paths(discover(['s'], root))).toEqual(['s/a.dma']);
  });

  it('shows paths outside cwd relative to it', () => {
    const root = tree({ 'x/a.dma': '', 'y/.keep': '' });
    expect(paths(discover(['../x'], join(root, 'y')))).toEqual(['../x/a.dma']);
  });
});
