import { lex } from './dist/lexer.js';
import { LineIndex } from './dist/loc.js';
import { parser } from './dist/parser.js';
let seed = 1; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (const n of [10000, 20000, 40000, 80000]) {
  let g = ''; while (g.length < n) g += String.fromCharCode(Math.floor(rnd() * 256));
  let g2 = ''; const alphabet = 'ab01 x=(){}\n"#=>.:-+,*'; while (g2.length < n) g2 += alphabet[Math.floor(rnd() * alphabet.length)];
  for (const [name, src] of [['bin', g], ['alpha', g2]]) {
    let t = cpu(); const lines = new LineIndex(src); const lx = lex(src, lines); const tl = cpu() - t;
    t = cpu(); let err = '';
    try { const o = parser.parseTokens(lx.tokens); parser.errors = o.errors; } catch (e) { err = e.constructor.name; }
    const tp = cpu() - t;
    console.log(n, name, 'tokens', lx.tokens.length, 'lexerr', lx.diagnostics.length, 'lex', tl.toFixed(0), 'parse', tp.toFixed(0), 'perr', parser.errors.length, err);
  }
}
