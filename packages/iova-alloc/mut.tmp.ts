import { runProperty, defaultConfig } from './src/testing/property.ts';
let calls = 0;
for (let seed = 1; seed <= 12; seed++) {
  for (const mode of ['mixed', 'rcache'] as const) {
    const r = runProperty(defaultConfig(seed, mode === 'mixed' ? 3000 : 14000, mode));
    calls += r.calls;
    if (r.mismatch) { console.log('CAUGHT', mode, seed, r.mismatch.slice(0, 300)); process.exit(0); }
  }
}
console.log('NOT CAUGHT', calls);
