import { Harness, defaultConfig } from './src/testing/property.ts';
import * as P from './src/testing/property.ts';
for (let seed = 1; seed <= 20; seed++) {
  const cfg = defaultConfig(seed, 14000, 'rcache');
  const r = P.runProperty(cfg);
  console.log(seed, cfg.release, cfg.granule, cfg.cpus, r.calls, r.mismatch?.slice(0,200));
}
