/**
 * An IOTLB: translations the hardware cached after successful walks, tagged by
 * domain. Strict unmaps invalidate the range at once; lazy (flush-queue) unmaps leave
 * entries until the queue's flush-all, which is why a device can still reach an
 * unmapped IOVA for a while in lazy mode. Deterministic: every successful walk is
 * cached and nothing is evicted except by invalidation.
 */
export interface IotlbEntry {
  readonly paPfn: number;
  readonly read: boolean;
  readonly write: boolean;
}

export class Iotlb {
  private readonly byDomain = new Map<number, Map<number, IotlbEntry>>();
  hits = 0;
  misses = 0;
  invalidations = 0;

  lookup(domainId: number, iovaPfn: number): IotlbEntry | undefined {
    const e = this.byDomain.get(domainId)?.get(iovaPfn);
    if (e) this.hits++;
    else this.misses++;
    return e;
  }

  fill(domainId: number, iovaPfn: number, e: IotlbEntry): void {
    let m = this.byDomain.get(domainId);
    if (!m) {
      m = new Map();
      this.byDomain.set(domainId, m);
    }
    m.set(iovaPfn, e);
  }

  flushAll(domainId: number): void {
    this.invalidations++;
    this.byDomain.delete(domainId);
  }

  flushRange(domainId: number, firstPfn: number, pages: number): void {
    this.invalidations++;
    const m = this.byDomain.get(domainId);
    if (!m) return;
    if (pages > m.size) {
      for (const k of [...m.keys()]) if (k >= firstPfn && k < firstPfn + pages) m.delete(k);
    } else {
      for (let p = firstPfn; p < firstPfn + pages; p++) m.delete(p);
    }
  }

  size(domainId: number): number {
    return this.byDomain.get(domainId)?.size ?? 0;
  }
}
