import { PgtableError } from './errors.js';
import { ctz } from './num.js';
import type { IoPgtableQuirk, PgtableProfile } from './profile.js';

/** Which `enum io_pgtable_fmt` member of io-pgtable-arm.c a table models. */
export type ArmLpaeVariant = 'arm64' | 'arm32' | 'mali';

/** IO_PGTABLE_QUIRK_* bits an io-pgtable-arm table may carry. */
export interface ArmLpaeQuirkSet {
  ns: boolean;
  noWarn: boolean;
  ttbr1: boolean;
  outerWbwa: boolean;
  hd: boolean;
  s2fwb: boolean;
}

export interface ArmLpaeOptions {
  variant: ArmLpaeVariant;
  /** Mali tables are stage-1 shaped; `stage` is 1 for them. */
  stage: 1 | 2;
  granule: 4096 | 16384 | 65536;
  ias: number;
  oas: number;
  quirks: ArmLpaeQuirkSet;
  /** cfg->coherent_walk: selects the TCR/VTCR shareability and cacheability fields. */
  coherentWalk: boolean;
}

export interface ArmS1Registers {
  ttbr: bigint;
  tcr: { tsz: number; irgn: number; orgn: number; sh: number; tg: number; ips: number };
  mair: bigint;
}
export interface ArmS2Registers {
  vttbr: bigint;
  vtcr: { tsz: number; irgn: number; orgn: number; sh: number; tg: number; sl: number; ps: number };
}
/** cfg->arm_mali_lpae_cfg (arm_mali_lpae_alloc_pgtable). */
export interface ArmMaliRegisters {
  transtab: bigint;
  memattr: bigint;
}

export interface ArmLpaeGeometry {
  format: string;
  pgShift: number;
  bpl: number;
  ias: number;
  oas: number;
  bitmap: bigint;
  startLvl: number;
  pgdBits: number;
  /** IPS / PS encoding of oas (absent for Mali, which has none). */
  ps: number;
}

// IPS/PS field values (ARM_LPAE_TCR_PS_*_BIT)
const PS_OF_OAS: Record<number, number> = { 32: 0, 36: 1, 40: 2, 42: 3, 44: 4, 48: 5, 52: 6 };
const QUIRK_NAME: Record<keyof ArmLpaeQuirkSet, IoPgtableQuirk> = {
  ns: 'ARM_NS',
  noWarn: 'NO_WARN',
  ttbr1: 'ARM_TTBR1',
  outerWbwa: 'ARM_OUTER_WBWA',
  hd: 'ARM_HD',
  s2fwb: 'ARM_S2FWB',
};
// arm_64_lpae_alloc_pgtable_s1 / _s2 and arm_mali_lpae_alloc_pgtable: quirks each format accepts
const S1_QUIRKS: IoPgtableQuirk[] = ['ARM_NS', 'ARM_TTBR1', 'ARM_OUTER_WBWA', 'ARM_HD', 'NO_WARN'];
const S2_QUIRKS: IoPgtableQuirk[] = ['ARM_S2FWB', 'NO_WARN'];

const bad = (msg: string): PgtableError => new PgtableError('PGTABLE_BAD_CONFIG', msg);

export function armFormatName(variant: ArmLpaeVariant, stage: 1 | 2): string {
  if (variant === 'mali') return 'arm-mali-lpae';
  return `arm-${variant === 'arm32' ? '32-' : ''}lpae-s${stage}`;
}

/** The quirks a table was asked for, checked against the format's allowed set and the release. */
export function checkArmQuirks(o: ArmLpaeOptions, profile: PgtableProfile): void {
  const fmt = armFormatName(o.variant, o.stage);
  const allowed = o.variant === 'mali' ? [] : o.stage === 1 ? S1_QUIRKS : S2_QUIRKS;
  for (const key of Object.keys(QUIRK_NAME) as (keyof ArmLpaeQuirkSet)[]) {
    if (!o.quirks[key]) continue;
    const q = QUIRK_NAME[key];
    if (!profile.ioPgtableQuirks.includes(q)) {
      throw bad(`${fmt}: IO_PGTABLE_QUIRK_${q} does not exist in Linux ${profile.release}`);
    }
    if (!allowed.includes(q)) {
      const list = allowed.length === 0 ? 'none' : allowed.join(', ');
      const what = o.variant === 'mali' ? 'ARM_MALI_LPAE' : `stage ${o.stage}`;
      throw bad(`${fmt}: quirk ${q} is not accepted at ${what} (allowed: ${list}); alloc_io_pgtable_ops returns NULL`);
    }
  }
  // arm_64_lpae_alloc_pgtable_s1: OUTER_WBWA only describes a non-coherent walker
  if (o.quirks.outerWbwa && o.coherentWalk) {
    throw bad(`${fmt}: ARM_OUTER_WBWA is refused with a coherent page-table walk (coherentWalk: true)`);
  }
}

/**
 * arm_lpae_restrict_pgsizes + arm_lpae_alloc_pgtable (+ the 32-bit and Mali limits, stage-2 pgd
 * concatenation under the profile's rule, the forced 4-level Mali table).
 */
