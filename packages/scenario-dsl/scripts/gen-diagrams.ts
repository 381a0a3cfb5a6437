// Regenerates docs/dsl/syntax-diagrams.html (railroad diagrams of the .dma grammar).
// From the repository root: pnpm docs:grammar
// From the package folder: node ../../scripts/dmasim-node.mjs scripts/gen-diagrams.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntaxDiagramsHtml } from '../src/grammar-artifacts.js';

const out = fileURLToPath(new URL('../../../docs/dsl/syntax-diagrams.html', import.meta.url));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, syntaxDiagramsHtml());
console.log(`wrote ${out}`);
