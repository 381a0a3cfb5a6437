import { parse } from './dist/parse.js';
let seed = 1; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
let g2 = ''; const alphabet = 'ab01 x=(){}\n"#=>.:-+,*'; while (g2.length < 1_000_000) g2 += alphabet[Math.floor(rnd() * alphabet.length)];
for (let i = 0; i < 2; i++) { const t = performance.now(); const r = parse(g2, 'g'); console.log('garbage2 ms', (performance.now() - t).toFixed(1), r.diagnostics.length); }
