// Test support: scratch folders of .dma files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Creates a temp folder holding `files` (relative path → content); returns it and a cleanup. */
export function tempTree(files: Readonly<Record<string, string>>): {
  readonly root: string;
  readonly cleanup: () => void;
} {
  const root = mkdtempSync(join(tmpdir(), 'dmasim-runner-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return {
    root,
    cleanup: () => {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
