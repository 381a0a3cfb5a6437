import { AmdV1Table } from './amd-v1-generic.js';
import { AppleDartTable } from './apple-dart.js';
import { ArmLpaeTable } from './arm-lpae.js';
import { ArmV7sTable } from './arm-v7s.js';
import { AmdV1LegacyTable } from './amd-v1-legacy.js';
import { AmdV2LegacyTable } from './amd-v2-legacy.js';
import { PgtableError } from './errors.js';
import { VtdssTable, X86_64Table } from './generic-formats.js';
import type { IoPgtableQuirk, PgtableProfile } from './profile.js';
import type { IoPageTable, PageTableConfig } from './types.js';
import { VtdLegacyTable } from './vtd-legacy.js';

const SZ_4K = 0x1000n;
const SZ_2M = 0x200000n;
const SZ_1G = 0x40000000n;

function checkCfg(cfg: PageTableConfig, what: string): void {
  if (typeof cfg !== 'object' || cfg === null || !cfg.mem || !cfg.pages || !cfg.profile) {
    throw new PgtableError('PGTABLE_BAD_CONFIG', `${what}: config needs mem, pages and profile`);
  }
}

export interface VtdSecondStageConfig extends PageTableConfig {
  /** Domain address width: 39 (AGAW 1, 3 levels), 48 (AGAW 2, 4 levels) or 57 (AGAW 3, 5 levels). */
  addressWidth: 39 | 48 | 57;
  /** Second-level large pages the unit supports (CAP.SLLPS). Default: none (4K only). */
  superpages?: { '2M'?: boolean; '1G'?: boolean };
  /** Domain force-snooping (VFIO enforce_cache_coherency): leaves get SNP (bit 11). */
  forceSnoop?: boolean;
  /** generic_pt only: PT_FEAT_FLUSH_RANGE_NO_GAPS instead of PT_FEAT_FLUSH_RANGE (caching mode). */
  flushNoGaps?: boolean;
  /**
   * The driver enabled dirty tracking (IOMMU_HWPT_ALLOC_DIRTY_TRACKING + set_dirty_tracking: SSADE in
   * the PASID entry), so walks set A/D. Linux ≥ 6.7; 6.1 throws PGTABLE_UNSUPPORTED.
   */
  dirtyTracking?: boolean;
  /**
   * The IOMMU walks the tables coherently (default true). false: the driver flushes CPU caches after
   * each table write; generic_pt (6.19) then runs with PT_FEAT_DMA_INCOHERENT and marks every table
   * entry it installs with SW_BIT_CACHE_FLUSH_DONE (bit 10). The legacy code only flushes (no bit).
   */
  coherentWalk?: boolean;
}

/** Throws PGTABLE_UNSUPPORTED when the driver of this release cannot track dirty pages for the table. */
function enableDirty<T extends IoPageTable>(pt: T, cfg: { dirtyTracking?: boolean; profile: PgtableProfile }, what: string, driver: string): T {
  if (cfg.dirtyTracking && pt.setDirtyTracking(true)) {
    pt.free();
    throw new PgtableError('PGTABLE_UNSUPPORTED', `${what}: ${driver} in Linux ${cfg.profile.release} has no dirty tracking (iommu_dirty_ops came in 6.7)`);
  }
  return pt;
}

/** Intel VT-d second-stage table for the profile's kernel (legacy intel/iommu.c or generic_pt vtdss). */
export function createVtdSecondStage(cfg: VtdSecondStageConfig): IoPageTable {
  checkCfg(cfg, 'createVtdSecondStage');
  const aw = cfg.addressWidth as number;
  if (aw !== 39 && aw !== 48 && aw !== 57) {
    throw new PgtableError('PGTABLE_BAD_CONFIG', `createVtdSecondStage: addressWidth ${aw} is not 39, 48 or 57 (AGAW 1, 2, 3)`);
  }
  const sp1G = cfg.superpages?.['1G'] ?? false;
  const sp2M = (cfg.superpages?.['2M'] ?? false) || sp1G; // iommu_superpage is a level count: 1G implies 2M
  const forceSnoop = cfg.forceSnoop ?? false;
  if (cfg.profile.vtd === 'legacy-wo-as-rw') {
    return enableDirty(new VtdLegacyTable(cfg, { firstLevel: false, addressWidth: aw, sp2M, sp1G, forceSnoop }), cfg, 'createVtdSecondStage', 'intel/iommu.c');
  }
  let bitmap = SZ_4K;
  if (sp2M) bitmap |= SZ_2M;
  if (sp1G) bitmap |= SZ_1G;
  // vtdss_pt_iommu_fmt_init: > 48 → top 4, > 39 → 3, > 30 → 2
  const top = aw > 48 ? 4 : aw > 39 ? 3 : 2;
  const pt = new VtdssTable(
    cfg,
    { format: 'vtd-ss', implementation: 'generic_pt/vtdss', ias: aw, oas: 52, pgsizeBitmap: bitmap },
    {
      topLevel: top,
      vaszLg2: aw,
      oaszLg2: 52,
      signExtend: false,
      flush: cfg.flushNoGaps ? 'no-gaps' : 'range',
      levelBase: 1,
      forceSnoop,
      sp2M,
      sp1G,
      incoherent: cfg.coherentWalk === false,
    },
  );
  return enableDirty(pt, cfg, 'createVtdSecondStage', 'intel/iommu.c');
}

