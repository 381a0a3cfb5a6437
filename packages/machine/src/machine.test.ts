import { PageAllocator, PhysMem } from '@dmasim/physmem';
import { describe, expect, it } from 'vitest';
import { BufferAllocator, bufferPhys } from './buffers.js';
import { applyKconfig, debianKconfig } from './kconfig.js';
import { Machine, type MachineConfig } from './machine.js';
import { buildPlatform } from './platform.js';
import { kernelProfile } from './profile.js';

const base: MachineConfig = {
  release: '6.12',
  platform: { name: 'intel-vtd', attrs: {} },
  cmdline: '',
  memory: 4n << 30n,
  topology: [{ kind: 'device', bdf: '00:19.0', attrs: { class: 'nic', id: '8086:15bc', driver: 'e1000e' }, children: [] }],
};

describe('Kconfig', () => {
  it('defaults to Debian and applies overrides, with or without CONFIG_', () => {
    expect(debianKconfig.IOMMU_DEFAULT).toBe('lazy');
    const r = applyKconfig(debianKconfig, { CONFIG_IOMMU_DEFAULT_DMA_STRICT: 'y', HZ: '1000', INTEL_IOMMU_DEFAULT_ON: 'y' });
    expect(r.errors).toEqual([]);
    expect(r.kconfig).toMatchObject({ IOMMU_DEFAULT: 'strict', HZ: 1000, INTEL_IOMMU_DEFAULT_ON: true });
  });
  it('rejects unknown options and bad values with a hint', () => {
    const r = applyKconfig(debianKconfig, { IOMMU_FOO: 'y', HZ: '123', DMA_API_DEBUG: 'maybe' });
    expect(r.errors.map((e) => e.code)).toEqual(['KCONFIG_UNKNOWN', 'KCONFIG_VALUE', 'KCONFIG_VALUE']);
    expect(r.errors[0]!.hint).toContain('IOMMU_DEFAULT_DMA_LAZY');
  });
});

describe('platform', () => {
  it('parses intel-vtd attributes and reports bad ones', () => {
    const ok = buildPlatform('intel-vtd', { aw: '39', sp1g: 'off', cm: true, nfr: '8' });
    expect(ok.errors).toEqual([]);
    expect(ok.platform?.vtd).toMatchObject({ addressWidth: 39, superpages: { '2M': true, '1G': false }, cachingMode: true, faultRecords: 8 });
    const bad = buildPlatform('intel-vtd', { aw: '40', bogus: true, sm: 'on' });
    expect(bad.errors.map((e) => e.code)).toEqual(['PLATFORM_ATTR', 'PLATFORM_ATTR', 'PLATFORM_UNSUPPORTED']);
    expect(buildPlatform('amd-vx', {}).errors[0]).toMatchObject({ code: 'PLATFORM_UNKNOWN' });
  });
});

describe('profiles', () => {
  it('compose package switches per release', () => {
    expect(kernelProfile('6.1').iommu.subsysLogTrailingSpace).toBe(true);
    expect(kernelProfile('6.12').dma.stickyDacFallback).toBe(true);
    expect(kernelProfile('6.1').dma.stickyDacFallback).toBe(false);
    expect(kernelProfile('6.19').pgtable.release).toBe('6.19');
  });
});

describe('buffers', () => {
  it('kmalloc carves slab objects in order and large sizes from aligned pages; user pages are scattered', () => {
    const mem = new PhysMem({ size: 1n << 30n });
    const b = new BufferAllocator(new PageAllocator(mem));
    const a = b.kmalloc(100n);
    const c = b.kmalloc(100n);
    expect(c.phys - a.phys).toBe(128n);
    const big = b.kmalloc(132n * 1024n);
    expect(big.phys % (64n * 4096n)).toBe(0n);
    const u = b.userMmap(3n * 4096n);
    expect(u.pages[0]! - u.pages[1]!).toBe(4096n); // top-down, one page at a time
    expect(bufferPhys(u, 4096n + 5n)).toBe(u.pages[1]! + 5n);
    expect(() => bufferPhys(u, 5n * 4096n)).toThrow(RangeError);
  });
});

describe('Machine.boot', () => {
  it('boots Debian defaults: VT-d on, lazy, driver names in device names', () => {
    const { machine, errors } = Machine.boot(base);
    expect(errors).toEqual([]);
    expect(machine!.iommu?.groupType('0000:00:19.0')).toBe('DMA-FQ');
    expect(machine!.dmaDevice(machine!.device('00:19.0')!).name).toBe('e1000e 0000:00:19.0');
  });
  it('collects every configuration error instead of throwing', () => {
    const { machine, errors } = Machine.boot({
      ...base,
      memory: 1000n,
      platform: { name: 'intel-vtd', attrs: { aw: '12' } },
      kconfig: { NOPE: 'y' },
      topology: [{ kind: 'device', bdf: '00:19.0', attrs: { colour: 'red' }, children: [] }],
    });
    expect(machine).toBeUndefined();
    expect(errors.map((e) => e.where).sort()).toEqual(['kconfig', 'memory', 'platform', 'topology']);
  });
  it('intel_iommu=off and iommu=off leave no IOMMU', () => {
    expect(Machine.boot({ ...base, cmdline: 'intel_iommu=off' }).machine!.iommu).toBeUndefined();
    expect(Machine.boot({ ...base, cmdline: 'iommu=off' }).machine!.iommu).toBeUndefined();
  });
  it('caching-mode hardware makes DMA domains strict and says why', () => {
    const m = Machine.boot({ ...base, platform: { name: 'intel-vtd', attrs: { cm: 'on' } } }).machine!;
    expect(m.log.lines).toContain('DMAR: IOMMU batching disallowed due to virtualization');
    expect(m.iommu?.groupType('0000:00:19.0')).toBe('DMA');
  });
});
