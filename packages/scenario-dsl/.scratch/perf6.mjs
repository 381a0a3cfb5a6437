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
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let i = 0; i < 30; i++) {
  let t = cpu(); const lines = new LineIndex(big); const tli = cpu() - t;
  t = cpu(); const lx = lex(big, lines); const tl = cpu() - t;
  t = cpu(); const cst = parser.parseTokens(lx.tokens).cst; const tp = cpu() - t;
  t = cpu(); b.begin(lines, [], (items) => []); b.scenarioFile(cst.children); const tb = cpu() - t;
  if (i % 5 === 4) console.log('lineidx', tli.toFixed(1), 'lex', tl.toFixed(1), 'parse', tp.toFixed(1), 'build', tb.toFixed(1));
}