export interface X86_64Config extends PageTableConfig {
  levels: 4 | 5;
  /** 'intel-fl': VT-d first stage (canonical/sign-extended IOVAs); 'amd-v2': AMD guest table (PASID 0, no sign extension). */
  variant: 'intel-fl' | 'amd-v2';
  /** 1G leaves (VT-d CAP.FL1GP; AMD v2 always has them). 2M is always available. Default true. */
  superpages?: { '1G'?: boolean };
  flushNoGaps?: boolean;
}

/** x86-64 long-mode format: VT-d first stage or AMD v2, per the profile's kernel. */
export function createX86_64(cfg: X86_64Config): IoPageTable {
  checkCfg(cfg, 'createX86_64');
  const levels = cfg.levels as number;
  if (levels !== 4 && levels !== 5) throw new PgtableError('PGTABLE_BAD_CONFIG', `createX86_64: levels ${levels} is not 4 or 5`);
  const variant = cfg.variant as string;
  if (variant !== 'intel-fl' && variant !== 'amd-v2') {
    throw new PgtableError('PGTABLE_BAD_CONFIG', `createX86_64: variant '${variant}' is not 'intel-fl' or 'amd-v2'`);
  }
  const sp1G = cfg.superpages?.['1G'] ?? true;
  if (variant === 'intel-fl') {
    const width = levels === 4 ? 48 : 57;
    if (cfg.profile.vtd === 'legacy-wo-as-rw') {
      return new VtdLegacyTable(cfg, { firstLevel: true, addressWidth: width, sp2M: true, sp1G, forceSnoop: false });
    }
    // intel_iommu_domain_alloc_first_stage: vasz 48/57, PT_FEAT_SIGN_EXTEND | PT_FEAT_FLUSH_RANGE
    return new X86_64Table(
      cfg,
      { format: 'x86_64', implementation: 'generic_pt/x86_64 (VT-d first stage)', ias: width, oas: 52, pgsizeBitmap: SZ_4K | SZ_2M | (sp1G ? SZ_1G : 0n) },
      { topLevel: (width - 31 - ((width - 31) % 9)) / 9 + 2, vaszLg2: width, oaszLg2: 52, signExtend: true, flush: cfg.flushNoGaps ? 'no-gaps' : 'range', levelBase: 1, sp1G },
    );
  }
  if (cfg.profile.amd === 'legacy') {
    if (levels === 5 && !cfg.profile.amdV2FiveLevel) {
      throw new PgtableError('PGTABLE_BAD_CONFIG', `createX86_64: amd/io_pgtable_v2.c in ${cfg.profile.release} supports 4 levels only`);
    }
    return new AmdV2LegacyTable(cfg, levels);
  }
  // amd_iommu_domain_alloc_paging_v2: vasz 47/56 (top bit dropped, no sign extension), PASID 0 hardware decodes 48/57
  const vasz = levels === 4 ? 47 : 56;
  return new X86_64Table(
    cfg,
    { format: 'x86_64', implementation: 'generic_pt/x86_64 (AMD v2)', ias: vasz, oas: 52, pgsizeBitmap: SZ_4K | SZ_2M | SZ_1G },
    { topLevel: Math.floor((vasz - 31) / 9) + 2, vaszLg2: vasz, oaszLg2: 52, signExtend: false, flush: cfg.flushNoGaps ? 'no-gaps' : 'range', levelBase: 1, sp1G: true, hwVaBits: vasz + 1 },
  );
}

