import { PageAllocator, PhysMem } from '@dmasim/physmem';
import { createVtdSecondStage, pgtableProfiles, IotlbGather } from '@dmasim/io-pgtable';
const rel = (process.argv[2] ?? '6.12') as '6.12';
const mem = new PhysMem({ size: 8n << 30n });
const pages = new PageAllocator(mem);
const pt = createVtdSecondStage({ mem, pages, profile: pgtableProfiles[rel], addressWidth: 48 });
const g = new IotlbGather();
for (const cnt of [256]) {
  const P = 4096;
  const n = P / cnt;
  const iovas = Array.from({ length: n }, (_, i) => BigInt(i * cnt) * 4096n);
  const pas = Array.from({ length: n }, (_, i) => 0x100000000n + BigInt(i * cnt) * 4096n);
  pt.mapPages(0n, 0x100000000n, 0x1000n, P, 3);
  const res: number[] = [];
  for (let r = 0; r < 3000; r++) {
    for (let c = 0; c < n; c++) pt.unmapPages(iovas[c]!, 0x1000n, cnt, g);
    pt.releaseGathered(g); pt.events.length = 0;
    const t0 = performance.now();
    for (let c = 0; c < n; c++) pt.mapPages(iovas[c]!, pas[c]!, 0x1000n, cnt, 3);
    res.push(((performance.now() - t0) * 1e6) / n);
  }
  res.sort((a, b) => a - b);
  console.log(rel, cnt, 'median ns per map', res[1500]!.toFixed(0), 'per page', (res[1500]! / cnt).toFixed(1));
}
