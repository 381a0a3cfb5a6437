import { runProperty, defaultConfig } from './src/testing/property.ts';
import { IovaDomain } from './src/domain.ts';
// monkeypatch to collect stats
const agg: Record<string, number> = {};
const origStats = IovaDomain.prototype.stats;
let fails = 0, allocs = 0;
const oa = IovaDomain.prototype.allocIova;
IovaDomain.prototype.allocIova = function (...a: [number, number, boolean]) { const r = oa.apply(this, a); allocs++; if (!r) fails++; return r; };
const of = IovaDomain.prototype.allocIovaFast;
let ffails = 0, fcalls = 0;
IovaDomain.prototype.allocIovaFast = function (...a: [number, number, boolean, number?]) { const r = of.apply(this, a); fcalls++; if (!r) ffails++; return r; };
const ot = IovaDomain.prototype.checkInvariants;
IovaDomain.prototype.checkInvariants = function () { const s = origStats.call(this); for (const k of ['rcacheHits','rcacheMisses','rcacheBypass','depotTrims','rcacheFlushes','magazinePfnsNotFound','liveRanges','reservedRanges']) agg[k] = Math.max(agg[k] ?? 0, (s as any)[k]); agg.maxDepot = Math.max(agg.maxDepot ?? 0, ...s.depotSizes); return ot.call(this); };
for (let seed = 1; seed <= 25; seed++) { const r = runProperty(defaultConfig(seed, 4000)); if (r.mismatch) { console.log(r.mismatch); break; } }
console.log({ allocs, fails, fcalls, ffails, agg });