export interface AmdV1Config extends PageTableConfig {
  /** Host page-table levels the IOMMU supports (EFR HATS → amd_iommu_hpt_level): 4, 5 or 6 (default 6). */
  hptLevel?: 4 | 5 | 6;
  /** generic_pt PT_FEAT_AMDV1_FORCE_COHERENCE (default true, as Linux sets it); the legacy code always sets FC. */
  forceCoherence?: boolean;
  /** Page sizes: 'all' = AMD_IOMMU_PGSIZES (default), '4K' = AMD_IOMMU_PGSIZES_4K (amd_iommu=pgsize_4k). */
  pgsizes?: 'all' | '4K';
  /**
   * The driver enabled dirty tracking (amd_iommu_set_dirty_tracking: DTE.HAD = 11b), so walks set
   * A/D. Linux ≥ 6.7; 6.1 throws PGTABLE_UNSUPPORTED.
   */
  dirtyTracking?: boolean;
}

const SZ_512G = 1n << 39n;

/** AMD IOMMU v1 host table, per the profile's kernel (legacy amd/io_pgtable.c or generic_pt amdv1). Starts at mode 3. */
export function createAmdV1(cfg: AmdV1Config): IoPageTable & { readonly mode: number } {
  checkCfg(cfg, 'createAmdV1');
  const hpt = cfg.hptLevel ?? 6;
  if (hpt !== 4 && hpt !== 5 && hpt !== 6) throw new PgtableError('PGTABLE_BAD_CONFIG', `createAmdV1: hptLevel ${String(hpt)} is not 4, 5 or 6`);
  const only4K = cfg.pgsizes === '4K';
  if (cfg.profile.amd === 'legacy') {
    const t = new AmdV1LegacyTable(cfg, hpt);
    if (only4K) t.pgsizeBitmap = SZ_4K;
    return enableDirty(t, cfg, 'createAmdV1', 'amd/iommu.c');
  }
  // amd_iommu_domain_alloc_paging_v1: starting_level 2, hw_max_vasz = min(64, (hpt_level-1)*9 + 21)
  const vasz = Math.min(64, (hpt - 1) * 9 + 21);
  let bitmap = 0n;
  for (let l = 0; l < 5; l++) {
    const isz = 12 + 9 * l;
    if (isz >= vasz) break;
    const top = Math.min(51, isz + 8);
    bitmap |= ((1n << BigInt(top + 1)) - 1n) ^ ((1n << BigInt(isz)) - 1n); // amdv1pt_possible_sizes
  }
  bitmap &= ~SZ_512G;
  if (only4K) bitmap &= SZ_4K;
  const pt = new AmdV1Table(
    cfg,
    { format: 'amd-v1', implementation: 'generic_pt/amdv1', ias: vasz, oas: 52, pgsizeBitmap: bitmap },
    { topLevel: 2, vaszLg2: vasz, oaszLg2: 52, signExtend: false, flush: 'range', levelBase: 0, forceCoherence: cfg.forceCoherence ?? true },
  );
  return enableDirty(pt, cfg, 'createAmdV1', 'amd/iommu.c');
}

export interface ArmLpaeConfig extends PageTableConfig {
  stage: 1 | 2;
  /** ARM_64_LPAE_* (default) or ARM_32_LPAE_* (4K granule, S1 ias ≤ 32 / oas ≤ 40, S2 ias and oas ≤ 40). */
  width?: 64 | 32;
  /** Translation granule (the page size the table is built from). Default 4K. */
  granule?: '4K' | '16K' | '64K';
  /** Input (IOVA / IPA) and output address bits; clamped to 48 (52 with 64K) like arm_lpae_restrict_pgsizes. */
  ias: number;
  oas: number;
  /**
   * IO_PGTABLE_QUIRK_*: stage 1 takes ARM_NS, ARM_TTBR1, ARM_OUTER_WBWA, ARM_HD, NO_WARN; stage 2 takes
   * ARM_S2FWB, NO_WARN; each only in releases that define it (PgtableProfile.ioPgtableQuirks).
   */
  quirks?: { armNs?: boolean; noWarn?: boolean; ttbr1?: boolean; outerWbwa?: boolean; hd?: boolean; s2fwb?: boolean };
  /** cfg->coherent_walk (default true): TCR/VTCR SH=IS, RGN=WBWA; otherwise SH=OS, RGN=NC. */
  coherentWalk?: boolean;
}

function armAddressBits(what: string, ias: unknown, oas: unknown): void {
  for (const [name, v] of [['ias', ias], ['oas', oas]] as const) {
    if (!Number.isInteger(v) || (v as number) < 32 || (v as number) > 52) {
      throw new PgtableError('PGTABLE_BAD_CONFIG', `${what}: ${name} ${String(v)} must be an integer from 32 to 52`);
    }
  }
}

