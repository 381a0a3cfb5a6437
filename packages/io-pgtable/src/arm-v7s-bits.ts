import { IOMMU_CACHE, IOMMU_MMIO, IOMMU_NOEXEC, IOMMU_PRIV, IOMMU_READ, IOMMU_WRITE } from './prot.js';

/**
 * Arm v7 short-descriptor entries as drivers/iommu/io-pgtable-arm-v7s.c builds them. All
 * values are u32 numbers (`>>> 0`); physical addresses are numbers below 2^35.
 */

export const V7S_TYPE_TABLE = 0x1; // level 1
export const V7S_TYPE_PAGE = 0x2; // section (level 1) / small page (level 2)
export const V7S_TYPE_CONT_PAGE = 0x1; // large page (level 2)
export const V7S_B = 1 << 2;
export const V7S_C = 1 << 3;
export const V7S_NS_TABLE = 1 << 3;
export const V7S_NS_SECTION = 1 << 19;
export const V7S_CONT_SECTION = 1 << 18;
const CONT_PAGE_XN_SHIFT = 15;
const CONT_PAGE_TEX_SHIFT = 6;
const CONT_PAGE_TEX_MASK = 0x7 << CONT_PAGE_TEX_SHIFT;
export const V7S_CONT_PAGES = 16;

// the 8-bit attribute block, shifted to bits 17:10 (level 1) or 11:4 (level 2)
export const ATTR_AP0_AF = 1 << 0;
export const ATTR_AP1_UNPRIV = 1 << 1;
export const ATTR_AP2_RDONLY = 1 << 5;
export const ATTR_S = 1 << 6;
export const ATTR_NG = 1 << 7;
const TEX_SHIFT = 2;
const TEX_MASK = 0x7;

// IO_PGTABLE_QUIRK_ARM_MTK_EXT: PA bits 32/33/34 in PTE bits 9/4/5
const MTK_PA_BIT32 = 1 << 9;
const MTK_PA_BIT33 = 1 << 4;
const MTK_PA_BIT34 = 1 << 5;
const TWO32 = 4294967296;

/** ARM_V7S_ATTR_SHIFT */
export const attrShift = (lvl: number): number => 16 - lvl * 6;
/** ARM_V7S_ATTR_XN */
export const xnBit = (lvl: number): number => 1 << (4 * (2 - lvl));
/** ARM_V7S_LVL_SHIFT */
export const lvlShift = (lvl: number): number => (lvl === 1 ? 20 : 12);
/** ARM_V7S_LVL_MASK as a u32 */
export const lvlMask = (lvl: number): number => (lvl === 1 ? 0xfff00000 : 0xfffff000);

export const isValid = (pte: number): boolean => (pte & 3) !== 0;
/** ARM_V7S_PTE_IS_TABLE */
export const isTable = (pte: number, lvl: number): boolean => lvl === 1 && (pte & 3) === V7S_TYPE_TABLE;

/** arm_v7s_pte_is_cont: a supersection (level 1) or a large page (level 2). */
export function isCont(pte: number, lvl: number): boolean {
  if (lvl === 1 && !isTable(pte, lvl)) return (pte & V7S_CONT_SECTION) !== 0;
  if (lvl === 2) return (pte & V7S_TYPE_PAGE) === 0;
  return false;
}

/** arm_v7s_prot_to_pte */
export function protToPte(prot: number, lvl: number, noPerms: boolean, ns: boolean): number {
  const ap = !noPerms;
  let attr = ATTR_NG | ATTR_S;
  if (!(prot & IOMMU_MMIO)) attr |= 1 << TEX_SHIFT; // TEX=001
  if (ap) {
    attr |= ATTR_AP0_AF;
    if (!(prot & IOMMU_PRIV)) attr |= ATTR_AP1_UNPRIV;
    if (!(prot & IOMMU_WRITE)) attr |= ATTR_AP2_RDONLY;
  }
  let pte = attr << attrShift(lvl);
  if (prot & IOMMU_NOEXEC && ap) pte |= xnBit(lvl);
  if (prot & IOMMU_MMIO) pte |= V7S_B;
  else if (prot & IOMMU_CACHE) pte |= V7S_B | V7S_C;
  pte |= V7S_TYPE_PAGE;
  if (lvl === 1 && ns) pte |= V7S_NS_SECTION;
  return pte >>> 0;
}

/** arm_v7s_pte_to_cont: supersection bit, or the large-page layout (XN → bit 15, TEX → bits 14:12). */
export function pteToCont(pte: number, lvl: number): number {
  if (lvl === 1) return (pte | V7S_CONT_SECTION) >>> 0;
  const xn = pte & xnBit(2);
  const tex = pte & CONT_PAGE_TEX_MASK;
  pte ^= xn | tex | V7S_TYPE_PAGE;
  return (pte | (xn << CONT_PAGE_XN_SHIFT) | (tex << CONT_PAGE_TEX_SHIFT) | V7S_TYPE_CONT_PAGE) >>> 0;
}

