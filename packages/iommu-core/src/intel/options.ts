import type { CmdlineParam } from '../cmdline.js';

/** Kconfig of the Intel IOMMU driver (drivers/iommu/intel/Kconfig) plus Debian's patch. */
export interface IntelKconfig {
  /** CONFIG_INTEL_IOMMU_DEFAULT_ON. */
  readonly defaultOn: boolean;
  /**
   * Debian's "[x86] intel-iommu: Exclude integrated GPUs by default" (Closes: #935270):
   * CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF — VT-d on unless intel_iommu=off, with the
   * integrated GPU in an identity domain unless intel_iommu=on.
   */
  readonly defaultOnIntgpuOff: boolean;
  /** CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON. */
  readonly scalableModeDefaultOn: boolean;
}

/** The driver's state after intel_iommu= is parsed (drivers/iommu/intel/iommu.c intel_iommu_setup). */
export interface IntelOptions {
  dmarDisabled: boolean;
  /** dmar_map_gfx (6.1) / !disable_igfx_iommu (6.12): igfx_off clears it. */
  mapGfx: boolean;
  /** dmar_map_intgpu (Debian patch). */
  mapIntgpu: boolean;
  superpage: boolean;
  scalableMode: boolean;
  strict: boolean;
  forceDac: boolean;
  readonly log: string[];
}

/**
 * intel_iommu_setup: a comma list, each item matched by prefix (strncmp) in a fixed
 * order; an unknown item prints the rest of the string. Lines carry pr_fmt "DMAR: ".
 */
export function parseIntelOptions(cmdline: readonly CmdlineParam[], kc: IntelKconfig): IntelOptions {
  const o: IntelOptions = {
    // dmar_disabled = IS_ENABLED(CONFIG_INTEL_IOMMU_DEFAULT_OFF); upstream that is !DEFAULT_ON.
    dmarDisabled: !(kc.defaultOn || kc.defaultOnIntgpuOff),
    mapGfx: true,
    mapIntgpu: kc.defaultOn || !kc.defaultOnIntgpuOff,
    superpage: true,
    scalableMode: kc.scalableModeDefaultOn,
    strict: false,
    forceDac: false,
    log: [],
  };
  for (const p of cmdline) {
    if (p.key !== 'intel_iommu' || p.value === undefined) continue;
    let rest = p.value;
    while (rest.length > 0) {
      if (rest.startsWith('on')) {
        o.dmarDisabled = false;
        o.mapIntgpu = true;
        o.log.push('DMAR: IOMMU enabled');
      } else if (rest.startsWith('off')) {
        o.dmarDisabled = true;
        o.log.push('DMAR: IOMMU disabled');
      } else if (rest.startsWith('igfx_off')) {
        o.mapGfx = false;
        o.log.push('DMAR: Disable GFX device mapping');
      } else if (rest.startsWith('intgpu_off') && kc.defaultOnIntgpuOff) {
        o.mapIntgpu = false;
        o.log.push('DMAR: Disable integrated GPU device mapping');
      } else if (rest.startsWith('forcedac')) {
        o.log.push('DMAR: intel_iommu=forcedac deprecated; use iommu.forcedac instead');
        o.forceDac = true;
      } else if (rest.startsWith('strict')) {
        o.log.push('DMAR: intel_iommu=strict deprecated; use iommu.strict=1 instead');
        o.strict = true;
      } else if (rest.startsWith('sp_off')) {
        o.log.push('DMAR: Disable supported super page');
        o.superpage = false;
      } else if (rest.startsWith('sm_on')) {
        o.log.push('DMAR: Enable scalable mode if hardware supports');
        o.scalableMode = true;
      } else if (rest.startsWith('sm_off')) {
        o.log.push('DMAR: Scalable mode is disallowed');
        o.scalableMode = false;
      } else if (rest.startsWith('tboot_noforce')) {
        o.log.push('DMAR: Intel-IOMMU: not forcing on after tboot. This could expose security risk for tboot');
      } else {
        o.log.push(`DMAR: Unknown option - '${rest}'`);
      }
      const comma = rest.indexOf(',');
      rest = comma < 0 ? '' : rest.slice(comma).replace(/^,+/, '');
    }
  }
  return o;
}