/** ARM_64_LPAE_S1/S2 or ARM_32_LPAE_S1/S2 (drivers/iommu/io-pgtable-arm.c). */
export function createArmLpae(cfg: ArmLpaeConfig): ArmLpaeTable {
  checkCfg(cfg, 'createArmLpae');
  const stage = cfg.stage as number;
  if (stage !== 1 && stage !== 2) throw new PgtableError('PGTABLE_BAD_CONFIG', `createArmLpae: stage ${stage} is not 1 or 2`);
  const width = (cfg.width ?? 64) as number;
  if (width !== 64 && width !== 32) throw new PgtableError('PGTABLE_BAD_CONFIG', `createArmLpae: width ${width} is not 64 or 32`);
  const g = cfg.granule ?? '4K';
  const granule = g === '4K' ? 4096 : g === '16K' ? 16384 : g === '64K' ? 65536 : 0;
  if (granule === 0) throw new PgtableError('PGTABLE_BAD_CONFIG', `createArmLpae: granule '${g as string}' is not 4K, 16K or 64K`);
  armAddressBits('createArmLpae', cfg.ias, cfg.oas);
  const q = cfg.quirks ?? {};
  return new ArmLpaeTable(cfg, {
    variant: width === 32 ? 'arm32' : 'arm64',
    stage,
    granule,
    ias: cfg.ias,
    oas: cfg.oas,
    quirks: {
      ns: q.armNs ?? false,
      noWarn: q.noWarn ?? false,
      ttbr1: q.ttbr1 ?? false,
      outerWbwa: q.outerWbwa ?? false,
      hd: q.hd ?? false,
      s2fwb: q.s2fwb ?? false,
    },
    coherentWalk: cfg.coherentWalk ?? true,
  });
}

export interface MaliLpaeConfig extends PageTableConfig {
  /** Input bits (≤ 48) and output bits (≤ 40); the table always has 4 levels. */
  ias: number;
  oas: number;
  /** cfg->coherent_walk (default true): sets SHARE_OUTER in TRANSTAB. */
  coherentWalk?: boolean;
}

/** ARM_MALI_LPAE (drivers/iommu/io-pgtable-arm.c arm_mali_lpae_alloc_pgtable): no quirks, 4K|2M|1G. */
export function createMaliLpae(cfg: MaliLpaeConfig): ArmLpaeTable {
  checkCfg(cfg, 'createMaliLpae');
  armAddressBits('createMaliLpae', cfg.ias, cfg.oas);
  const none = { ns: false, noWarn: false, ttbr1: false, outerWbwa: false, hd: false, s2fwb: false };
  return new ArmLpaeTable(cfg, { variant: 'mali', stage: 1, granule: 4096, ias: cfg.ias, oas: cfg.oas, quirks: none, coherentWalk: cfg.coherentWalk ?? true });
}

export interface ArmV7sConfig extends PageTableConfig {
  /** Input bits: ≤ 32, or ≤ 34 with ARM_MTK_EXT (a bigger level-1 table). Default 32. */
  ias?: number;
  /** Output bits: ≤ 32, or ≤ 35 with ARM_MTK_EXT. Default 32. */
  oas?: number;
  /** Page sizes the driver asks for (ANDed with 4K|64K|1M|16M; 16M only if asked). Default all four. */
  pgsizes?: bigint;
  /** IO_PGTABLE_QUIRK_ARM_NS, NO_PERMS, ARM_MTK_EXT (needs NO_PERMS), ARM_MTK_TTBR_EXT (needs ARM_MTK_EXT). */
  quirks?: { armNs?: boolean; noPerms?: boolean; mtkExt?: boolean; mtkTtbrExt?: boolean };
  /** cfg->coherent_walk (default true): the TTBR's NOS/IRGN/ORGN bits. */
  coherentWalk?: boolean;
}

const V7S_SIZES = 0x1000n | 0x10000n | 0x100000n | 0x1000000n;

