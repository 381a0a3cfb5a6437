import { readFileSync } from 'node:fs';
import { lex } from './dist/lexer.js';
import { LineIndex } from './dist/loc.js';
import { parser } from './dist/parser.js';
import { AstBuilder } from './dist/ast-builder.js';
const ex = readFileSync(new URL('./example.dma', import.meta.url), 'utf8');
const body = ex.slice(ex.indexOf('step "a'));
let big = ex.slice(0, ex.indexOf('step "a'));
while (big.split('\n').length < 5000) big += body;
const b = new AstBuilder();
const lines = new LineIndex(big); const lx = lex(big, lines); const cst = parser.parseTokens(lx.tokens);
for (let i = 0; i < 200; i++) { b.begin(lines, [], (items) => []); b.scenarioFile(cst.children); }
