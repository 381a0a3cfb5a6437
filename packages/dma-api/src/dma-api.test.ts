import {
  IntelVtd,
  IommuCore,
  KernelLog,
  SimClock,
  computeDefaultDomainPolicy,
  iommuProfiles,
  parseCmdline,
  parseIntelOptions,
  type IommuDomain,
} from '@dmasim/iommu-core';
import { pgtableProfiles } from '@dmasim/io-pgtable';
import { buildTopology } from '@dmasim/pci-topology';
import { PageAllocator, PhysMem } from '@dmasim/physmem';
import { describe, expect, it } from 'vitest';
import { DmaApi } from './api.js';
import { DmaDevice } from './device.js';
import { DMA_MAPPING_ERROR } from './direction.js';
import { FlushQueue, timerExpiry } from './flush-queue.js';
import { dmaProfiles } from './profile.js';

function setup(opts: { cmdline?: string; release?: '6.1' | '6.12'; kconfig?: 'lazy' | 'strict' } = {}) {
  const release = opts.release ?? '6.12';
  const cmd = parseCmdline(opts.cmdline ?? 'intel_iommu=on');
  const mem = new PhysMem({ size: 8n << 30n });
  const pages = new PageAllocator(mem);
  const log = new KernelLog();
  const clock = new SimClock();
  const vtd = new IntelVtd(
    { addressWidth: 48, superpages: { '2M': true, '1G': true }, passThrough: true, cachingMode: false, faultRecords: 1, gfxDedicatedDrhd: true },
    parseIntelOptions(cmd, { defaultOn: false, defaultOnIntgpuOff: true, scalableModeDefaultOn: true }),
    iommuProfiles[release],
    pgtableProfiles[release],
    mem,
    pages,
    log,
    () => clock.now(),
  );
  const { topology } = buildTopology([
    { kind: 'device', bdf: '00:19.0', attrs: { class: 'nic', id: '8086:15bc' }, children: [] },
    { kind: 'device', bdf: '00:1a.0', attrs: { class: 'nic', id: '8086:15bc' }, children: [] },
  ]);
  const policy = computeDefaultDomainPolicy({
    kconfig: opts.kconfig ?? 'lazy',
    cmdline: cmd,
    memEncrypt: false,
    profile: iommuProfiles[release],
    driverStrict: false,
    driverForceDac: false,
  });
  const core = new IommuCore({ topology, driver: vtd, policy, log, iommuDma: true });
  core.probe();
  const api = new DmaApi({
    profile: dmaProfiles[release],
    hooks: {
      clock,
      hz: 250,
      flushAll: (d: IommuDomain) => vtd.flushAll(d),
      flushRange: (d: IommuDomain, i: bigint, s: bigint) => vtd.flushRange(d, i, s),
      print: (l: string) => log.print(l),
    },
    dmaDomainOf: (dev) => core.dmaDomainOf(dev.key),
    reservationsFor: () => [
      { start: 0xc0000000n, end: 0xfebfffffn, why: 'host bridge window' },
      { start: 0xfee00000n, end: 0xfeefffffn, why: 'MSI' },
    ],
  });
  const nic = new DmaDevice('e1000e 0000:00:19.0', '0000:00:19.0', true, false, 32, policy.forceDac);
  const nic2 = new DmaDevice('e1000e 0000:00:1a.0', '0000:00:1a.0', true, false, 32, policy.forceDac);
  return { api, nic, nic2, clock, log, core, vtd };
}

const map = (s: ReturnType<typeof setup>, phys: bigint, size: bigint, dev = s.nic) => s.api.mapSingle(dev, phys, size, 'to-device').dma;

