/**
 * Property tests over random topologies (seeded PRNG, reproducible):
 *  - groups partition the devices behind the IOMMU;
 *  - a device whose whole path to the root passes ACS (and that is single-function
 *    or has ACS itself) is alone in its group;
 *  - group membership does not depend on the order siblings are declared.
 */
import { describe, expect, it } from 'vitest';
import { node } from './fixtures/node.js';
import { REQ_ACS_FLAGS, buildTopology, formIommuGroups, pciAcsPathEnabled } from './index.js';
import type { GroupAssignment, TopologyNodeSpec } from './index.js';

/** mulberry32: small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

function randomTopology(rand: () => number): TopologyNodeSpec[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chance = (p: number): boolean => rand() < p;
  let nextBus = 1;
  const acs = (): Record<string, string> => ({ acs: pick(['none', 'full', 'sv,rr', 'rr,cr,uf', 'sv,rr,cr,uf']) });

  /** Functions of one slot: fn 0 plus a random subset of 1-7. */
  const functions = (bus: number, slot: number, conventional: boolean): TopologyNodeSpec[] => {
    const fns = [0, ...[1, 2, 3, 4, 5, 6, 7].filter(() => chance(0.2))];
    return fns.map((fn) => {
      const attrs: Record<string, string> = conventional ? { type: 'pci' } : chance(0.5) ? acs() : {};
      if (chance(0.05)) attrs.iommu = 'none';
      return node('device', `${hex2(bus)}:${hex2(slot)}.${fn}`, attrs);
    });
  };
  const bridgeAt = (kind: string, bdf: string, attrs: Record<string, string>, fill: (bus: number) => TopologyNodeSpec[]): TopologyNodeSpec => {
    const sec = nextBus++;
    return node(kind, bdf, { ...attrs, secondary: hex2(sec) }, fill(sec));
  };
  /** Below a root or downstream port: one thing in slot 0. */
  const link = (bus: number, depth: number): TopologyNodeSpec[] => {
    const r = rand();
    if (depth < 3 && r < 0.25) {
      return [
        bridgeAt('switch', `${hex2(bus)}:00.0`, {}, (sbus) => {
          const n = 1 + Math.floor(rand() * 3);
          return Array.from({ length: n }, (_, i) => bridgeAt('downstream-port', `${hex2(sbus)}:${hex2(i)}.0`, acs(), (b) => link(b, depth + 1)));
        }),
      ];
    }
    if (depth < 3 && r < 0.35) return [bridgeAt('bridge', `${hex2(bus)}:00.0`, {}, (b) => conventionalBus(b, depth + 1))];
    if (r < 0.45) return [];
    return functions(bus, 0, false);
  };
  const conventionalBus = (bus: number, depth: number): TopologyNodeSpec[] => {
    const out: TopologyNodeSpec[] = [];
    for (let slot = 0; slot < 4; slot++) {
      if (!chance(0.6)) continue;
      if (depth < 3 && chance(0.15)) out.push(bridgeAt('pci-bridge', `${hex2(bus)}:${hex2(slot)}.0`, {}, (b) => conventionalBus(b, depth + 1)));
      else out.push(...functions(bus, slot, true));
    }
    return out;
  };
  const top: TopologyNodeSpec[] = [];
  for (let slot = 0; slot < 0x20; slot++) {
    const r = rand();
    if (r < 0.55) continue;
    if (r < 0.75) top.push(bridgeAt('root-port', `00:${hex2(slot)}.0`, acs(), (b) => link(b, 0)));
    else if (r < 0.8) top.push(bridgeAt('pci-bridge', `00:${hex2(slot)}.0`, {}, (b) => conventionalBus(b, 1)));
    else top.push(...functions(0, slot, chance(0.3)));
  }
  return top;
}

function shuffled(nodes: TopologyNodeSpec[], rand: () => number): TopologyNodeSpec[] {
  const out = nodes.map((n) => ({ ...n, children: shuffled(n.children, rand) }));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const asSets = (a: GroupAssignment): string[] => a.groups.map((g) => g.devices.map((d) => d.bdf).sort().join(' ')).sort();

const SEEDS = Array.from({ length: 300 }, (_, i) => i + 1);

describe('group formation properties (300 random topologies)', () => {
  it('groups partition the devices behind the IOMMU; ids are 0..n-1', () => {
    let shared = 0;
    for (const seed of SEEDS) {
      const { topology, errors } = buildTopology(randomTopology(prng(seed)));
      expect(errors, `seed ${seed}`).toEqual([]);
      const a = formIommuGroups(topology);
      const grouped = a.groups.flatMap((g) => g.devices.map((d) => d.bdf)).sort();
      const expected = topology.devices.filter((d) => d.behindIommu).map((d) => d.bdf).sort();
      expect(grouped, `seed ${seed}`).toEqual(expected);
      expect(a.groups.map((g) => g.id), `seed ${seed}`).toEqual(a.groups.map((_, i) => i));
      shared += a.groups.filter((g) => g.devices.length > 1).length;
    }
    expect(shared).toBeGreaterThan(300); // the generator does produce shared groups
  });

  it('a device with ACS all the way to the root (and single-function or ACS itself) is alone', () => {
    let checked = 0;
    for (const seed of SEEDS) {
      const { topology } = buildTopology(randomTopology(prng(seed)));
      const a = formIommuGroups(topology);
      for (const d of topology.devices) {
        if (!d.behindIommu || !pciAcsPathEnabled(topology, d, REQ_ACS_FLAGS)) continue;
        checked++;
        expect(a.groupOf(d.bdf)!.devices.map((x) => x.bdf), `seed ${seed} ${d.bdf}`).toEqual([d.bdf]);
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('membership does not depend on the order siblings are declared', () => {
    for (const seed of SEEDS) {
      const spec = randomTopology(prng(seed));
      const base = asSets(formIommuGroups(buildTopology(spec).topology));
      const other = asSets(formIommuGroups(buildTopology(shuffled(spec, prng(seed * 7919))).topology));
      expect(other, `seed ${seed}`).toEqual(base);
    }
  });
});
