/**
 * A deliberately simple, separately written reference model of drivers/iommu/iova.c,
 * used only to check IovaDomain. It follows the kernel text literally: a sorted array
 * stands in for the rbtree, rb_prev/rb_next are index -1/+1, the allocation loop walks
 * predecessors one by one, and pfn arithmetic is 64-bit unsigned (BigInt.asUintN), so
 * the `(high - size) & align_mask` wrap and the ~0UL anchor are the kernel's own.
 * It shares no code with the fast model (only the IovaProfile type and the clock).
 */
import type { IovaClock } from '../clock.js';
import type { IovaProfile } from '../profile.js';

const U64 = (1n << 64n) - 1n;
const ANCHOR = U64; // iova.c IOVA_ANCHOR ~0UL
const MAG_SIZE = 127;
const RANGE_CACHE_MAX_SIZE = 6;
const MAX_GLOBAL_MAGS = 32;
const DEPOT_DELAY = 100;
/** How the fast model reports the anchor (2^53 - 1). */
const MODEL_ANCHOR = Number.MAX_SAFE_INTEGER;

interface Node {
  lo: bigint;
  hi: bigint;
  reserved: boolean;
}

interface CpuCache {
  loaded: number[];
  prev: number[];
}

interface Bucket {
  cpu: CpuCache[];
  depot: number[][]; // last = next to pop
  pending: boolean;
  due: number;
}

