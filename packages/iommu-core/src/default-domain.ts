import { kstrtobool, type CmdlineParam } from './cmdline.js';
import { domainTypeString, type DomainType } from './domain-type.js';
import type { IommuProfile } from './profile.js';

/** The Kconfig "IOMMU default domain type" choice (drivers/iommu/Kconfig). */
export type DefaultDomainKconfig = 'lazy' | 'strict' | 'passthrough';

export interface DefaultDomainInputs {
  readonly kconfig: DefaultDomainKconfig;
  readonly cmdline: readonly CmdlineParam[];
  /** cc_platform_has(CC_ATTR_MEM_ENCRYPT): SME/SEV/TDX. */
  readonly memEncrypt: boolean;
  readonly profile: IommuProfile;
  /** Driver options that call iommu_set_dma_strict() at early-param time (intel_iommu=strict, amd_iommu=fullflush). */
  readonly driverStrict: boolean;
  /** Driver options that set iommu_dma_forcedac (intel_iommu=forcedac). */
  readonly driverForceDac: boolean;
}

export interface DefaultDomainPolicy {
  /** iommu_def_domain_type after iommu_subsys_init. */
  type: 'identity' | 'dma' | 'dma-fq';
  /** iommu_dma_strict. */
  strict: boolean;
  /** iommu_dma_forcedac. */
  forceDac: boolean;
  /** x86 `iommu=off` (no_iommu): hardware IOMMU drivers refuse to initialise. */
  noIommu: boolean;
  /** x86 `iommu=soft`: swiotlb forced on. */
  swiotlbSoft: boolean;
  cmdlineDmaApi: boolean;
  cmdlineStrict: boolean;
  /** Lines printed while parsing and by iommu_subsys_init, in order. */
  readonly log: string[];
}

/**
 * Global default domain type and TLB policy.
 * drivers/iommu/iommu.c: iommu_set_def_domain_type (iommu.passthrough=), iommu_dma_setup
 * (iommu.strict=), iommu_dma_forcedac_setup (dma-iommu.c, iommu.forcedac=),
 * iommu_subsys_init; arch/x86/kernel/pci-dma.c iommu_setup (iommu=).
 */
export function computeDefaultDomainPolicy(inp: DefaultDomainInputs): DefaultDomainPolicy {
  const p: DefaultDomainPolicy = {
    type: 'dma',
    strict: inp.kconfig === 'strict',
    forceDac: false,
    noIommu: false,
    swiotlbSoft: false,
    cmdlineDmaApi: false,
    cmdlineStrict: false,
    log: [],
  };
  let explicitType: 'identity' | 'dma' | undefined;

  for (const param of inp.cmdline) {
    switch (param.key) {
      case 'iommu.passthrough': {
        const v = kstrtobool(param.value);
        if (v !== undefined) {
          explicitType = v ? 'identity' : 'dma';
          p.cmdlineDmaApi = true;
        }
        break;
      }
      case 'iommu.strict': {
        const v = kstrtobool(param.value);
        if (v !== undefined) {
          p.strict = v;
          p.cmdlineStrict = true;
        }
        break;
      }
      case 'iommu.forcedac': {
        const v = kstrtobool(param.value);
        if (v !== undefined) {
          p.forceDac = v;
          if (v) p.log.push('iommu: Forcing DAC for PCI devices');
        }
        break;
      }
      case 'iommu':
        for (const opt of (param.value ?? '').split(',')) {
          // pci-dma.c iommu_setup compares prefixes (strncmp), in this order.
          if (opt.startsWith('off')) p.noIommu = true;
          if (opt.startsWith('soft')) p.swiotlbSoft = true;
          if (opt.startsWith('pt')) {
            explicitType = 'identity';
            p.cmdlineDmaApi = true;
          }
          if (opt.startsWith('nopt')) {
            explicitType = 'dma';
            p.cmdlineDmaApi = true;
          }
        }
        break;
    }
  }
  if (inp.driverForceDac) p.forceDac = true;
  // iommu_set_dma_strict() from a driver option: strict, and DMA_FQ falls back to DMA.
  if (inp.driverStrict) p.strict = true;

  // iommu_subsys_init
  let type: 'identity' | 'dma' | 'dma-fq' = explicitType ?? (inp.kconfig === 'passthrough' ? 'identity' : 'dma');
  if (!p.cmdlineDmaApi && type === 'identity' && inp.memEncrypt) {
    p.log.push('iommu: Memory encryption detected - Disabling default IOMMU Passthrough');
    type = 'dma';
  }
  if (type !== 'identity' && !p.strict) type = 'dma-fq';
  p.type = type;

  const sep = inp.profile.subsysLogTrailingSpace ? ' ' : '';
  const viaCmdline = ' (set via kernel command line)';
  const typeSuffix = p.cmdlineDmaApi ? (sep ? '(set via kernel command line)' : viaCmdline) : '';
  p.log.push(`iommu: Default domain type: ${domainTypeString(type)}${sep}${typeSuffix}`);
  if (type !== 'identity') {
    const strictSuffix = p.cmdlineStrict ? (sep ? '(set via kernel command line)' : viaCmdline) : '';
    p.log.push(`iommu: DMA domain TLB invalidation policy: ${p.strict ? 'strict' : 'lazy'} mode${sep}${strictSuffix}`);
  }
  return p;
}

/** iommu_set_dma_strict(): called by drivers after boot-time policy was printed. */
export function setDmaStrict(p: DefaultDomainPolicy): void {
  p.strict = true;
  if (p.type === 'dma-fq') p.type = 'dma';
}

export interface GroupDomainRequest {
  /** Per-device ops->def_domain_type answers (undefined = no opinion). */
  readonly driverTypes: readonly ({ bdf: string; type: 'identity' | 'dma' } | undefined)[];
  readonly anyUntrusted: boolean;
  readonly untrustedBdf?: string;
  readonly groupId: number;
  /** CONFIG_IOMMU_DMA. */
  readonly iommuDma: boolean;
}

export type GroupDomainDecision =
  | { ok: true; type: DomainType; log: string[] }
  | { ok: false; errno: 'EINVAL'; log: string[] };

/**
 * drivers/iommu/iommu.c iommu_get_default_domain_type + iommu_group_alloc_default_domain:
 * the driver's preference, then untrusted devices forcing a strict DMA domain, then
 * the global default.
 */
export function decideGroupDomain(req: GroupDomainRequest, policy: DefaultDomainPolicy): GroupDomainDecision {
  const log: string[] = [];
  let driverType: 'identity' | 'dma' | undefined;
  for (const t of req.driverTypes) {
    if (!t) continue;
    if (driverType === undefined) driverType = t.type;
    else if (driverType !== t.type) {
      log.push(
        `iommu: IOMMU driver error, requesting conflicting def_domain_type, ${domainTypeString(driverType)} and ${domainTypeString(t.type)}, for devices in group ${req.groupId}.`,
      );
      driverType = 'identity';
    }
  }
  if (req.anyUntrusted) {
    if (driverType !== undefined && driverType !== 'dma') {
      log.push(
        `pci ${req.untrustedBdf ?? '?'}: Device is not trusted, but driver is overriding group ${req.groupId} to ${domainTypeString(driverType)}, refusing to probe.`,
      );
      return { ok: false, errno: 'EINVAL', log };
    }
    // Plain DMA is strict even when the global default is lazy.
    driverType = 'dma';
  }
  if (!req.iommuDma && driverType === undefined) driverType = 'identity';
  return { ok: true, type: driverType ?? policy.type, log };
}
