import { describe, expect, it } from 'vitest';
import { defaultConfig, runProperty } from './testing/property.js';
import type { PropertyResult } from './testing/property.js';
import { treeDefaults } from './tree-store.js';

/**
 * Differential property tests against the naive reference (src/testing/naive.ts):
 * ~50k calls here; scripts/property-1m.ts runs 1M.
 */
describe('IovaDomain agrees with the naive kernel-literal model', () => {
  const sum = (rs: PropertyResult[], k: 'rcacheHits' | 'rcacheFlushes' | 'depotTrims' | 'depotFullFrees' | 'rcacheBypass'): number =>
    rs.reduce((n, r) => n + (r.stats?.[k] ?? 0), 0);

  it('mixed sequences: tree, rcache, reservations, limits around 4 GiB, clock, CPU offline', () => {
    const results: PropertyResult[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const r = runProperty(defaultConfig(seed, 3000, 'mixed'));
      expect(r.mismatch).toBeUndefined();
      results.push(r);
    }
    expect(results.reduce((n, r) => n + r.calls, 0)).toBeGreaterThan(20_000);
    // The sequences really exercised the interesting paths.
    expect(sum(results, 'rcacheHits')).toBeGreaterThan(100);
    expect(sum(results, 'rcacheFlushes')).toBeGreaterThan(10);
    expect(sum(results, 'rcacheBypass')).toBeGreaterThan(10);
  });

  it('magazine/depot-heavy sequences: swaps, depot pushes, 100 ms trims, 6.1 depot overflow', () => {
    const results: PropertyResult[] = [];
    // seed 12 draws a 6.1 / 1-CPU config with a big round (depot overflow), seed 22 a 6.12 one (trims).
    for (const [seed, ops] of [
      [12, 20_000],
      [22, 8_000],
    ] as const) {
      const r = runProperty(defaultConfig(seed, ops, 'rcache'));
      expect(r.mismatch).toBeUndefined();
      results.push(r);
    }
    expect(sum(results, 'depotFullFrees')).toBeGreaterThan(0);
    expect(sum(results, 'depotTrims')).toBeGreaterThan(0);
    expect(sum(results, 'rcacheHits')).toBeGreaterThan(1000);
  });

  it('free-then-allocate pairs: the deferred removal and the in-place refill', () => {
    for (const seed of [31, 32, 33, 34]) {
      const r = runProperty(defaultConfig(seed, 4000, 'refill'));
      expect(r.mismatch).toBeUndefined();
      expect(r.calls).toBeGreaterThan(3900);
    }
  });

  it('the same with 4-slot tree nodes, so small workloads build deep trees (splits, merges, borrows)', () => {
    const saved = { ...treeDefaults };
    treeDefaults.leafCap = 4;
    treeDefaults.innerCap = 4;
    try {
      for (const [seed, mode] of [
        [3, 'mixed'],
        [5, 'mixed'],
        [22, 'rcache'],
        [31, 'refill'],
      ] as const) {
        const r = runProperty(defaultConfig(seed, 3000, mode));
        expect(r.mismatch).toBeUndefined();
        // Over 64 ranges in 4-slot nodes: at least 17 leaves under 3 levels of inner nodes.
        expect((r.stats?.liveRanges ?? 0) + (r.stats?.reservedRanges ?? 0)).toBeGreaterThan(64);
      }
    } finally {
      Object.assign(treeDefaults, saved);
    }
  });
});
