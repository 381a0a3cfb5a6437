import { runIovaBench } from './bench/iova.bench.ts';
const rows = runIovaBench({ naive: false, sizes: [1000, 1_000_000] });
for (const r of rows) console.log(r.name, r.medianNs.toFixed(1));
