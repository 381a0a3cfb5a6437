import { readFileSync } from 'node:fs';
import { lex } from '../src/lexer.ts';
import { LineIndex } from '../src/loc.ts';
import { parser } from '../src/parser.ts';
import { AstBuilder } from '../src/ast-builder.ts';
const ex = readFileSync(new URL('./example.dma', import.meta.url), 'utf8');
const body = ex.slice(ex.indexOf('step "a'));
let big = ex.slice(0, ex.indexOf('step "a'));
while (big.split('\n').length < 5000) big += body;
let seed = 1; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
let g = ''; while (g.length < Number(process.argv[2] ?? 100000)) g += String.fromCharCode(Math.floor(rnd() * 256));
let g2 = ''; const alphabet = 'ab01 x=(){}\n"#=>.:-+,*'; while (g2.length < Number(process.argv[2] ?? 100000)) g2 += alphabet[Math.floor(rnd() * alphabet.length)];
for (const [name, src] of [['big', big], ['big', big], ['big', big], ['garbage', g], ['garbage2', g2]] as const) {
  let t = performance.now();
  const lines = new LineIndex(src);
  const lx = lex(src, lines);
  const tl = performance.now() - t; t = performance.now();
  const cst = parser.parseTokens(lx.tokens);
  const tp = performance.now() - t;
  console.log(name, 'tokens', lx.tokens.length, 'lexdiag', lx.diagnostics.length, 'lex', tl.toFixed(1), 'parse', tp.toFixed(1), 'errors', parser.errors.length);
}
