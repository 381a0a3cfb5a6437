import { runProperty, defaultConfig } from './src/testing/property.ts';
const t0 = Date.now();
let calls = 0;
for (let seed = 1; seed <= 200; seed++) {
  const r = runProperty(defaultConfig(seed, 500));
  calls += r.calls;
  if (r.mismatch) { console.log(r.mismatch); process.exit(1); }
}
console.log('ok', calls, Date.now() - t0, 'ms');
