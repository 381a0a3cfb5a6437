/**
 * Second pass of buildTopology: bus numbers and device addresses.
 * A bridge's secondary bus is `secondary=` or the bus of its children's BDFs;
 * a bridge with neither gets the next bus number above every number in use.
 * Subordinate is `subordinate=` or the highest bus below the bridge.
 */
import { formatBdf } from './bdf.js';
import type { Container, Draft } from './build-drafts.js';
import { sriovMaxBus, sriovParams } from './sriov.js';
import type { TopologyError } from './types.js';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

function dropTree(d: Draft): void {
  d.dropped = true;
  if (d.child) for (const m of d.child.members) dropTree(m);
}

const where = (d: Draft): string => d.spec.bdf ?? `${d.spec.kind} node`;

/** Bus types below which Linux scans only device 0 (probe.c only_one_child / pcie_downstream_port). */
const ONE_CHILD_TYPES = ['root-port', 'downstream-port', 'pci-to-pcie-bridge'];

/** Check members' explicit bus numbers against the container, inferring it when unknown. */
function settleMembers(c: Container, errors: TopologyError[]): void {
  for (const m of c.members) {
    if (m.dropped || !m.bdf) continue;
    if (m.bdf.hasSegment && m.bdf.segment !== c.segment) {
      errors.push({
        code: 'PCI_BUS_MISMATCH',
        message: `${where(m)} is in segment ${m.bdf.segment.toString(16).padStart(4, '0')} but its parent bus is in segment ${c.segment.toString(16).padStart(4, '0')}`,
        ref: m.spec.ref,
      });
      dropTree(m);
      continue;
    }
    if (c.number === undefined) {
      c.number = m.bdf.bus;
      continue;
    }
    if (m.bdf.bus !== c.number) {
      const owner = c.owner;
      errors.push({
        code: 'PCI_BUS_MISMATCH',
        message: owner
          ? `${where(m)} is on bus ${hex2(m.bdf.bus)} but sits below bridge ${where(owner)} whose secondary bus is ${hex2(c.number)}`
          : `${where(m)} is on bus ${hex2(m.bdf.bus)} but its host bridge's root bus is ${hex2(c.number)}`,
        hint: owner
          ? `devices below a bridge sit on its secondary bus: write ${hex2(c.number)}:dd.f, or change the bridge's secondary=`
          : 'write the device on the root bus, or change bus= of the host-bridge',
        ref: m.spec.ref,
      });
      dropTree(m);
    }
  }
}