describe('iommu-dma IOVAs (facts core.md §9)', () => {
  it('S-11 and S-12: first IOVA, rounding, alignment, cached node', () => {
    const s = setup();
    expect(map(s, 0x1234_5010n, 100n)).toBe(0xfffff010n);
    const t = setup();
    expect(map(t, 0x2000_0800n, 8192n)).toBe(0xffffc800n);
    expect(map(t, 0x3000_0000n, 100n)).toBe(0xffffb000n);
  });
  it('S-13: 33 pages are aligned to 64, the next page goes below', () => {
    const s = setup();
    expect(map(s, 0x4000_0000n, 33n * 4096n)).toBe(0xfffc0000n);
    expect(map(s, 0x5000_0000n, 4096n)).toBe(0xfffbf000n);
  });
  it('S-14: strict reuse is LIFO through the rcache', () => {
    const s = setup({ cmdline: 'intel_iommu=on iommu.strict=1' });
    const a = map(s, 0x1000_0000n, 4096n);
    const b = map(s, 0x1000_1000n, 4096n);
    expect([a, b, map(s, 0x1000_2000n, 4096n)]).toEqual([0xfffff000n, 0xffffe000n, 0xffffd000n]);
    s.api.unmapSingle(s.nic, a, 4096n);
    s.api.unmapSingle(s.nic, b, 4096n);
    expect([map(s, 0x1n << 28n, 4096n), map(s, 0x1n << 28n, 4096n), map(s, 0x1n << 28n, 4096n)]).toEqual([0xffffe000n, 0xfffff000n, 0xffffc000n]);
  });
  it('S-15: lazy unmaps wait for the flush-queue timer (3 jiffies at HZ=250)', () => {
    const s = setup();
    const a = map(s, 0x1000_0000n, 4096n);
    s.api.unmapSingle(s.nic, a, 4096n);
    expect(map(s, 0x1000_0000n, 4096n)).toBe(0xffffe000n);
    s.clock.advance(11);
    expect(map(s, 0x1000_0000n, 4096n)).toBe(0xffffd000n);
    s.clock.advance(1);
    expect(map(s, 0x1000_0000n, 4096n)).toBe(0xfffff000n);
  });
  it('S-16: 64-bit mask stays below 4 GiB first; S-17: 6.12 switches for good and says so', () => {
    const s = setup();
    s.api.setMask(s.nic, (1n << 64n) - 1n, 'both');
    expect(map(s, 0x1000_0000n, 4096n)).toBe(0xfffff000n);
    // Reserve all remaining 32-bit space in this domain.
    const domain = s.core.groupOf('0000:00:19.0')!.defaultDomain!;
    s.api.cookieOf(domain)!.iovad.reserveIova(1, 0xffffe);
    expect(map(s, 0x1000_0000n, 4096n)).toBe(0xfffffffff000n);
    expect(s.log.lines).toContain('e1000e 0000:00:19.0: Using 48-bit DMA addresses');
    expect(s.nic.pci32bitWorkaround).toBe(false);
    // Another device keeps its SAC attempt.
    expect(s.nic2.pci32bitWorkaround).toBe(true);
  });
  it('6.1 retries 32-bit first every time and prints nothing', () => {
    const s = setup({ release: '6.1' });
    s.api.setMask(s.nic, (1n << 64n) - 1n, 'both');
    const domain = s.core.groupOf('0000:00:19.0')!.defaultDomain!;
    map(s, 0x1000_0000n, 4096n);
    s.api.cookieOf(domain)!.iovad.reserveIova(1, 0xffffe);
    expect(map(s, 0x1000_0000n, 4096n)).toBe(0xfffffffff000n);
    expect(s.log.lines.some((l) => l.includes('-bit DMA addresses'))).toBe(false);
    expect(s.nic.pci32bitWorkaround).toBe(true);
  });
  it('S-18: a 32-bit device fails when no IOVA fits (DMA_MAPPING_ERROR)', () => {
    const s = setup();
    map(s, 0x1000_0000n, 4096n);
    const domain = s.core.groupOf('0000:00:19.0')!.defaultDomain!;
    s.api.cookieOf(domain)!.iovad.reserveIova(1, 0xffffe);
    const r = s.api.mapSingle(s.nic, 0x1000_0000n, 4096n, 'to-device');
    expect(r.ok).toBe(false);
    expect(r.dma).toBe(DMA_MAPPING_ERROR);
  });
});

describe('dma-direct', () => {
  it('returns the physical address when the mask covers it (identity domain: iommu=pt)', () => {
    const s = setup({ cmdline: 'intel_iommu=on iommu=pt' });
    expect(s.api.pathOf(s.nic)).toBe('direct');
    expect(s.api.mapSingle(s.nic, 0x7000_0010n, 100n, 'to-device')).toMatchObject({ ok: true, dma: 0x7000_0010n });
  });
  it('S-23: a 32-bit device and a buffer above 4 GiB without bounce buffers fail with the WARN text', () => {
    const s = setup({ cmdline: 'intel_iommu=on iommu=pt' });
    const r = s.api.mapSingle(s.nic, 0x1_2345_6010n, 100n, 'to-device');
    expect(r.ok).toBe(false);
    expect(s.log.lines).toContain('e1000e 0000:00:19.0: DMA addr 0x0000000123456010+100 overflow (mask ffffffff, bus limit 0).');
  });
  it('dma_set_mask refuses masks below ZONE_DMA under dma-direct, accepts them under iommu-dma', () => {
    const s = setup({ cmdline: 'intel_iommu=on iommu=pt' });
    expect(s.api.setMask(s.nic, (1n << 20n) - 1n, 'both')).toBe('EIO');
    expect(s.api.setMask(s.nic, (1n << 24n) - 1n, 'both')).toBeUndefined();
    const t = setup();
    expect(t.api.setMask(t.nic, (1n << 20n) - 1n, 'both')).toBeUndefined();
  });
});

describe('flush queue', () => {
  it('timer expiry is in jiffies', () => {
    expect(timerExpiry(0, 10, 250)).toBe(12);
    expect(timerExpiry(5, 10, 250)).toBe(16);
    expect(timerExpiry(0, 10, 1000)).toBe(10);
    expect(timerExpiry(3, 10, 100)).toBe(10);
  });
  it('a full ring flushes and frees before queueing more (IOVA_FQ_SIZE - 1 entries)', () => {
    const freed: number[] = [];
    let flushes = 0;
    const fq = new FlushQueue({ flushIotlbAll: () => flushes++, freeIova: (p) => freed.push(p), armTimer: () => undefined }, 250);
    for (let i = 0; i < FlushQueue.SIZE - 1; i++) fq.queue(i, 1, 0);
    expect([flushes, freed.length]).toEqual([0, 0]);
    fq.queue(999, 1, 0);
    expect(flushes).toBe(1);
    expect(freed.length).toBe(FlushQueue.SIZE - 1);
    expect(freed.slice(0, 3)).toEqual([0, 1, 2]);
    expect(fq.pending.map((e) => e.pfn)).toEqual([999]);
    fq.timeout();
    expect(freed.at(-1)).toBe(999);
  });
});