export function armLpaeGeometry(o: ArmLpaeOptions, profile: PgtableProfile): ArmLpaeGeometry {
  const format = armFormatName(o.variant, o.stage);
  if (o.variant === 'arm32') {
    // arm_32_lpae_alloc_pgtable_s1/_s2
    const [maxIas, maxOas] = o.stage === 1 ? [32, 40] : [40, 40];
    if (o.ias > maxIas || o.oas > maxOas) throw bad(`${format}: needs ias ≤ ${maxIas} and oas ≤ ${maxOas} (got ${o.ias}/${o.oas})`);
  }
  if (o.variant === 'mali' && (o.ias > 48 || o.oas > 40)) throw bad(`${format}: needs ias ≤ 48 and oas ≤ 40 (got ${o.ias}/${o.oas})`);
  if (o.variant !== 'arm64' && o.granule !== 4096) {
    throw bad(`${format}: the pgsize bitmap is limited to 4K|2M|1G, so only the 4K granule exists`);
  }
  const pgShift = ctz(o.granule);
  const bpl = pgShift - 3;
  const maxBits = o.granule === 65536 ? 52 : 48;
  const ias = Math.min(o.ias, maxBits);
  const oas = Math.min(o.oas, maxBits);
  let bitmap = o.granule === 4096 ? 0x1000n | 0x200000n | 0x40000000n : o.granule === 16384 ? 0x4000n | 0x2000000n : 0x10000n | 0x20000000n;
  if (o.granule === 65536 && oas > 48) bitmap |= 1n << 42n;
  const vaBits = ias - pgShift;
  const levels = Math.ceil(vaBits / bpl);
  let startLvl = 4 - levels;
  let pgdBits = vaBits - bpl * (levels - 1);
  if (o.variant === 'mali') {
    // "Mali seems to need a full 4-level table regardless of IAS"
    if (startLvl > 0) {
      startLvl = 0;
      pgdBits = 0;
    }
    return { format, pgShift, bpl, ias, oas, bitmap, startLvl, pgdBits, ps: -1 };
  }
  if (o.stage === 2) {
    let concat: boolean;
    if (profile.armS2Concat === 'legacy') concat = startLvl === 0 && 2 ** pgdBits <= 16;
    else {
      // arm_lpae_concat_mandatory (Arm ARM K.a R_DXBSH / R_SRKBC)
      if (o.granule === 16384 && startLvl === 0) concat = oas === 48 || ias === 48;
      else if (o.granule === 4096 && startLvl === 0) concat = oas === 40 || oas === 42;
      else concat = o.granule === 16384 && startLvl === 1 && oas === 40;
      if (concat && 2 ** pgdBits > 16) throw bad(`${format}: concatenation is mandatory but the pgd has ${2 ** pgdBits} entries (> 16)`);
    }
    if (concat) {
      pgdBits += bpl;
      startLvl++;
    }
  }
  const ps = PS_OF_OAS[oas];
  if (ps === undefined) throw bad(`${format}: oas ${oas} has no IPS/PS encoding (32, 36, 40, 42, 44, 48 or 52)`);
  return { format, pgShift, bpl, ias, oas, bitmap, startLvl, pgdBits, ps };
}

/** The register values alloc_io_pgtable_ops hands the driver (arm_64_lpae_alloc_pgtable_s1/_s2, Mali). */
export function armLpaeRegisters(o: ArmLpaeOptions, g: ArmLpaeGeometry, pgdPa: bigint): ArmS1Registers | ArmS2Registers | ArmMaliRegisters {
  if (o.variant === 'mali') {
    // ARM_MALI_LPAE_TTBR_READ_INNER | ARM_MALI_LPAE_TTBR_ADRMODE_TABLE (| SHARE_OUTER if coherent)
    const transtab = pgdPa | 0x4n | 0x3n | (o.coherentWalk ? 0x10n : 0n);
    // idx0 IMP_DEF 0x88, idx1 WRITE_ALLOC 0x8D, idx2 IMP_DEF 0x88
    return { transtab, memattr: 0x888d88n };
  }
  const sh = o.coherentWalk ? 3 : 2;
  const irgn = o.coherentWalk ? 1 : 0;
  const orgn = o.coherentWalk || o.quirks.outerWbwa ? 1 : 0;
  if (o.stage === 1) {
    // TG0: 4K 0, 64K 1, 16K 2; TG1 (ARM_TTBR1): 16K 1, 4K 2, 64K 3 (io-pgtable-arm.h)
    const tg = o.quirks.ttbr1 ? (o.granule === 4096 ? 2 : o.granule === 16384 ? 1 : 3) : o.granule === 4096 ? 0 : o.granule === 65536 ? 1 : 2;
    // MAIR: idx0 Normal NC 0x44, idx1 WBRWA 0xff, idx2 Device nGnRE 0x04, idx3 inner NC/outer WBRWA 0xf4
    return { ttbr: pgdPa, tcr: { tsz: 64 - g.ias, irgn, orgn, sh, tg, ips: g.ps }, mair: 0xf404ff44n };
  }
  const tg = o.granule === 4096 ? 0 : o.granule === 65536 ? 1 : 2;
  const sl = g.startLvl + (o.granule === 4096 ? 1 : 0); // "SL0 format is different for 4K granule size"
  return { vttbr: pgdPa, vtcr: { tsz: 64 - g.ias, irgn, orgn, sh, tg, sl: ~sl & 3, ps: g.ps } };
}
