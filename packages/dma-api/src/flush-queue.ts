/**
 * The iommu-dma flush queue (drivers/iommu/dma-iommu.c queue_iova, fq_ring_free,
 * fq_flush_iotlb, fq_flush_timeout): lazy unmaps park their IOVA in a per-CPU ring
 * with the flush generation they were queued in; a timer (IOVA_FQ_TIMEOUT = 10 ms,
 * in jiffies) or a full ring flushes the whole IOTLB and releases everything queued
 * before that flush. One CPU is modelled; time comes from the machine's clock.
 */
export interface FqEntry {
  readonly pfn: number;
  readonly pages: number;
  readonly counter: number;
  /** Frees the page-table pages the unmap detached (the entry's freelist). */
  readonly release?: () => void;
}

export interface FlushQueueHooks {
  /** domain->ops->flush_iotlb_all. */
  flushIotlbAll(): void;
  /** free_iova_fast back to the allocator. */
  freeIova(pfn: number, pages: number): void;
  /** Arm the timer: the machine calls `timeout()` at the returned time. */
  armTimer(atMs: number): void;
}

export class FlushQueue {
  /** Ring capacity: IOVA_FQ_SIZE (a full ring holds size - 1 entries). */
  static readonly SIZE = 256;
  static readonly TIMEOUT_MS = 10;
  private readonly ring: FqEntry[] = [];
  private flushStart = 0;
  private flushFinish = 0;
  private timerOn = false;
  flushes = 0;

  constructor(
    private readonly hooks: FlushQueueHooks,
    private readonly hz: number,
  ) {}

  get pending(): readonly FqEntry[] {
    return this.ring;
  }

  /** queue_iova. */
  queue(pfn: number, pages: number, now: number, release?: () => void): void {
    this.ringFree();
    if (this.ring.length >= FlushQueue.SIZE - 1) {
      this.flushIotlb();
      this.ringFree();
    }
    this.ring.push(release ? { pfn, pages, counter: this.flushStart, release } : { pfn, pages, counter: this.flushStart });
    if (!this.timerOn) {
      this.timerOn = true;
      this.hooks.armTimer(timerExpiry(now, FlushQueue.TIMEOUT_MS, this.hz));
    }
  }

  /** fq_flush_timeout. */
  timeout(): void {
    this.timerOn = false;
    this.flushIotlb();
    this.ringFree();
  }

  private flushIotlb(): void {
    this.flushStart++;
    this.hooks.flushIotlbAll();
    this.flushes++;
    this.flushFinish++;
  }

  /** fq_ring_free: release entries queued before the last finished flush, oldest first. */
  private ringFree(): void {
    while (this.ring.length > 0 && this.ring[0]!.counter < this.flushFinish) {
      const e = this.ring.shift()!;
      e.release?.(); // put_pages_list(&entry->freelist)
      this.hooks.freeIova(e.pfn, e.pages);
    }
  }
}

/**
 * mod_timer(jiffies + msecs_to_jiffies(ms)): the timer fires at the start of the jiffy
 * that many ticks after the current one.
 */
export function timerExpiry(nowMs: number, ms: number, hz: number): number {
  const tick = 1000 / hz;
  const jiffiesNow = Math.floor(nowMs / tick);
  const delta = Math.ceil((ms * hz) / 1000);
  return (jiffiesNow + delta) * tick;
}
