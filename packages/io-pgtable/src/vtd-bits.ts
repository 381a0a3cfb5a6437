/**
 * Intel VT-d entry bits (Intel VT-d spec §9.8 second-stage, §9.7 first-stage;
 * drivers/iommu/intel/iommu.h DMA_PTE_* / DMA_FL_PTE_*, generic_pt fmt/vtdss.h, fmt/x86_64.h).
 */
export const SS_R = 0x1;
export const SS_W = 0x2;
export const SS_PS = 0x80;
export const SS_A = 0x100;
export const SS_D = 0x200;
export const SS_SNP = 0x800;
/** fmt/vtdss.h vtdss_pt_sw_bit(0): bit 10, Ignored by the hardware; generic_pt's SW_BIT_CACHE_FLUSH_DONE. */
export const SS_SW0 = 0x400;

export const FL_P = 0x1;
export const FL_RW = 0x2;
export const FL_US = 0x4;
export const FL_PWT = 0x8;
export const FL_PCD = 0x10;
export const FL_A = 0x20;
export const FL_D = 0x40;
export const FL_PS = 0x80;
/** XD is PTE bit 63 = bit 31 of the high half. */
export const FL_XD_HI = 0x80000000;

export function ssFlags(k: number, lo: number): string[] {
  const f: string[] = [];
  if (lo & SS_R) f.push('R');
  if (lo & SS_W) f.push('W');
  if (k > 0 && lo & SS_PS) f.push('PS');
  if (lo & SS_A) f.push('A');
  if (lo & SS_D) f.push('D');
  if (lo & SS_SW0) f.push('SW0');
  if (lo & SS_SNP) f.push('SNP');
  return f;
}

export function x86Flags(k: number, lo: number, hi: number): string[] {
  const f: string[] = [];
  if (lo & FL_P) f.push('P');
  if (lo & FL_RW) f.push('RW');
  if (lo & FL_US) f.push('US');
  if (lo & FL_PWT) f.push('PWT');
  if (lo & FL_PCD) f.push('PCD');
  if (lo & FL_A) f.push('A');
  if (lo & FL_D) f.push('D');
  if (k > 0 && lo & FL_PS) f.push('PS');
  if (hi & FL_XD_HI) f.push('XD');
  return f;
}

/** Second-stage hardware checks, identical for every kernel (the hardware does not change). */
export function ssHwCheck(k: number, lo: number, write: boolean, sp2M: boolean, sp1G: boolean): 'no-read' | 'no-write' | 'reserved-bits' | null {
  if ((lo & 3) !== 0 && lo & SS_PS && (k >= 3 || (k === 2 && !sp1G) || (k === 1 && !sp2M))) return 'reserved-bits';
  if (write) return lo & SS_W ? null : 'no-write';
  return lo & SS_R ? null : 'no-read';
}

/** First-stage (x86 long mode) hardware checks for a user-mode DMA request. */
export function flHwCheck(k: number, lo: number, write: boolean, sp1G: boolean): 'not-present' | 'no-write' | 'reserved-bits' | 'user-priv' | null {
  if (!(lo & FL_P)) return 'not-present';
  if (lo & FL_PS && (k >= 3 || (k === 2 && !sp1G))) return 'reserved-bits';
  if (write && !(lo & FL_RW)) return 'no-write';
  if (!(lo & FL_US)) return 'user-priv';
  return null;
}
