import { PageAllocator, PhysMem } from '@dmasim/physmem';
import { createVtdSecondStage, pgtableProfiles, IotlbGather } from '@dmasim/io-pgtable';
const rel = (process.argv[2] ?? '6.12') as '6.12';
const mem = new PhysMem({ size: 8n << 30n });
const pages = new PageAllocator(mem);
const pt = createVtdSecondStage({ mem, pages, profile: pgtableProfiles[rel], addressWidth: 48 });
pt.mapPages(0n, 0x100000000n, 0x1000n, 4096, 3);
const g = new IotlbGather();
const iovas = Array.from({ length: 4096 }, (_, i) => BigInt(i) * 4096n);
const pas = Array.from({ length: 4096 }, (_, i) => 0x100000000n + BigInt(i) * 4096n);
let tot = 0;
for (let r = 0; r < 3000; r++) {
  for (let i = 0; i < 4096; i += 256) pt.unmapPages(iovas[i]!, 0x1000n, 256, g);
  pt.releaseGathered(g);
  const t0 = performance.now();
  for (let i = 0; i < 4096; i += 256) pt.mapPages(iovas[i]!, pas[i]!, 0x1000n, 256, 3);
  if (r > 50) tot += performance.now() - t0;
}
console.log('ns per 256-map', (tot * 1e6) / (2949 * 16));
