// Run: node /work/main/scripts/dmasim-node.mjs bench/pgtable.bench.ts
import { runPgtableBench } from '@dmasim/io-pgtable';

for (const r of runPgtableBench()) {
  const target = r.target === undefined ? '' : `  (target ≤ ${r.target} ns${r.medianNs <= r.target ? ', met' : ', MISSED'})`;
  console.log(`${r.name.padEnd(48)} ${r.medianNs.toFixed(1).padStart(8)} ns${target}${r.note ? `  ${r.note}` : ''}`);
}
