/**
 * Header releases the uAPI tables describe. Each is a Debian `linux-libc-dev`
 * build whose compiled listing is the golden reference (test/golden/).
 */
export type VfioRelease = '6.1' | '6.12' | '7.2';

/** Oldest first. */
export const VFIO_RELEASES: readonly VfioRelease[] = ['6.1', '6.12', '7.2'];

const ORDER: Record<VfioRelease, number> = { '6.1': 0, '6.12': 1, '7.2': 2 };

export function isVfioRelease(s: string): s is VfioRelease {
  return s === '6.1' || s === '6.12' || s === '7.2';
}

/** A definition's lifetime across header releases (both ends inclusive, both optional). */
export interface Ranged {
  /** First header release that has it. */
  readonly since?: VfioRelease;
  /** Last header release that has it. */
  readonly until?: VfioRelease;
}

/** True when `release` lies in the definition's range. */
export function inRelease(release: VfioRelease, range: Ranged): boolean {
  const r = ORDER[release];
  if (range.since !== undefined && r < ORDER[range.since]) return false;
  if (range.until !== undefined && r > ORDER[range.until]) return false;
  return true;
}

/**
 * Kernel profiles the rest of dmasim names (6.1, 6.12, 6.19) mapped to the header
 * release whose uAPI they expose. 6.19 has no Debian header listing of its own; it
 * maps to the newest headers we have (7.2). Every 6.19 uAPI item exists there; the
 * 7.2 tables may also hold a few items 6.19 lacks (see README).
 */
const KERNEL_TO_UAPI: Readonly<Record<string, VfioRelease>> = {
  '6.1': '6.1',
  '6.12': '6.12',
  '6.19': '7.2',
  '7.2': '7.2',
};

export function uapiReleaseForKernel(kernel: string): VfioRelease | undefined {
  return KERNEL_TO_UAPI[kernel];
}
