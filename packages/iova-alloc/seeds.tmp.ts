import { runProperty, defaultConfig } from './src/testing/property.ts';
for (let seed = 1; seed <= 30; seed++) { const c = defaultConfig(seed, 20000, 'rcache'); const t=Date.now(); const r = runProperty(c); console.log(seed, c.release, c.granule, c.cpus, r.stats?.depotFullFrees, r.stats?.depotTrims, Date.now()-t, r.mismatch?.slice(0,100)); }
