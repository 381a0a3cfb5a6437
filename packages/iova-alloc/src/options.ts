import { isCount, roundupPowOfTwo } from './bits.js';
import type { IovaClock } from './clock.js';
import { MAX_PFN } from './constants.js';
import { IovaError } from './errors.js';
import type { IovaProfile } from './profile.js';

const MAX_CPUS = 4096;

export interface IovaDomainOptions {
  /** Bytes per IOVA granule: a power of two, at most the CPU page size (64 KiB here). */
  readonly granule: number;
  /** Lowest pfn handed out (dma-iommu uses 1: IOVA page 0 is never returned). */
  readonly startPfn: number;
  /** Possible CPUs (each has its own magazines); default 1. All start online. */
  readonly cpus?: number;
  /** Time source for the depot-trim work; default: a ManualClock driven by advanceTime(). */
  readonly clock?: IovaClock;
  /** Kernel release behaviour; default the newest (iovaProfiles['6.19']). */
  readonly profile?: IovaProfile;
  /** Highest pfn counted as free space by stats(); default the top of the 64-bit space. */
  readonly topPfn?: number;
}

/** init_iova_domain's preconditions plus the model's own limits. */
export function checkOptions(opts: IovaDomainOptions | undefined): IovaError | undefined {
  const bad = (msg: string): IovaError => new IovaError('IOVA_BAD_OPTIONS', msg);
  if (typeof opts !== 'object') return bad('options object required: { granule, startPfn }');
  const g = opts.granule;
  // iova.c init_iova_domain: BUG_ON(granule > PAGE_SIZE || !is_power_of_2(granule))
  if (!isCount(g) || g === 0 || g > 65536 || roundupPowOfTwo(g) !== g) {
    return bad(`granule ${String(g)}: need a power of two between 1 and 65536 bytes (at most the CPU page size)`);
  }
  if (!isCount(opts.startPfn) || opts.startPfn > MAX_PFN) return bad(`startPfn ${String(opts.startPfn)}: need an integer 0..${MAX_PFN}`);
  if (opts.cpus !== undefined && (!isCount(opts.cpus) || opts.cpus < 1 || opts.cpus > MAX_CPUS)) {
    return bad(`cpus ${String(opts.cpus)}: need an integer 1..${MAX_CPUS}`);
  }
  if (opts.clock !== undefined && typeof (opts.clock as { now?: unknown }).now !== 'function') {
    return bad('clock: need an object with now(): number (milliseconds)');
  }
  const p = opts.profile;
  if (p !== undefined && (typeof p !== 'object' || (p.depot !== 'array32' && p.depot !== 'list-trim'))) {
    return bad("profile: use one of iovaProfiles (depot 'array32' or 'list-trim')");
  }
  if (opts.topPfn !== undefined && (!isCount(opts.topPfn) || opts.topPfn > MAX_PFN)) {
    return bad(`topPfn ${String(opts.topPfn)}: need an integer 0..${MAX_PFN}`);
  }
  return undefined;
}