/** Number every bus and address every device. Returns the root containers in (segment, bus) order. */
export function numberBuses(roots: Container[], errors: TopologyError[]): Container[] {
  // Root buses: settle numbers, then merge duplicates (an implicit root on a host bridge's bus joins it).
  for (const r of roots) settleMembers(r, errors);
  const usedRoot = new Map<string, Container>();
  const finalRoots: Container[] = [];
  const pendingRoots: Container[] = [];
  for (const r of roots) {
    if (r.number === undefined) {
      pendingRoots.push(r);
      continue;
    }
    const key = `${r.segment}:${r.number}`;
    const prev = usedRoot.get(key);
    if (!prev) {
      usedRoot.set(key, r);
      finalRoots.push(r);
    } else if (prev.host && r.host) {
      errors.push({ code: 'PCI_DUP_BUS', message: `two host bridges claim root bus ${r.segment.toString(16).padStart(4, '0')}:${hex2(r.number)}`, ref: r.ref });
      r.members.forEach(dropTree);
    } else {
      for (const m of r.members) m.container = prev;
      prev.members.push(...r.members);
    }
  }

  // Bridges: explicit secondary or inferred from children, depth first.
  const bridges: Container[] = [];
  const walk = (c: Container): void => {
    for (const m of c.members) {
      if (m.dropped || !m.child) continue;
      settleMembers(m.child, errors);
      bridges.push(m.child);
      walk(m.child);
    }
  };
  finalRoots.forEach(walk);
  pendingRoots.forEach(walk);

  // Numbers in use per segment (including explicit subordinate ranges).
  const used = new Map<number, Set<number>>();
  const maxUsed = new Map<number, number>();
  const note = (seg: number, n: number): void => {
    if (!used.has(seg)) used.set(seg, new Set());
    used.get(seg)!.add(n);
    maxUsed.set(seg, Math.max(maxUsed.get(seg) ?? -1, n));
  };
  for (const c of [...finalRoots, ...bridges]) {
    if (c.number !== undefined) note(c.segment, c.number);
    const sub = c.owner?.attrs.subordinate;
    if (sub !== undefined) note(c.segment, sub);
  }
  for (const r of pendingRoots) {
    let n = 0;
    while (used.get(r.segment)?.has(n) === true) n++;
    r.number = n;
    note(r.segment, n);
    finalRoots.push(r);
  }
  for (const b of bridges) {
    if (b.number !== undefined || b.owner?.dropped === true) continue;
    const n = (maxUsed.get(b.segment) ?? -1) + 1;
    if (n > 0xff) {
      errors.push({ code: 'PCI_BUS_RANGE', message: `no bus number left for the secondary bus of ${where(b.owner!)}`, ref: b.ref });
      dropTree(b.owner!);
      continue;
    }
    b.number = n;
    note(b.segment, n);
  }

  // Duplicate bus numbers.
  const seen = new Map<string, Container>();
  for (const c of [...finalRoots, ...bridges]) {
    if (c.number === undefined || c.owner?.dropped === true) continue;
    const key = `${c.segment}:${c.number}`;
    const prev = seen.get(key);
    if (prev && prev !== c) {
      errors.push({
        code: 'PCI_DUP_BUS',
        message: `bus ${hex2(c.number)} is used twice (${c.owner ? `secondary of ${where(c.owner)}` : 'root bus'} and ${prev.owner ? `secondary of ${where(prev.owner)}` : 'root bus'})`,
        hint: 'give each bridge its own secondary= bus number',
        ref: c.ref,
      });
    } else seen.set(key, c);
  }

  for (const c of [...finalRoots, ...bridges]) assignAddresses(c, errors);
  finalRoots.sort((a, b) => a.segment - b.segment || a.number! - b.number!);
  for (const r of finalRoots) computeSubordinates(r, errors);
  return finalRoots;
}

/** Give every member its segment/bus/devfn; report duplicates and unscanned slots. */
function assignAddresses(c: Container, errors: TopologyError[]): void {
  if (c.number === undefined || c.owner?.dropped === true) return;
  const taken = new Map<number, Draft>();
  const oneChild = c.owner?.pcieType !== undefined && ONE_CHILD_TYPES.includes(c.owner.pcieType);
  for (const m of c.members) {
    if (m.dropped || !m.bdf) continue;
    const prev = taken.get(m.bdf.devfn);
    if (prev) {
      errors.push({
        code: 'PCI_DUP_BDF',
        message: `${formatBdf({ segment: c.segment, bus: c.number, devfn: m.bdf.devfn })} is declared twice`,
        hint: 'every function needs its own bus:slot.function',
        ref: m.spec.ref,
      });
      dropTree(m);
      continue;
    }
    taken.set(m.bdf.devfn, m);
    m.segment = c.segment;
    m.bus = c.number;
    m.devfn = m.bdf.devfn;
  }
  for (const m of c.members) {
    if (m.dropped || m.bdf) continue;
    // Next free address: below a PCIe downstream link the next function of slot 0,
    // elsewhere function 0 of the next empty slot.
    let devfn = -1;
    for (let cand = 0; cand < 256; cand += oneChild ? 1 : 8) {
      if (oneChild && cand > 7) break;
      const slotBusy = !oneChild && [...taken.keys()].some((k) => k >> 3 === cand >> 3);
      if (!taken.has(cand) && !slotBusy) {
        devfn = cand;
        break;
      }
    }
    if (devfn < 0) {
      errors.push({ code: 'PCI_BUS_FULL', message: `no free address left on bus ${hex2(c.number)} for a ${m.spec.kind} node`, ref: m.spec.ref });
      dropTree(m);
      continue;
    }
    taken.set(devfn, m);
    m.segment = c.segment;
    m.bus = c.number;
    m.devfn = devfn;
  }
  if (oneChild) {
    for (const m of c.members) {
      if (!m.dropped && m.devfn >> 3 !== 0) {
        errors.push({
          code: 'PCI_SLOT_NOT_SCANNED',
          message: `${formatBdf(m)} is in slot ${hex2(m.devfn >> 3)} below ${where(c.owner!)}, but Linux scans only device 0 below a PCIe ${c.owner!.pcieType ?? ''}`,
          hint: `use ${hex2(c.number)}:00.f (drivers/pci/probe.c only_one_child)`,
          ref: m.spec.ref,
        });
      }
    }
  }
}

