/**
 * First pass of buildTopology: walk the node tree, parse attributes, resolve each
 * node's kind and PCIe type, and collect nodes into "containers" (the bus each
 * node sits on: a root bus or a bridge's secondary bus).
 */
import { PLATFORM_DEVICE_ATTRS, parseNodeAttrs, type NodeAttrs } from './attrs.js';
import { parseBdf, type ParsedBdf } from './bdf.js';
import type { PcieType, PlatformDevice, TopologyError, TopologyNodeSpec } from './types.js';

export interface Draft {
  spec: TopologyNodeSpec;
  attrs: NodeAttrs;
  bdf: ParsedBdf | undefined;
  pcieType: PcieType | undefined;
  isBridge: boolean;
  classCode: number;
  /** The container this node sits in. */
  container: Container;
  /** Bridges: the container of their secondary bus. */
  child: Container | undefined;
  /** Resolved address (after numbering). */
  segment: number;
  bus: number;
  devfn: number;
  subordinate: number;
  /** Dropped (duplicate address, bad BDF…): not created, nor its subtree. */
  dropped: boolean;
}

export interface Container {
  /** The bridge whose secondary bus this is; undefined for a root bus. */
  owner: Draft | undefined;
  segment: number;
  number: number | undefined;
  members: Draft[];
  ref: unknown;
  /** Declared by a host-bridge node (not implied by a top-level device's BDF). */
  host: boolean;
}

/** Kind → (bridge?, PCIe type). 'auto' = endpoint, or conventional below a PCI bus. */
const KINDS: Readonly<Record<string, { bridge: boolean; type: PcieType | 'conventional' | 'auto' }>> = {
  device: { bridge: false, type: 'auto' },
  'root-port': { bridge: true, type: 'root-port' },
  switch: { bridge: true, type: 'upstream-port' },
  'upstream-port': { bridge: true, type: 'upstream-port' },
  'downstream-port': { bridge: true, type: 'downstream-port' },
  bridge: { bridge: true, type: 'pcie-to-pci-bridge' },
  'pcie-to-pci-bridge': { bridge: true, type: 'pcie-to-pci-bridge' },
  'pci-bridge': { bridge: true, type: 'conventional' },
  'pcie-bridge': { bridge: true, type: 'pci-to-pcie-bridge' },
  'pci-to-pcie-bridge': { bridge: true, type: 'pci-to-pcie-bridge' },
};

export const NODE_KINDS: readonly string[] = [...Object.keys(KINDS), 'host-bridge', 'platform-device'];

const BRIDGE_TYPES: readonly PcieType[] = ['root-port', 'upstream-port', 'downstream-port', 'pcie-to-pci-bridge', 'pci-to-pcie-bridge'];

export interface CollectResult {
  /** Root containers (host bridges first, then implicit root buses of top-level devices). */
  roots: Container[];
  drafts: Draft[];
  /** platform-device nodes, in declaration order. */
  platform: PlatformDevice[];
  errors: TopologyError[];
}

/** A `platform-device name=… [iommu=none]` node (only at the top of the topology). */
function platformDevice(spec: TopologyNodeSpec, nested: boolean, seen: Set<string>, errors: TopologyError[]): PlatformDevice | undefined {
  const ref = spec.ref;
  if (nested) {
    errors.push({ code: 'PCI_BAD_CHILD', message: 'a platform-device is not on a PCI bus: put it at the top of the topology', ref });
    return undefined;
  }
  if (spec.bdf !== undefined) errors.push({ code: 'PCI_BAD_BDF', message: 'a platform-device has no PCI address', hint: 'name it with name=…', ref });
  if (spec.children.length > 0) errors.push({ code: 'PCI_NOT_A_BRIDGE', message: 'a platform-device has no devices below it', ref });
  let behindIommu = true;
  for (const [k, v] of Object.entries(spec.attrs)) {
    if (!PLATFORM_DEVICE_ATTRS.includes(k)) {
      errors.push({ code: 'PCI_UNKNOWN_ATTR', message: `unknown attribute '${k}' on a platform-device`, hint: `known attributes: ${PLATFORM_DEVICE_ATTRS.join(', ')}`, ref, attr: k });
    } else if (k === 'iommu') {
      if (v === 'none' || v === 'off') behindIommu = false;
      else if (v !== 'on') errors.push({ code: 'PCI_BAD_ATTR', message: `iommu '${String(v)}' is not 'none'`, hint: 'iommu=none (not behind the IOMMU: no group)', ref, attr: k });
    }
  }
  const name = spec.attrs.name;
  if (typeof name !== 'string' || name.trim() === '') {
    errors.push({ code: 'PCI_BAD_ATTR', message: 'a platform-device needs name=…', hint: 'e.g. platform-device name="INT33C2:00"', ref, attr: 'name' });
    return undefined;
  }
  if (seen.has(name)) {
    errors.push({ code: 'PCI_DUP_BDF', message: `platform device '${name}' is declared twice`, hint: 'every platform device needs its own name', ref, attr: 'name' });
    return undefined;
  }
  seen.add(name);
  return { name, behindIommu, attrs: spec.attrs, ref };
}

