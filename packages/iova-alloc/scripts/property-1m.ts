/**
 * 1,000,000 random calls compared between IovaDomain and the naive kernel-literal model.
 * Run: node scripts/dmasim-node.mjs packages/iova-alloc/scripts/property-1m.ts [calls] [firstSeed]
 * Exits 1 on the first mismatch (printing a reproducible seed/config), 0 otherwise.
 */
import { defaultConfig, runProperty } from '../src/testing/property.js';

const target = Number(process.argv[2] ?? 1_000_000);
const firstSeed = Number(process.argv[3] ?? 1000);
if (!Number.isSafeInteger(target) || target <= 0 || !Number.isSafeInteger(firstSeed)) {
  console.error('usage: property-1m.ts [calls > 0] [firstSeed]');
  process.exit(2);
}

const t0 = process.hrtime.bigint();
let calls = 0;
let runs = 0;
let seed = firstSeed;
while (calls < target) {
  // Two mixed runs for every magazine/depot-heavy run and every free-then-allocate run.
  const mode = (['mixed', 'mixed', 'rcache', 'mixed', 'mixed', 'refill'] as const)[seed % 6]!;
  const r = runProperty(defaultConfig(seed, mode === 'rcache' ? 20_000 : 5_000, mode));
  calls += r.calls;
  runs++;
  if (r.mismatch) {
    console.error(`MISMATCH after ${calls} calls (seed ${seed}, ${mode}):\n${r.mismatch}`);
    process.exit(1);
  }
  seed++;
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`iova-alloc property: ${calls} calls in ${runs} runs (seeds ${firstSeed}..${seed - 1}) agree with the naive model, ${(ms / 1000).toFixed(1)} s`);
