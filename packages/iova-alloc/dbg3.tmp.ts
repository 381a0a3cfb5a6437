import { runProperty, defaultConfig, type PropertyMode } from './src/testing/property.ts';
import { IovaDomain } from './src/domain.ts';
const agg: Record<string, number> = {};
const origStats = IovaDomain.prototype.stats;
const ot = IovaDomain.prototype.checkInvariants;
IovaDomain.prototype.checkInvariants = function () { const s = origStats.call(this); for (const k of ['rcacheHits','rcacheMisses','rcacheBypass','depotTrims','depotFullFrees','rcacheFlushes','magazinePfnsNotFound','liveRanges','reservedRanges']) agg[k] = (agg[k] ?? 0) + (s as any)[k]; agg.maxDepot = Math.max(agg.maxDepot ?? 0, ...s.depotSizes); return ot.call(this); };
const mode = process.argv[2] as PropertyMode; const n = Number(process.argv[3]); const ops = Number(process.argv[4]);
const t0 = Date.now(); let calls = 0;
for (let seed = 1; seed <= n; seed++) { const r = runProperty(defaultConfig(seed, ops, mode)); calls += r.calls; if (r.mismatch) { console.log(r.mismatch.slice(0, 3000)); break; } }
console.log(mode, calls, Date.now() - t0, 'ms', agg);
