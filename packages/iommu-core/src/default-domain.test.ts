import { describe, expect, it } from 'vitest';
import { parseCmdline } from './cmdline.js';
import { computeDefaultDomainPolicy, decideGroupDomain, setDmaStrict, type DefaultDomainKconfig } from './default-domain.js';
import { iommuProfiles } from './profile.js';

function policy(kconfig: DefaultDomainKconfig, cmdline: string, release: '6.1' | '6.12' = '6.12', extra: { memEncrypt?: boolean; driverStrict?: boolean } = {}) {
  return computeDefaultDomainPolicy({
    kconfig,
    cmdline: parseCmdline(cmdline),
    memEncrypt: extra.memEncrypt ?? false,
    profile: iommuProfiles[release],
    driverStrict: extra.driverStrict ?? false,
    driverForceDac: false,
  });
}

describe('global default domain type (facts core.md §1.1 table)', () => {
  // Each row: cmdline → [lazy Kconfig, strict Kconfig, passthrough Kconfig]
  const table: [string, [string, string, string]][] = [
    ['', ['dma-fq', 'dma', 'identity']],
    ['iommu.strict=1', ['dma', 'dma', 'identity']],
    ['iommu.strict=0', ['dma-fq', 'dma-fq', 'identity']],
    ['iommu.passthrough=1', ['identity', 'identity', 'identity']],
    ['iommu=pt', ['identity', 'identity', 'identity']],
    ['iommu.passthrough=0', ['dma-fq', 'dma', 'dma-fq']],
    ['iommu=nopt', ['dma-fq', 'dma', 'dma-fq']],
  ];
  for (const [cmd, [lazy, strict, pt]] of table) {
    it(`"${cmd}"`, () => {
      expect(policy('lazy', cmd).type).toBe(lazy);
      expect(policy('strict', cmd).type).toBe(strict);
      expect(policy('passthrough', cmd).type).toBe(pt);
    });
  }
  it('last writer wins on the command line', () => {
    expect(policy('lazy', 'iommu=pt iommu.passthrough=0').type).toBe('dma-fq');
    expect(policy('lazy', 'iommu.strict=1 iommu.strict=0').type).toBe('dma-fq');
  });
  it('memory encryption turns a Kconfig passthrough default into DMA, with its log line', () => {
    const p = policy('passthrough', '', '6.12', { memEncrypt: true });
    expect(p.type).toBe('dma-fq');
    expect(p.log).toContain('iommu: Memory encryption detected - Disabling default IOMMU Passthrough');
    expect(policy('passthrough', 'iommu=pt', '6.12', { memEncrypt: true }).type).toBe('identity');
  });
  it('a driver strict option (intel_iommu=strict) downgrades DMA-FQ and prints no cmdline suffix', () => {
    const p = policy('lazy', 'iommu.strict=0', '6.12', { driverStrict: true });
    expect(p.type).toBe('dma');
    expect(p.log).toContain('iommu: DMA domain TLB invalidation policy: strict mode (set via kernel command line)');
    expect(policy('lazy', '', '6.12', { driverStrict: true }).log).toContain('iommu: DMA domain TLB invalidation policy: strict mode');
  });
  it('iommu=off and iommu=soft are recorded; prefixes match like strncmp', () => {
    expect(policy('lazy', 'iommu=off').noIommu).toBe(true);
    expect(policy('lazy', 'iommu=soft').swiotlbSoft).toBe(true);
    expect(policy('lazy', 'iommu=force,pt').type).toBe('identity');
  });
  it('kstrtobool rejects garbage, leaving the setting alone', () => {
    expect(policy('lazy', 'iommu.strict=maybe').type).toBe('dma-fq');
    expect(policy('lazy', 'iommu.passthrough=on').type).toBe('identity');
  });
});

describe('boot log lines (iommu_subsys_init)', () => {
  it('6.12 prints no trailing space, 6.1 does', () => {
    expect(policy('lazy', '').log).toEqual(['iommu: Default domain type: Translated', 'iommu: DMA domain TLB invalidation policy: lazy mode']);
    expect(policy('lazy', '', '6.1').log).toEqual(['iommu: Default domain type: Translated ', 'iommu: DMA domain TLB invalidation policy: lazy mode ']);
  });
  it('passthrough prints no policy line; command-line settings say so (S-2, S-3)', () => {
    expect(policy('lazy', 'iommu=pt').log).toEqual(['iommu: Default domain type: Passthrough (set via kernel command line)']);
    expect(policy('lazy', 'iommu=pt', '6.1').log).toEqual(['iommu: Default domain type: Passthrough (set via kernel command line)']);
    expect(policy('lazy', 'iommu.strict=1').log[1]).toBe('iommu: DMA domain TLB invalidation policy: strict mode (set via kernel command line)');
  });
  it('iommu.forcedac prints its line', () => {
    expect(policy('lazy', 'iommu.forcedac=1').log[0]).toBe('iommu: Forcing DAC for PCI devices');
    expect(policy('lazy', 'iommu.forcedac=1').forceDac).toBe(true);
  });
});

describe('per-group decision (iommu_get_default_domain_type)', () => {
  const p = policy('lazy', '');
  it('uses the global default without driver preference', () => {
    expect(decideGroupDomain({ driverTypes: [undefined], anyUntrusted: false, groupId: 3, iommuDma: true }, p)).toEqual({ ok: true, type: 'dma-fq', log: [] });
  });
  it('untrusted devices get a strict DMA domain even under lazy or passthrough defaults (S-4)', () => {
    expect(decideGroupDomain({ driverTypes: [undefined], anyUntrusted: true, groupId: 3, iommuDma: true }, p)).toMatchObject({ ok: true, type: 'dma' });
    expect(decideGroupDomain({ driverTypes: [undefined], anyUntrusted: true, groupId: 3, iommuDma: true }, policy('lazy', 'iommu=pt'))).toMatchObject({ ok: true, type: 'dma' });
  });
  it('refuses an untrusted device whose driver wants identity (S-5)', () => {
    const r = decideGroupDomain({ driverTypes: [{ bdf: '0000:05:00.0', type: 'identity' }], anyUntrusted: true, untrustedBdf: '0000:05:00.0', groupId: 7, iommuDma: true }, p);
    expect(r).toEqual({
      ok: false,
      errno: 'EINVAL',
      log: ['pci 0000:05:00.0: Device is not trusted, but driver is overriding group 7 to Passthrough, refusing to probe.'],
    });
  });
  it('conflicting driver preferences log the driver bug and take identity', () => {
    const r = decideGroupDomain(
      { driverTypes: [{ bdf: 'a', type: 'dma' }, { bdf: 'b', type: 'identity' }], anyUntrusted: false, groupId: 2, iommuDma: true },
      p,
    );
    expect(r).toEqual({
      ok: true,
      type: 'identity',
      log: ['iommu: IOMMU driver error, requesting conflicting def_domain_type, Translated and Passthrough, for devices in group 2.'],
    });
  });
  it('without CONFIG_IOMMU_DMA a group with no preference is identity', () => {
    expect(decideGroupDomain({ driverTypes: [], anyUntrusted: false, groupId: 0, iommuDma: false }, p)).toMatchObject({ type: 'identity' });
  });
  it('iommu_set_dma_strict after boot downgrades DMA-FQ', () => {
    const q = policy('lazy', '');
    setDmaStrict(q);
    expect(q.type).toBe('dma');
    expect(q.strict).toBe(true);
  });
});
