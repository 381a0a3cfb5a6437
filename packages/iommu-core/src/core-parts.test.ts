import { describe, expect, it } from 'vitest';
import { SimClock } from './clock.js';
import { kstrtobool, parseCmdline } from './cmdline.js';
import { domainTypeString, domainTypeSysfs } from './domain-type.js';
import { Iotlb } from './iotlb.js';
import { KernelLog, RateLimit } from './log.js';
import { iommuPgsize, iommuPgsizeBigint } from './pgsize.js';

describe('command line', () => {
  it('splits tokens, honours quotes, keeps order', () => {
    expect(parseCmdline('quiet intel_iommu=on,igfx_off  iommu.strict=1 foo="a b"')).toEqual([
      { key: 'quiet', value: undefined, index: 0 },
      { key: 'intel_iommu', value: 'on,igfx_off', index: 1 },
      { key: 'iommu.strict', value: '1', index: 2 },
      { key: 'foo', value: 'a b', index: 3 },
    ]);
  });
  it('kstrtobool', () => {
    expect(['1', 'y', 'Y', 'on', 'ON', 't'].map(kstrtobool)).toEqual([true, true, true, true, true, true]);
    expect(['0', 'n', 'off', 'F'].map(kstrtobool)).toEqual([false, false, false, false]);
    expect(['', 'x', 'o', undefined].map(kstrtobool)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('iommu_pgsize', () => {
  const bitmap = (1n << 12n) | (1n << 21n) | (1n << 30n);
  it('uses 4K pages until iova and paddr reach a 2M boundary together', () => {
    expect(iommuPgsize(bitmap, 0x1ff000n, 0x40_1ff000n, 0x401000n)).toEqual({ pgsize: 0x1000n, count: 1 });
    expect(iommuPgsize(bitmap, 0x200000n, 0x40_200000n, 0x400000n)).toEqual({ pgsize: 0x200000n, count: 2 });
  });
  it('stays at 4K when iova and paddr differ within 2M', () => {
    expect(iommuPgsize(bitmap, 0x1000n, 0x2000n, 0x400000n)).toEqual({ pgsize: 0x1000n, count: 1024 });
  });
  it('4K only hardware maps everything as 4K pages', () => {
    expect(iommuPgsize(1n << 12n, 0n, 0n, 0x10000n)).toEqual({ pgsize: 0x1000n, count: 16 });
  });
  it('the number path (addresses below 2^53) agrees with the bigint one', () => {
    // VT-d with superpages, AMD v1 (every size from 4K but 512G, bits to 63), Arm 4K/16K/64K, DART 16K.
    const amd = ~0xfffn & ~(2n << 38n) & ((1n << 64n) - 1n);
    const bitmaps = [bitmap, 1n << 12n, amd, 0x40201000n, 0x2000000n | 0x4000n, 0x20010000n | (1n << 42n), 1n << 14n];
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const value = (): bigint => {
      const bits = rnd(54); // up to 2^53 and, past it, the bigint path
      const align = rnd(bits + 1);
      return ((BigInt(rnd(2 ** 30)) << BigInt(Math.max(0, bits - 30))) >> BigInt(align)) << BigInt(align);
    };
    let bothDefined = 0;
    for (let i = 0; i < 20_000; i++) {
      const b = bitmaps[rnd(bitmaps.length)]!;
      const iova = rnd(4) === 0 ? value() & ~0x1fffffn : value();
      const paddr = rnd(3) === 0 ? iova + (BigInt(rnd(4)) << 21n) : value();
      const size = value() + BigInt(rnd(2)) * 4096n || 4096n;
      const want = iommuPgsizeBigint(b, iova, paddr, size);
      expect(iommuPgsize(b, iova, paddr, size)).toEqual(want);
      if (want && want.pgsize > 4096n) bothDefined++;
    }
    expect(bothDefined).toBeGreaterThan(1000);
  });
});

describe('IOTLB', () => {
  it('caches per domain, invalidates ranges and whole domains', () => {
    const t = new Iotlb();
    t.fill(1, 0x100, { paPfn: 7, read: true, write: false });
    t.fill(1, 0x101, { paPfn: 8, read: true, write: true });
    t.fill(2, 0x100, { paPfn: 9, read: true, write: true });
    expect(t.lookup(1, 0x100)?.paPfn).toBe(7);
    t.flushRange(1, 0x100, 1);
    expect(t.lookup(1, 0x100)).toBeUndefined();
    expect(t.lookup(1, 0x101)?.paPfn).toBe(8);
    t.flushAll(1);
    expect(t.size(1)).toBe(0);
    expect(t.lookup(2, 0x100)?.paPfn).toBe(9);
    expect([t.hits, t.misses]).toEqual([3, 1]);
  });
});

describe('clock and rate limit', () => {
  it('fires timers in deadline order, ties in arming order, at their deadline', () => {
    const c = new SimClock();
    const seen: string[] = [];
    c.at(12, 'b', () => seen.push(`b@${c.now()}`));
    c.at(4, 'a', () => seen.push(`a@${c.now()}`));
    c.at(12, 'c', () => seen.push(`c@${c.now()}`));
    const cancel = c.at(5, 'x', () => seen.push('x'));
    cancel();
    expect(c.advance(10)).toEqual(['a']);
    expect(c.advance(2)).toEqual(['b', 'c']);
    expect(seen).toEqual(['a@4', 'b@12', 'c@12']);
    expect(() => c.advance(-1)).toThrow(RangeError);
  });
  it('DEFAULT_RATELIMIT: 10 per 5 s, then reports what it suppressed', () => {
    let now = 0;
    const log = new KernelLog(() => now);
    const rl = new RateLimit('dmar_fault');
    const allowed = Array.from({ length: 12 }, () => rl.allow(now, log));
    expect(allowed.filter(Boolean).length).toBe(10);
    now = 5000;
    expect(rl.allow(now, log)).toBe(true);
    expect(log.lines).toEqual(['dmar_fault: 2 callbacks suppressed']);
  });
});

describe('domain type names', () => {
  it('sysfs and log names', () => {
    expect(domainTypeSysfs('dma-fq')).toBe('DMA-FQ');
    expect(domainTypeSysfs(undefined)).toBe('unknown');
    expect(domainTypeString('identity')).toBe('Passthrough');
    expect(domainTypeString('dma-fq')).toBe('Translated');
  });
});