/** ARM_V7S (drivers/iommu/io-pgtable-arm-v7s.c arm_v7s_alloc_pgtable). */
export function createArmV7s(cfg: ArmV7sConfig): ArmV7sTable {
  checkCfg(cfg, 'createArmV7s');
  const q = cfg.quirks ?? {};
  const flags: [IoPgtableQuirk, boolean][] = [
    ['ARM_NS', q.armNs ?? false],
    ['NO_PERMS', q.noPerms ?? false],
    ['ARM_MTK_EXT', q.mtkExt ?? false],
    ['ARM_MTK_TTBR_EXT', q.mtkTtbrExt ?? false],
  ];
  for (const [name, on] of flags) {
    if (on && !cfg.profile.ioPgtableQuirks.includes(name)) {
      throw new PgtableError('PGTABLE_BAD_CONFIG', `createArmV7s: IO_PGTABLE_QUIRK_${name} does not exist in Linux ${cfg.profile.release}`);
    }
  }
  const mtk = q.mtkExt ?? false;
  const ias = cfg.ias ?? 32;
  const oas = cfg.oas ?? 32;
  const [maxIas, maxOas] = mtk ? [34, 35] : [32, 32];
  if (!Number.isInteger(ias) || ias < 20 || ias > maxIas) throw new PgtableError('PGTABLE_BAD_CONFIG', `createArmV7s: ias ${String(ias)} must be an integer from 20 to ${maxIas}`);
  if (!Number.isInteger(oas) || oas < 20 || oas > maxOas) throw new PgtableError('PGTABLE_BAD_CONFIG', `createArmV7s: oas ${String(oas)} must be an integer from 20 to ${maxOas}`);
  if (mtk && !q.noPerms) throw new PgtableError('PGTABLE_BAD_CONFIG', 'createArmV7s: ARM_MTK_EXT needs NO_PERMS (its PA bits 33/34 reuse the AP bits)');
  if (q.mtkTtbrExt && !mtk) throw new PgtableError('PGTABLE_BAD_CONFIG', 'createArmV7s: ARM_MTK_TTBR_EXT needs ARM_MTK_EXT');
  const bitmap = (cfg.pgsizes ?? V7S_SIZES) & V7S_SIZES;
  if (bitmap === 0n) throw new PgtableError('PGTABLE_BAD_CONFIG', 'createArmV7s: pgsizes has none of 4K, 64K, 1M, 16M');
  return new ArmV7sTable(cfg, {
    ias,
    oas,
    pgsizeBitmap: bitmap,
    ns: q.armNs ?? false,
    noPerms: q.noPerms ?? false,
    mtkExt: mtk,
    mtkTtbrExt: q.mtkTtbrExt ?? false,
    coherentWalk: cfg.coherentWalk ?? true,
  });
}

export interface AppleDartConfig extends PageTableConfig {
  /** APPLE_DART (t8103, PA[35:12] in place) or APPLE_DART2 (t6000/t8110, PA >> 4). Default 'dart2'. */
  format?: 'dart' | 'dart2';
  /** The DART's page size: exactly one of 4K and 16K. Default 16K. */
  pgsize?: '4K' | '16K';
  /** Input bits (≤ oas) and output bits (36 or 42). */
  ias: number;
  oas: number;
  /** cfg->coherent_walk: DART tables must be walked coherently (default true; false is refused). */
  coherentWalk?: boolean;
}

/** APPLE_DART / APPLE_DART2 (drivers/iommu/io-pgtable-dart.c apple_dart_alloc_pgtable). */
export function createAppleDart(cfg: AppleDartConfig): AppleDartTable {
  checkCfg(cfg, 'createAppleDart');
  const fmt = cfg.format ?? 'dart2';
  if (fmt !== 'dart' && fmt !== 'dart2') throw new PgtableError('PGTABLE_BAD_CONFIG', `createAppleDart: format '${String(fmt)}' is not 'dart' or 'dart2'`);
  const pg = cfg.pgsize ?? '16K';
  if (pg !== '4K' && pg !== '16K') throw new PgtableError('PGTABLE_BAD_CONFIG', `createAppleDart: pgsize '${String(pg)}' is not 4K or 16K`);
  if (cfg.coherentWalk === false) throw new PgtableError('PGTABLE_BAD_CONFIG', 'createAppleDart: DART page tables need a coherent walk');
  if (cfg.oas !== 36 && cfg.oas !== 42) throw new PgtableError('PGTABLE_BAD_CONFIG', `createAppleDart: oas ${String(cfg.oas)} is not 36 or 42`);
  const granule = pg === '4K' ? 4096 : 16384;
  if (!Number.isInteger(cfg.ias) || cfg.ias > cfg.oas || cfg.ias <= (granule === 4096 ? 12 : 14)) {
    throw new PgtableError('PGTABLE_BAD_CONFIG', `createAppleDart: ias ${String(cfg.ias)} must be an integer above the page shift and at most oas ${cfg.oas}`);
  }
  return new AppleDartTable(cfg, { dart2: fmt === 'dart2', granule, ias: cfg.ias, oas: cfg.oas });
}
