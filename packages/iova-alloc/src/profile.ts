/** Kernel releases the model covers. */
export type IovaRelease = '6.1' | '6.12' | '6.19';

/** iova.c behaviour that changed between releases. */
export interface IovaProfile {
  readonly release: IovaRelease;
  /**
   * rcache depot per bucket.
   * - `array32` (≤ 6.6): fixed array of MAX_GLOBAL_MAGS = 32 full magazines; a full depot
   *   makes `__iova_rcache_insert` free the full loaded magazine back to the tree
   *   (`iova_magazine_free_pfns`); `free_global_cached_iovas` walks it from index 0.
   * - `list-trim` (6.7+, "iommu/iova: Make the rcache depot scale better" and
   *   "iommu/iova: Manage the depot list size"): unbounded LIFO list; every push
   *   schedules `iova_depot_work_func` in IOVA_DEPOT_DELAY (100 ms), which frees one
   *   magazine per run while depot_size > num_online_cpus() and reschedules itself.
   */
  readonly depot: 'array32' | 'list-trim';
}

export const iovaProfiles: Readonly<Record<IovaRelease, IovaProfile>> = {
  '6.1': { release: '6.1', depot: 'array32' },
  '6.12': { release: '6.12', depot: 'list-trim' },
  '6.19': { release: '6.19', depot: 'list-trim' },
};

/** The newest modelled release: the default. */
export const DEFAULT_IOVA_PROFILE: IovaProfile = iovaProfiles['6.19'];
