import { IovaDomain } from './src/domain.ts';
import { XorShift32 } from './src/testing/xorshift.ts';
const d = new IovaDomain({ granule: 4096, startPfn: 1 });
console.log(d.dma32Pfn, d.topPfn, d.shift);
const r = new XorShift32(5); console.log(r.int(10), r.range(0, 64), r.next());
