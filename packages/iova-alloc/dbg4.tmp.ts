import { IovaDomain } from './src/domain.ts';
import { iovaProfiles } from './src/profile.ts';
const d = new IovaDomain({ granule: 4096, startPfn: 1, profile: iovaProfiles['6.1'] });
const p: number[] = [];
for (let i = 0; i < 5000; i++) p.push(d.allocIovaFast(1, 0xfffff, true));
console.log(p.slice(0,3), p.filter(x=>x===0).length);
for (const x of p) d.freeIovaFast(x, 1);
const s = d.stats(); console.log(s.depotSizes, s.depotFullFrees, s.liveRanges, s.cachedPfns);
