import { PageAllocator, PhysMem } from '@dmasim/physmem';
import { createVtdSecondStage, pgtableProfiles, IotlbGather } from '@dmasim/io-pgtable';
const rel = (process.argv[2] ?? '6.12') as '6.12';
const mem = new PhysMem({ size: 8n << 30n });
const pages = new PageAllocator(mem);
const pt = createVtdSecondStage({ mem, pages, profile: pgtableProfiles[rel], addressWidth: 48 });
const P = 65536;
const g = new IotlbGather();
const iovas = Array.from({ length: P / 256 }, (_, i) => BigInt(i) * 256n * 4096n);
const pas = Array.from({ length: P / 256 }, (_, i) => 0x100000000n + BigInt(i) * 256n * 4096n);
pt.mapPages(0n, 0x100000000n, 0x1000n, P, 3);
const res: number[] = [];
for (let r = 0; r < 40; r++) {
  for (let i = 0; i < P; i += 256) pt.unmapPages(BigInt(i) * 4096n, 0x1000n, 1, g), pt.unmapPages(BigInt(i) * 4096n + 4096n, 0x1000n, 255, g);
  pt.releaseGathered(g); pt.events.length = 0;
  const t0 = performance.now();
  for (let c = 0; c < P / 256; c++) pt.mapPages(iovas[c]!, pas[c]!, 0x1000n, 256, 3);
  res.push(((performance.now() - t0) * 1e6) / (P / 256));
}
res.sort((a, b) => a - b);
console.log(rel, 'median ns per 256-map', res[20]!.toFixed(0), 'min', res[0]!.toFixed(0));