function fls(x: bigint): number {
  let n = 0;
  while (x > 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}

function orderBase2(n: number): number {
  return n > 1 ? fls(BigInt(n - 1)) : 0;
}

function roundupPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export interface NaiveOptions {
  granule: number;
  startPfn: number;
  cpus?: number;
  clock: IovaClock;
  profile: IovaProfile;
}

export class NaiveIovaDomain {
  readonly start: bigint;
  readonly dma32: bigint;
  max32: bigint;
  nodes: Node[] = [];
  anchor: Node = { lo: ANCHOR, hi: ANCHOR, reserved: false };
  cached: Node;
  cached32: Node;
  buckets: Bucket[] = [];
  online: boolean[];
  readonly clock: IovaClock;
  readonly profile: IovaProfile;

  constructor(o: NaiveOptions) {
    let shift = 0;
    while (2 ** shift < o.granule) shift++;
    this.start = BigInt(o.startPfn);
    this.dma32 = 1n << BigInt(32 - shift);
    this.max32 = this.dma32;
    this.nodes.push(this.anchor);
    this.cached = this.anchor;
    this.cached32 = this.anchor;
    const cpus = o.cpus ?? 1;
    for (let b = 0; b < RANGE_CACHE_MAX_SIZE; b++) {
      const cpu: CpuCache[] = [];
      for (let c = 0; c < cpus; c++) cpu.push({ loaded: [], prev: [] });
      this.buckets.push({ cpu, depot: [], pending: false, due: 0 });
    }
    this.online = new Array<boolean>(cpus).fill(true);
    this.clock = o.clock;
    this.profile = o.profile;
  }

  private idx(n: Node): number {
    const i = this.nodes.indexOf(n);
    if (i < 0) throw new Error('naive: node not in tree');
    return i;
  }
  private nextNode(n: Node): Node {
    return this.nodes[this.idx(n) + 1]!;
  }

  private findLimit(limit: bigint): Node {
    // iova.c iova_find_limit: the anchor for 64-bit limits, else the first node reaching the limit
    if (limit > this.dma32) return this.anchor;
    for (const n of this.nodes) if (n.hi >= limit) return n;
    return this.anchor;
  }

  private insertSorted(n: Node): void {
    let i = 0;
    while (i < this.nodes.length && this.nodes[i]!.lo < n.lo) i++;
    if (i < this.nodes.length && this.nodes[i]!.lo === n.lo) throw new Error('naive: duplicate pfn_lo');
    this.nodes.splice(i, 0, n);
  }

  /** __alloc_and_insert_iova_range, literally. */
  private allocRange(size: number, limitPfn: bigint, aligned: boolean): Node | undefined {
    const sz = BigInt(size);
    let mask = U64;
    if (aligned) mask = BigInt.asUintN(64, mask << BigInt(fls(sz - 1n)));
    let high = limitPfn;
    let low = this.start;
    if (limitPfn <= this.dma32 && sz >= this.max32) return undefined;
    // curr is an index into the sorted array; rb_prev is index - 1, -1 means NULL.
    let curr = this.idx(limitPfn <= this.dma32 ? this.cached32 : this.cached);
    const retryPfn = this.nodes[curr]!.hi;
    let newPfn = 0n;
    let guard = 0;
    for (;;) {
      do {
        const c = this.nodes[curr]!;
        high = high < c.lo ? high : c.lo;
        newPfn = BigInt.asUintN(64, high - sz) & mask;
        curr--;
      } while (curr >= 0 && newPfn <= this.nodes[curr]!.hi && newPfn >= low);
      if (high < sz || newPfn < low) {
        if (low === this.start && retryPfn < limitPfn) {
          if (++guard > 1) throw new Error('naive: retry loop');
          high = limitPfn;
          low = retryPfn + 1n;
          curr = this.idx(this.findLimit(limitPfn));
          continue;
        }
        this.max32 = sz;
        return undefined;
      }
      break;
    }
    const n: Node = { lo: newPfn, hi: newPfn + sz - 1n, reserved: false };
    this.insertSorted(n);
    if (n.hi < this.dma32) this.cached32 = n;
    else this.cached = n;
    return n;
  }

  private find(pfn: bigint): Node | undefined {
    for (const n of this.nodes) if (pfn >= n.lo && pfn <= n.hi) return n;
    return undefined;
  }

  /** remove_iova: __cached_rbnode_delete_update then rb_erase. */
  private remove(f: Node): void {
    const c32 = this.cached32;
    if (f === c32 || (f.hi < this.dma32 && f.lo >= c32.lo)) this.cached32 = this.nextNode(f);
    if (f.lo < this.dma32) this.max32 = this.dma32;
    if (f.lo >= this.cached.lo) this.cached = this.nextNode(f);
    this.nodes.splice(this.idx(f), 1);
  }

  private freePfn(pfn: number): void {
    const n = this.find(BigInt(pfn));
    if (n && n !== this.anchor) this.remove(n);
  }

  // ------------------------------------------------------------ public

  allocIova(size: number, limitPfn: number, aligned: boolean): { pfnLo: number; pfnHi: number } | undefined {
    this.runWork();
    const n = this.allocRange(size, BigInt(limitPfn) + 1n, aligned);
    return n ? { pfnLo: Number(n.lo), pfnHi: Number(n.hi) } : undefined;
  }

  findIova(pfn: number): { pfnLo: number; pfnHi: number; reserved?: boolean } | undefined {
    this.runWork();
    const n = this.find(BigInt(pfn));
    return n && n !== this.anchor ? this.out(n) : undefined;
  }

  freeIova(pfn: number): void {
    this.runWork();
    this.freePfn(pfn);
  }

  reserveIova(lo: number, hi: number): { pfnLo: number; pfnHi: number; reserved?: boolean } | undefined {
    this.runWork();
    let plo = BigInt(lo);
    const phi = BigInt(hi);
    let overlap = false;
    for (const n of [...this.nodes]) {
      if (plo <= n.hi && phi >= n.lo) {
        if (plo < n.lo) n.lo = plo;
        if (phi > n.hi) plo = n.hi + 1n;
        n.reserved = true;
        if (plo >= n.lo && phi <= n.hi) return this.out(n);
        overlap = true;
      } else if (overlap) break;
    }
    const n: Node = { lo: plo, hi: phi, reserved: true };
    this.insertSorted(n);
    return this.out(n);
  }

  allocIovaFast(size: number, limitPfn: number, flush: boolean, cpu = 0): number {
    this.runWork();
    if (size < 32) size = roundupPow2(size);
    const limit = BigInt(limitPfn) + 1n;
    const b = orderBase2(size);
    if (b < RANGE_CACHE_MAX_SIZE) {
      const bk = this.buckets[b]!;
      const cc = bk.cpu[cpu]!;
      let have = false;
      if (cc.loaded.length > 0) have = true;
      else if (cc.prev.length > 0) {
        const t = cc.loaded;
        cc.loaded = cc.prev;
        cc.prev = t;
        have = true;
      } else if (bk.depot.length > 0) {
        cc.loaded = bk.depot.pop()!;
        have = true;
      }
      if (have) {
        const maxPfn = BigInt.asUintN(64, limit - BigInt(size));
        const m = cc.loaded;
        let i = m.length - 1;
        let got = 0;
        for (;;) {
          if (BigInt(m[i]!) <= maxPfn) {
            got = m[i]!;
            m[i] = m[m.length - 1]!;
            m.pop();
            break;
          }
          if (i === 0) break;
          i--;
        }
        if (got !== 0) return got;
      }
    }
    let n = this.allocRange(size, limit, true);
    if (!n) {
      if (!flush) return 0;
      for (let c = 0; c < this.online.length; c++) if (this.online[c]) this.freeCpu(c);
      for (const bk of this.buckets) {
        if (this.profile.depot === 'list-trim') {
          while (bk.depot.length > 0) this.freeMag(bk.depot.pop()!);
        } else {
          for (const m of bk.depot) this.freeMag(m);
          bk.depot = [];
        }
      }
      n = this.allocRange(size, limit, true);
      if (!n) return 0;
    }
    return Number(n.lo);
  }

  freeIovaFast(pfn: number, size: number, cpu = 0): void {
    this.runWork();
    const b = orderBase2(size);
    if (b >= RANGE_CACHE_MAX_SIZE) {
      this.freePfn(pfn);
      return;
    }
    const bk = this.buckets[b]!;
    const cc = bk.cpu[cpu]!;
    if (cc.loaded.length < MAG_SIZE) {
      cc.loaded.push(pfn);
      return;
    }
    if (cc.prev.length < MAG_SIZE) {
      const t = cc.loaded;
      cc.loaded = cc.prev;
      cc.prev = t;
      cc.loaded.push(pfn);
      return;
    }
    let toFree: number[] | undefined;
    if (this.profile.depot === 'list-trim') {
      bk.depot.push(cc.loaded);
      if (!bk.pending) {
        bk.pending = true;
        bk.due = this.clock.now() + DEPOT_DELAY;
      }
    } else if (bk.depot.length < MAX_GLOBAL_MAGS) bk.depot.push(cc.loaded);
    else toFree = cc.loaded;
    cc.loaded = [pfn];
    if (toFree) this.freeMag(toFree);
  }

  offlineCpu(cpu: number): void {
    this.runWork();
    this.online[cpu] = false;
    this.freeCpu(cpu);
  }

  /** Run due depot-trim works, each at its own due time, earliest first, bucket order on ties. */
  runWork(): void {
    const now = this.clock.now();
    for (;;) {
      let pick: Bucket | undefined;
      for (const bk of this.buckets) if (bk.pending && bk.due <= now && (!pick || bk.due < pick.due)) pick = bk;
      if (!pick) return;
      pick.pending = false;
      const onlineCpus = this.online.filter(Boolean).length;
      if (pick.depot.length > onlineCpus) {
        this.freeMag(pick.depot.pop()!);
        pick.pending = true;
        pick.due = pick.due + DEPOT_DELAY;
      }
    }
  }

  private freeMag(m: number[]): void {
    for (const pfn of m) {
      const n = this.find(BigInt(pfn));
      if (n && n !== this.anchor) this.remove(n);
    }
    m.length = 0;
  }

  private freeCpu(cpu: number): void {
    for (const bk of this.buckets) {
      this.freeMag(bk.cpu[cpu]!.loaded);
      this.freeMag(bk.cpu[cpu]!.prev);
    }
  }

  private out(n: Node): { pfnLo: number; pfnHi: number; reserved?: boolean } {
    return n.reserved ? { pfnLo: Number(n.lo), pfnHi: Number(n.hi), reserved: true } : { pfnLo: Number(n.lo), pfnHi: Number(n.hi) };
  }

  ranges(): { pfnLo: number; pfnHi: number; reserved?: boolean }[] {
    return this.nodes.filter((n) => n !== this.anchor).map((n) => this.out(n));
  }

  get max32AllocSize(): number {
    return Number(this.max32);
  }
  get cachedPfnLo(): number {
    return this.cached === this.anchor ? MODEL_ANCHOR : Number(this.cached.lo);
  }
  get cached32PfnLo(): number {
    return this.cached32 === this.anchor ? MODEL_ANCHOR : Number(this.cached32.lo);
  }

  /** Same shape as IovaDomain.rcacheSnapshot (without work times). */
  rcacheContents(): { loaded: number[]; prev: number[] }[][] {
    return this.buckets.map((bk) => bk.cpu.map((c) => ({ loaded: [...c.loaded], prev: [...c.prev] })));
  }
  depotContents(): number[][][] {
    return this.buckets.map((bk) => bk.depot.map((m) => [...m]));
  }
}
