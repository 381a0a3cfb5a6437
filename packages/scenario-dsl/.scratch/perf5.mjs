import { readFileSync } from 'node:fs';
import { parse } from './dist/index.js';
const ex = readFileSync(new URL('./example.dma', import.meta.url), 'utf8');
const body = ex.slice(ex.indexOf('step "a'));
let big = ex.slice(0, ex.indexOf('step "a'));
while (big.split('\n').length < 5000) big += body;
for (let i = 0; i < 40; i++) { const c = process.cpuUsage(); const t = performance.now(); parse(big, 'big'); const u = process.cpuUsage(c); if (i % 5 === 4 || i === 0) console.log('wall', (performance.now() - t).toFixed(1), 'cpu', ((u.user + u.system) / 1000).toFixed(1)); }