/**
 * Subordinate bus numbers bottom-up; validate ranges. Returns the highest bus at or below c:
 * `real` counts bridges' buses, `reserved` also the buses SR-IOV VFs will need.
 */
function computeSubordinates(c: Container, errors: TopologyError[]): { real: number; reserved: number } {
  let real = c.number!;
  let reserved = real;
  const bridgeRanges: Draft[] = [];
  for (const m of c.members) {
    // drivers/pci/iov.c pci_iov_bus_range: enumeration reserves the buses a PF's TotalVFs need.
    const sriov = m.dropped ? undefined : sriovParams(m.attrs, m.attrs.device ?? 0);
    if (sriov) reserved = Math.max(reserved, Math.min(0xff, sriovMaxBus(m.bus, m.devfn, sriov)));
  }
  for (const m of c.members) {
    if (m.dropped || !m.child || m.child.number === undefined) continue;
    const sec = m.child.number;
    if (sec <= m.bus) {
      errors.push({
        code: 'PCI_BUS_RANGE',
        message: `bridge ${formatBdf(m)} has secondary bus ${hex2(sec)}, not above its own bus ${hex2(m.bus)}`,
        hint: 'a bridge\'s secondary bus number must be higher than the bus it sits on; set secondary=',
        ref: m.spec.ref,
      });
    }
    const below = computeSubordinates(m.child, errors);
    const explicitSub = m.attrs.subordinate;
    if (explicitSub !== undefined && explicitSub < below.real) {
      errors.push({
        code: 'PCI_BUS_RANGE',
        message: `bridge ${formatBdf(m)} has subordinate ${hex2(explicitSub)} but bus ${hex2(below.real)} is below it`,
        hint: `set subordinate=${hex2(below.real)} or higher`,
        ref: m.spec.ref,
        attr: 'subordinate',
      });
    }
    m.subordinate = Math.max(explicitSub ?? below.reserved, below.real);
    real = Math.max(real, m.subordinate);
    reserved = Math.max(reserved, m.subordinate);
    bridgeRanges.push(m);
  }
  for (let i = 0; i < bridgeRanges.length; i++) {
    for (let j = i + 1; j < bridgeRanges.length; j++) {
      const a = bridgeRanges[i]!;
      const b = bridgeRanges[j]!;
      if (a.child!.number! <= b.subordinate && b.child!.number! <= a.subordinate) {
        errors.push({
          code: 'PCI_BUS_RANGE',
          message: `bridges ${formatBdf(a)} [${hex2(a.child!.number!)}-${hex2(a.subordinate)}] and ${formatBdf(b)} [${hex2(b.child!.number!)}-${hex2(b.subordinate)}] have overlapping bus ranges`,
          ref: b.spec.ref,
        });
      }
    }
  }
  return { real, reserved };
}
