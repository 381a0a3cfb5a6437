import { readFileSync } from 'node:fs';
import { parse } from './dist/parse.js';
const ex = readFileSync(new URL('./example.dma', import.meta.url), 'utf8');
const body = ex.slice(ex.indexOf('step "a'));
let big = ex.slice(0, ex.indexOf('step "a'));
while (big.split('\n').length < 5000) big += body;
console.log('lines', big.split('\n').length);
for (let i = 0; i < 5; i++) { const t = performance.now(); const r = parse(big, 'big'); console.log('ms', (performance.now() - t).toFixed(1), r.diagnostics.length, r.file.body.length); }
let g = ''; let seed = 1; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
while (g.length < 1_000_000) g += String.fromCharCode(Math.floor(rnd() * 256));
for (let i = 0; i < 2; i++) { const t = performance.now(); const r = parse(g, 'g'); console.log('garbage ms', (performance.now() - t).toFixed(1), r.diagnostics.length); }
let g2 = ''; const alphabet = 'ab01 x=(){}\n"#=>.:-+,*'; while (g2.length < 1_000_000) g2 += alphabet[Math.floor(rnd() * alphabet.length)];
for (let i = 0; i < 2; i++) { const t = performance.now(); const r = parse(g2, 'g'); console.log('garbage2 ms', (performance.now() - t).toFixed(1), r.diagnostics.length); }
const deep = '('.repeat(100000);
{ const t = performance.now(); const r = parse('expect ' + deep, 'd'); console.log('deep', (performance.now() - t).toFixed(1), r.diagnostics.map(d => d.code).slice(0,5)); }
const deep2 = 'topology {\n' + 'a {\n'.repeat(20000);
{ const t = performance.now(); const r = parse(deep2, 'd'); console.log('deep2', (performance.now() - t).toFixed(1), r.diagnostics.map(d => d.code).slice(0,5)); }
