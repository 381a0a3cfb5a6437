// Run: node /work/main/scripts/dmasim-node.mjs bench/pgtable.bench.ts [name filter…]
import { runPgtableBench } from '@dmasim/io-pgtable';

// optional arguments: only the rows whose name contains one of them, e.g. `amd-v1 6.19`
const only = process.argv.slice(2);
for (const r of runPgtableBench(only.length ? only : undefined)) {
  const target = r.target === undefined ? '' : `  (target ≤ ${r.target} ns${r.medianNs <= r.target ? ', met' : ', MISSED'})`;
  console.log(`${r.name.padEnd(48)} ${r.medianNs.toFixed(1).padStart(8)} ns${target}${r.note ? `  ${r.note}` : ''}`);
}