/** Walk the spec tree. */
export function collectDrafts(nodes: TopologyNodeSpec[]): CollectResult {
  const errors: TopologyError[] = [];
  const drafts: Draft[] = [];
  const hostRoots: Container[] = [];
  const implicitRoots = new Map<string, Container>();
  const platform: PlatformDevice[] = [];
  const platformNames = new Set<string>();

  const visit = (spec: TopologyNodeSpec, container: Container | undefined): void => {
    if (spec.kind === 'platform-device') {
      const p = platformDevice(spec, container !== undefined, platformNames, errors);
      if (p) platform.push(p);
      return;
    }
    if (spec.kind === 'import') {
      errors.push({
        code: 'PCI_IMPORT_UNEXPANDED',
        message: 'an import node must be expanded before the topology is built',
        hint: 'call expandImports(nodes, readFile) first (the machine does this)',
        ref: spec.ref,
      });
      return;
    }
    if (spec.kind === 'host-bridge') {
      if (container) {
        errors.push({ code: 'PCI_BAD_CHILD', message: 'a host-bridge must be at the top of the topology', ref: spec.ref });
        return;
      }
      const { attrs, errors: aerr } = parseNodeAttrs(spec.attrs, spec.ref, true);
      errors.push(...aerr);
      if (spec.bdf !== undefined) {
        errors.push({ code: 'PCI_BAD_BDF', message: 'a host-bridge has no PCI address', hint: 'give its root bus as segment= and bus=', ref: spec.ref });
      }
      const root: Container = {
        owner: undefined,
        segment: attrs.segment ?? 0,
        number: attrs.rootBus,
        members: [],
        ref: spec.ref,
        host: true,
      };
      hostRoots.push(root);
      for (const c of spec.children) visit(c, root);
      return;
    }
    const kind = KINDS[spec.kind];
    if (!kind) {
      errors.push({
        code: 'PCI_UNKNOWN_KIND',
        message: `unknown topology node '${spec.kind}'`,
        hint: `known nodes: ${NODE_KINDS.join(', ')}`,
        ref: spec.ref,
      });
      return;
    }
    let bdf: ParsedBdf | undefined;
    if (spec.bdf !== undefined) {
      const r = parseBdf(spec.bdf);
      if (!r.ok) {
        errors.push({ ...r.error, ref: spec.ref });
        return;
      }
      bdf = r.bdf;
    }
    const { attrs, errors: aerr } = parseNodeAttrs(spec.attrs, spec.ref, false);
    errors.push(...aerr);

    if (!container) {
      const seg = bdf?.segment ?? 0;
      const num = bdf?.bus ?? 0;
      const key = `${seg}:${num}`;
      let root = implicitRoots.get(key);
      if (!root) {
        root = { owner: undefined, segment: seg, number: num, members: [], ref: spec.ref, host: false };
        implicitRoots.set(key, root);
      }
      container = root;
    }

    // PCIe type: explicit type= wins over the kind's default.
    const parentType = container.owner?.pcieType;
    const parentIsPciBus = container.owner !== undefined && (parentType === undefined || parentType === 'pcie-to-pci-bridge');
    let type: PcieType | 'conventional' = kind.type === 'auto' ? (parentIsPciBus ? 'conventional' : 'endpoint') : kind.type;
    if (attrs.pcieType !== undefined) {
      const given = attrs.pcieType;
      const givenBridge = given !== 'conventional' && BRIDGE_TYPES.includes(given);
      if (kind.bridge && given !== 'conventional' && !givenBridge) {
        errors.push({ code: 'PCI_BAD_ATTR', message: `a ${spec.kind} node cannot have type=${given}`, hint: 'use a device node for endpoints', ref: spec.ref, attr: 'type' });
      } else {
        type = given;
      }
    }
    const pcieType = type === 'conventional' ? undefined : type;
    // drivers/pci/iov.c pci_iov_init/sriov_init: SR-IOV only on a PCIe endpoint or RC integrated endpoint.
    if (attrs.sriovNum !== undefined && pcieType !== 'endpoint' && pcieType !== 'rc-integrated-endpoint') {
      errors.push({
        code: 'PCI_BAD_ATTR',
        message: `sriov= on a ${pcieType ?? 'conventional PCI'} ${spec.kind}: only a PCIe endpoint or RC integrated endpoint can be an SR-IOV physical function`,
        hint: 'put sriov= on a device node (type=endpoint or rc-integrated-endpoint)',
        ref: spec.ref,
        attr: 'sriov',
      });
      attrs.sriovNum = undefined;
    }
    const classDefaultBridge = attrs.classCode !== undefined && attrs.classCode >> 8 === 0x0604;
    const isBridge =
      kind.bridge || (pcieType !== undefined && BRIDGE_TYPES.includes(pcieType)) || (pcieType === undefined && classDefaultBridge);

    const draft: Draft = {
      spec,
      attrs,
      bdf,
      pcieType,
      isBridge,
      classCode: attrs.classCode ?? (isBridge ? 0x060400 : 0),
      container,
      child: undefined,
      segment: container.segment,
      bus: 0,
      devfn: 0,
      subordinate: 0,
      dropped: false,
    };
    container.members.push(draft);
    drafts.push(draft);

    if (!isBridge) {
      for (const a of ['secondary', 'subordinate', 'pcie-bridge-alias', 'bridge-xlate-root']) {
        if (a in spec.attrs) errors.push({ code: 'PCI_BAD_ATTR', message: `'${a}' only applies to bridges, not to a ${spec.kind}`, ref: spec.ref, attr: a });
      }
      if (spec.children.length > 0) {
        errors.push({
          code: 'PCI_NOT_A_BRIDGE',
          message: `${spec.bdf ?? spec.kind} has devices below it but is not a bridge`,
          hint: 'put them under a root-port, switch, downstream-port, bridge or pci-bridge node',
          ref: spec.ref,
        });
      }
      return;
    }
    if (attrs.pcieBridgeAlias && pcieType !== undefined) {
      errors.push({ code: 'PCI_BAD_ATTR', message: 'pcie-bridge-alias only applies to a conventional (non-PCIe) bridge', ref: spec.ref, attr: 'pcie-bridge-alias' });
    }
    const child: Container = {
      owner: draft,
      segment: container.segment,
      number: attrs.secondary,
      members: [],
      ref: spec.ref,
      host: false,
    };
    draft.child = child;
    for (const c of spec.children) visit(c, child);
    if (pcieType === 'upstream-port') {
      for (const m of child.members) {
        if (m.pcieType !== 'downstream-port') {
          errors.push({
            code: 'PCI_BAD_CHILD',
            message: `${m.spec.bdf ?? m.spec.kind} sits below a switch upstream port but is not a downstream port`,
            hint: 'the children of a switch are its downstream ports; put endpoints below a downstream-port',
            ref: m.spec.ref,
          });
        }
      }
    }
  };

  for (const n of nodes) visit(n, undefined);
  return { roots: [...hostRoots, ...implicitRoots.values()], drafts, platform, errors };
}
