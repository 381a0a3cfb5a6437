// Regenerates src/generated/cst.ts (the CST node types) from the grammar.
// Run from the package folder: node ../../scripts/dmasim-node.mjs scripts/gen-cst-types.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cstTypings } from '../src/grammar-artifacts.js';

const out = fileURLToPath(new URL('../src/generated/cst.ts', import.meta.url));
writeFileSync(out, cstTypings());
console.log(`wrote ${out}`);