/** arm_v7s_cont_to_pte (≤ 6.13, used when splitting a contiguous entry). */
export function contToPte(pte: number, lvl: number): number {
  if (lvl === 1) return (pte & ~V7S_CONT_SECTION) >>> 0;
  const xn = pte & (1 << CONT_PAGE_XN_SHIFT);
  const tex = pte & (CONT_PAGE_TEX_MASK << CONT_PAGE_TEX_SHIFT);
  pte ^= xn | tex | V7S_TYPE_CONT_PAGE;
  return (pte | (xn >>> CONT_PAGE_XN_SHIFT) | (tex >>> CONT_PAGE_TEX_SHIFT) | V7S_TYPE_PAGE) >>> 0;
}

/** arm_v7s_pte_to_prot (≤ 6.13): the prot a section is re-encoded from when it is split. */
export function pteToProt(pte: number, lvl: number): number {
  let prot = IOMMU_READ;
  const attr = pte >>> attrShift(lvl);
  if (!(attr & ATTR_AP2_RDONLY)) prot |= IOMMU_WRITE;
  if (!(attr & ATTR_AP1_UNPRIV)) prot |= IOMMU_PRIV;
  if ((attr & (TEX_MASK << TEX_SHIFT)) === 0) prot |= IOMMU_MMIO;
  else if (pte & V7S_C) prot |= IOMMU_CACHE;
  if (pte & xnBit(lvl)) prot |= IOMMU_NOEXEC;
  return prot;
}

/** to_mtk_iopte */
export function toMtk(pa: number, pte: number): number {
  const high = Math.floor(pa / TWO32);
  if (high & 1) pte |= MTK_PA_BIT32;
  if (high & 2) pte |= MTK_PA_BIT33;
  if (high & 4) pte |= MTK_PA_BIT34;
  return pte >>> 0;
}

/** paddr_to_iopte: the address field of a leaf at `lvl`. */
export function paddrToPte(pa: number, lvl: number, mtk: boolean): number {
  const pte = (pa & lvlMask(lvl)) >>> 0;
  return mtk ? toMtk(pa, pte) : pte;
}

/** iopte_to_paddr: table, contiguous and plain masks, plus the MediaTek high bits. */
export function pteToPaddr(pte: number, lvl: number, mtk: boolean): number {
  let mask: number;
  if (isTable(pte, lvl)) mask = 0xfffffc00;
  else if (isCont(pte, lvl)) mask = lvl === 1 ? 0xff000000 : 0xffff0000;
  else mask = lvlMask(lvl);
  let pa = (pte & mask) >>> 0;
  if (mtk) {
    if (pte & MTK_PA_BIT32) pa += TWO32;
    if (pte & MTK_PA_BIT33) pa += 2 * TWO32;
    if (pte & MTK_PA_BIT34) pa += 4 * TWO32;
  }
  return pa;
}

/** log2 size mapped by a leaf entry at `lvl` (section 20, supersection 24, page 12, large page 16). */
export const leafShift = (pte: number, lvl: number): number => lvlShift(lvl) + (isCont(pte, lvl) ? 4 : 0);

/** Readable names of a v7s entry's fields (for dumps). */
export function v7sFlags(pte: number, lvl: number, mtk: boolean): string[] {
  if (isTable(pte, lvl)) return pte & V7S_NS_TABLE ? ['TABLE', 'NS_TABLE'] : ['TABLE'];
  const cont = isCont(pte, lvl);
  const f = [lvl === 1 ? (cont ? 'SUPERSECTION' : 'SECTION') : cont ? 'LARGE' : 'PAGE'];
  const attr = (pte >>> attrShift(lvl)) & 0xff;
  const tex = lvl === 2 && cont ? (pte >>> 12) & 7 : (attr >>> TEX_SHIFT) & TEX_MASK;
  if (!(mtk && lvl === 2) && attr & ATTR_AP0_AF) f.push('AF');
  if (attr & ATTR_AP1_UNPRIV) f.push('AP-unpriv');
  f.push(attr & ATTR_AP2_RDONLY ? 'RO' : 'RW');
  f.push(`TEX=${tex}`);
  if (pte & V7S_B) f.push('B');
  if (pte & V7S_C) f.push('C');
  if (attr & ATTR_S) f.push('S');
  if (attr & ATTR_NG) f.push('nG');
  const xn = lvl === 2 && cont ? pte & (1 << CONT_PAGE_XN_SHIFT) : pte & xnBit(lvl);
  if (xn && !mtk) f.push('XN');
  if (lvl === 1 && pte & V7S_NS_SECTION) f.push('NS');
  return f;
}
