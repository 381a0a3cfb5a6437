import { AmdV1Table } from './amd-v1-generic.js';
import { ArmLpaeTable } from './arm-lpae.js';
import { AmdV1LegacyTable } from './amd-v1-legacy.js';
import { AmdV2LegacyTable } from './amd-v2-legacy.js';
import { PgtableError } from './errors.js';
import { VtdssTable, X86_64Table } from './generic-formats.js';
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
    return new VtdLegacyTable(cfg, { firstLevel: false, addressWidth: aw, sp2M, sp1G, forceSnoop });
  }
  let bitmap = SZ_4K;
  if (sp2M) bitmap |= SZ_2M;
  if (sp1G) bitmap |= SZ_1G;
  // vtdss_pt_iommu_fmt_init: > 48 → top 4, > 39 → 3, > 30 → 2
  const top = aw > 48 ? 4 : aw > 39 ? 3 : 2;
  return new VtdssTable(
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
    },
  );
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
    return t;
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
  return new AmdV1Table(
    cfg,
    { format: 'amd-v1', implementation: 'generic_pt/amdv1', ias: vasz, oas: 52, pgsizeBitmap: bitmap },
    { topLevel: 2, vaszLg2: vasz, oaszLg2: 52, signExtend: false, flush: 'range', levelBase: 0, forceCoherence: cfg.forceCoherence ?? true },
  );
}

export interface ArmLpaeConfig extends PageTableConfig {
  stage: 1 | 2;
  /** Translation granule (the page size the table is built from). Default 4K. */
  granule?: '4K' | '16K' | '64K';
  /** Input (IOVA / IPA) and output address bits; clamped to 48 (52 with 64K) like arm_lpae_restrict_pgsizes. */
  ias: number;
  oas: number;
  /** IO_PGTABLE_QUIRK_ARM_NS (stage 1) and IO_PGTABLE_QUIRK_NO_WARN. */
  quirks?: { armNs?: boolean; noWarn?: boolean };
  /** cfg->coherent_walk (default true): TCR/VTCR SH=IS, RGN=WBWA; otherwise SH=OS, RGN=NC. */
  coherentWalk?: boolean;
}

/** ARM_64_LPAE_S1 / ARM_64_LPAE_S2 (drivers/iommu/io-pgtable-arm.c). */
export function createArmLpae(cfg: ArmLpaeConfig): ArmLpaeTable {
  checkCfg(cfg, 'createArmLpae');
  const stage = cfg.stage as number;
  if (stage !== 1 && stage !== 2) throw new PgtableError('PGTABLE_BAD_CONFIG', `createArmLpae: stage ${stage} is not 1 or 2`);
  const g = cfg.granule ?? '4K';
  const granule = g === '4K' ? 4096 : g === '16K' ? 16384 : g === '64K' ? 65536 : 0;
  if (granule === 0) throw new PgtableError('PGTABLE_BAD_CONFIG', `createArmLpae: granule '${g as string}' is not 4K, 16K or 64K`);
  for (const [name, v] of [['ias', cfg.ias], ['oas', cfg.oas]] as const) {
    if (!Number.isInteger(v) || v < 32 || v > 52) throw new PgtableError('PGTABLE_BAD_CONFIG', `createArmLpae: ${name} ${String(v)} must be an integer from 32 to 52`);
  }
  return new ArmLpaeTable(cfg, {
    stage,
    granule,
    ias: cfg.ias,
    oas: cfg.oas,
    ns: cfg.quirks?.armNs ?? false,
    noWarn: cfg.quirks?.noWarn ?? false,
    coherentWalk: cfg.coherentWalk ?? true,
  });
}
