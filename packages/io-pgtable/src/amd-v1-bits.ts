import { POW2, TWO20 } from './num.js';
import type { WalkFault } from './types.js';

/**
 * AMD IOMMU v1 host page-table entry bits (AMD IOMMU spec §2.2.3; amd_iommu_types.h
 * IOMMU_PTE_*, PM_*; generic_pt fmt/amdv1.h AMDV1PT_FMT_*). High-half bit n is PTE bit n+32.
 */
export const AMD_PR = 0x1;
/** A (bit 5) and D (bit 6): set by the IOMMU when DTE.HAD enables host access/dirty updates. */
export const AMD_A = 0x20;
export const AMD_D = 0x40;
export const AMD_NL_SHIFT = 9;
export const AMD_FC_HI = 1 << 28; // bit 60
export const AMD_IR_HI = 1 << 29; // bit 61
export const AMD_IW_HI = 1 << 30; // bit 62

export function nlOf(lo: number): number {
  return (lo >>> AMD_NL_SHIFT) & 7;
}

/** Software view shared by both implementations: NL 0 or 7 (or level 0) is a leaf. */
export function amdIsLeaf(k: number, lo: number): boolean {
  const nl = nlOf(lo);
  return k === 0 || nl === 0 || nl === 7;
}

/** Address field (bits 51:12) as a page number. */
export function amdAddrPfn(lo: number, hi: number): number {
  return (hi & 0xfffff) * TWO20 + (lo >>> 12);
}

/**
 * log2 of the page an NL=7 entry maps: PTE_PAGE_SIZE(pte) = 2^(1 + ffz(pte | 0xfff)),
 * i.e. the run of ones that starts at address bit 12 encodes the size.
 */
export function amdNl7Shift(lo: number, hi: number): number {
  const x = ~(lo | 0xfff);
  if (x !== 0) return 1 + (31 - Math.clz32(x & -x));
  const y = ~hi;
  return 1 + 32 + (y === 0 ? 32 : 31 - Math.clz32(y & -y));
}

/** Output page of a leaf (start of the whole page for NL=7 entries). */
export function amdLeafPfn(lo: number, hi: number): number {
  const pfn = amdAddrPfn(lo, hi);
  if (nlOf(lo) !== 7) return pfn;
  const pages = POW2[amdNl7Shift(lo, hi) - 12]!;
  return Math.floor(pfn / pages) * pages; // pages is a power of two: exact
}

export function amdFlags(lo: number, hi: number): string[] {
  const f = ['PR'];
  const nl = nlOf(lo);
  f.push(`NL=${nl}`);
  if (lo & AMD_A) f.push('A');
  if (lo & AMD_D) f.push('D');
  if (hi & AMD_FC_HI) f.push('FC');
  if (hi & AMD_IR_HI) f.push('IR');
  if (hi & AMD_IW_HI) f.push('IW');
  return f;
}

/**
 * Hardware checks for one entry: PR, then IR/IW (ANDed down the walk), then the NextLevel
 * field. The model does not implement level skipping (Linux never writes it): any NL other
 * than 0, 7 or the entry's own level is reported as a reserved-field fault.
 */
export function amdHwCheck(k: number, lo: number, hi: number, write: boolean): WalkFault | null {
  if (!(lo & AMD_PR)) return 'not-present';
  if (write ? !(hi & AMD_IW_HI) : !(hi & AMD_IR_HI)) return write ? 'no-write' : 'no-read';
  const nl = nlOf(lo);
  if (k === 0 ? nl !== 0 && nl !== 7 : nl !== 0 && nl !== 7 && nl !== k) return 'reserved-bits';
  return null;
}
