import { IOVA_MAG_SIZE, IOVA_RANGE_CACHE_MAX_SIZE } from './constants.js';

/** iova.c struct iova_magazine: up to IOVA_MAG_SIZE cached pfns. */
export class Magazine {
  size = 0;
  readonly pfns = new Float64Array(IOVA_MAG_SIZE);

  full(): boolean {
    return this.size === IOVA_MAG_SIZE;
  }
  empty(): boolean {
    return this.size === 0;
  }

  /** iova.c iova_magazine_push */
  push(pfn: number): void {
    this.pfns[this.size++] = pfn;
  }

  /**
   * iova.c iova_magazine_pop: scan from the last slot down for a pfn <= maxPfn, take it,
   * and fill the hole with the last element. Returns 0 when none qualifies (the kernel's
   * "no pfn" value; a cached pfn 0 is indistinguishable from a miss, as in Linux).
   */
  pop(maxPfn: number): number {
    const p = this.pfns;
    let i = this.size - 1;
    while (p[i]! > maxPfn) {
      if (i === 0) return 0;
      i--;
    }
    const pfn = p[i]!;
    p[i] = p[--this.size]!;
    return pfn;
  }
}

/** iova.c struct iova_cpu_rcache: one CPU's pair of magazines for one bucket. */
export class CpuRcache {
  loaded = new Magazine();
  prev = new Magazine();
  swap(): void {
    const t = this.loaded;
    this.loaded = this.prev;
    this.prev = t;
  }
}

/**
 * iova.c struct iova_rcache: one size bucket. `depot` is a stack of full magazines with
 * the most recently pushed one last (the list head in 6.7+, depot[depot_size-1] before).
 */
export class Rcache {
  readonly depot: Magazine[] = [];
  /** Delayed depot-trim work (6.7+): pending and when it is due (ms on the domain clock). */
  workPending = false;
  workDueMs = 0;
  constructor(
    readonly bucket: number,
    readonly cpus: CpuRcache[],
  ) {}
}

export function makeRcaches(cpus: number): Rcache[] {
  const out: Rcache[] = [];
  for (let b = 0; b < IOVA_RANGE_CACHE_MAX_SIZE; b++) {
    const per: CpuRcache[] = [];
    for (let c = 0; c < cpus; c++) per.push(new CpuRcache());
    out.push(new Rcache(b, per));
  }
  return out;
}
