import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCliDocs } from './cli-docs.js';
import { exitCodeTable } from './exit-codes.js';
import { formatHelp } from './help.js';
import { optionDefs } from './options.js';

const docsPath = new URL('../../../docs/runner/cli.md', import.meta.url);

describe('docs/runner/cli.md', () => {
  it('is up to date with the option definitions (regenerate: node scripts/dmasim-node.mjs apps/runner/scripts/gen-cli-docs.ts)', () => {
    expect(readFileSync(docsPath, 'utf8')).toBe(renderCliDocs());
  });

  it('documents every option and exit code', () => {
    const doc = renderCliDocs();
    for (const o of optionDefs) expect(doc).toContain(`--${o.long}`);
    for (const e of exitCodeTable)
      expect(doc).toMatch(
        new RegExp(
          `^\\| ${e.code} +\\| \`${e.name}\` +\\| ${e.meaning.replace(/[()]/g, '\\$&')} +\\|$`,
          'm',
        ),
      );
  });
});

describe('--help', () => {
  it('lists every option of a command', () => {
    const help = formatHelp('run');
    for (const o of optionDefs.filter((d) => d.commands === 'global' || d.commands.includes('run')))
      expect(help).toContain(`--${o.long}`);
    expect(formatHelp('list')).not.toContain('--reporter');
  });
});
