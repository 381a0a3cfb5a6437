// Writes docs/runner/cli.md from the option definitions (src/options.ts, src/exit-codes.ts).
// Run from the repository root: node scripts/dmasim-node.mjs apps/runner/scripts/gen-cli-docs.ts
// src/cli-docs.test.ts fails when the committed file is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderCliDocs } from '../src/cli-docs.js';

const target = new URL('../../../docs/runner/cli.md', import.meta.url);
mkdirSync(new URL('.', target), { recursive: true });
writeFileSync(target, renderCliDocs());
process.stdout.write(`wrote ${target.pathname}\n`);
