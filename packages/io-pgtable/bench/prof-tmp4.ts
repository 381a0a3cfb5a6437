import { PhysMem } from '@dmasim/physmem';
import { fillRun } from '../src/num.js';
const mem = new PhysMem({ size: 1n << 30n });
const views: Uint32Array[] = [];
for (let p = 1; p <= 8; p++) { const b = mem.pageBytes(p); views.push(new Uint32Array(b.buffer, b.byteOffset, 1024)); }
const plain: Uint32Array[] = [];
for (let p = 1; p <= 8; p++) { const b = new Uint8Array(4096); plain.push(new Uint32Array(b.buffer, b.byteOffset, 1024)); }
for (const [name, vs] of [['plain', plain], ['physmem', views], ['plain2', plain]] as const) {
  const res: number[] = [];
  for (let r = 0; r < 3000; r++) {
    for (const v of vs) v.fill(0);
    const t0 = performance.now();
    for (const v of vs) { fillRun(v, 0, 256, 0x40003 + r * 4096, 1, 4096); fillRun(v, 256, 256, 0x40003, 1, 4096); }
    res.push(((performance.now() - t0) * 1e6) / 16);
  }
  res.sort((a, b) => a - b);
  console.log(name, 'ns per 256', res[1500]!.toFixed(0));
}
