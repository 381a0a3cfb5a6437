/** include/linux/iova.h, drivers/iommu/iova.c constants (values confirmed in iova.c). */

/** iova.c IOVA_RANGE_CACHE_MAX_SIZE: rcache buckets 0..5 (sizes up to 32 granules). */
export const IOVA_RANGE_CACHE_MAX_SIZE = 6;

/** iova.c IOVA_MAG_SIZE: pfns per magazine (127 since 6.0, so a magazine is 1 KiB). */
export const IOVA_MAG_SIZE = 127;

/** iova.c MAX_GLOBAL_MAGS: depot capacity per bucket before 6.7 (fixed array). */
export const MAX_GLOBAL_MAGS = 32;

/** iova.c IOVA_DEPOT_DELAY: depot-trim delayed work period (6.7+), milliseconds. */
export const IOVA_DEPOT_DELAY_MS = 100;

/**
 * The anchor node. Linux uses pfn_lo = pfn_hi = ~0UL (iova.c IOVA_ANCHOR); the model
 * keeps pfns in JS numbers, so the anchor sits at 2^53-1 (Number.MAX_SAFE_INTEGER),
 * above every pfn the model accepts. Every comparison the kernel makes against the
 * anchor (limit < anchor.lo, retry_pfn < limit is false for the anchor) keeps its outcome.
 */
export const ANCHOR_PFN = Number.MAX_SAFE_INTEGER;

/** Largest pfn (and inclusive limit) the model accepts: one below the anchor. */
export const MAX_PFN = ANCHOR_PFN - 1;
