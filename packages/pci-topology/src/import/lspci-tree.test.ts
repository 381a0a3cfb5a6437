import { describe, expect, it } from 'vitest';
import { buildTopology, formatTree, formIommuGroups, parseLspciTree } from '../index.js';

/** `lspci -t` of a QEMU arm64 guest, posted to the linux-pci list (a public thread on DT nodes for PCI devices). */
const QEMU_TREE = String.raw`-[0000:00]-+-00.0
           +-01.0-[01]--
           +-01.1-[02]----00.0
           +-01.2-[03]----00.0
           +-01.3-[04]----00.0
           +-01.4-[05]----00.0
           +-01.5-[06]--
           +-01.6-[07]--
           +-01.7-[08]--
           +-02.0-[09-0b]----00.0-[0a-0b]----00.0-[0b]--+-00.0
           |                                            \-00.1
           +-02.1-[0c]--
           \-03.0-[0d-0e]----00.0-[0e]----01.0
`;

/** `lspci -tv` of a QEMU guest with CXL host bridges (several root buses), posted to the linux-cxl list. */
const CXL_TREE = String.raw`-+-[0000:00]-+-00.0  Red Hat, Inc. QEMU PCIe Host bridge
 |           +-01.0  Red Hat, Inc. Virtio network device
 |           +-02.0  Red Hat, Inc. Virtio block device
 |           +-03.0  Red Hat, Inc. QEMU PCIe Expander bridge
 |           \-04.0  Red Hat, Inc. QEMU PCIe Expander bridge
 +-[0000:0c]-+-00.0-[0d]----00.0  Intel Corporation Device 0d93 (CXL)
 |           \-01.0-[0e]----00.0  Intel Corporation Device 0d93 (CXL)
 \-[0000:14]-+-00.0-[15]----00.0  Intel Corporation Device 0d93 (CXL)
             \-01.0-[16]----00.0  Intel Corporation Device 0d93 (CXL)
`;

describe('parseLspciTree', () => {
  it('reads nesting, bus ranges and chains of single children', () => {
    const r = parseLspciTree(QEMU_TREE);
    expect(r.errors).toEqual([]);
    const { topology, errors } = buildTopology(r.nodes);
    expect(errors).toEqual([]);
    expect(topology.devices.map((d) => d.bdf)).toContain('0000:0b:00.1');
    const b = topology.find('0b:00.1')!;
    expect(b.parent!.bdf).toBe('0000:0a:00.0');
    expect(b.parent!.parent!.bdf).toBe('0000:09:00.0');
    expect(b.parent!.parent!.parent!.bdf).toBe('0000:00:02.0');
    expect([topology.find('00:02.0')!.secondaryBus, topology.find('00:02.0')!.subordinateBus]).toEqual([9, 0x0b]);
    expect(topology.find('0e:01.0')!.parent!.bdf).toBe('0000:0d:00.0');
    // The drawing round-trips through formatTree.
    expect(formatTree(topology, { ids: false })).toBe(QEMU_TREE);
  });

  it('guesses bridge kinds and warns that a tree has no ACS', () => {
    const r = parseLspciTree(QEMU_TREE);
    const kinds = (n: typeof r.nodes): string[] => n.flatMap((x) => [`${x.bdf ?? ''} ${x.kind}`, ...kinds(x.children)]);
    const all = kinds(r.nodes);
    expect(all).toContain('0000:00:01.0 root-port');
    expect(all).toContain('0000:09:00.0 upstream-port');
    expect(all).toContain('0000:0a:00.0 downstream-port');
    expect(all).toContain('0000:0d:00.0 pcie-to-pci-bridge');
    expect(r.warnings.map((w) => w.code)).toEqual(['TREE_NO_ACS']);
    // Without ACS everything below a root port shares its group.
    const { topology } = buildTopology(r.nodes);
    const a = formIommuGroups(topology);
    expect(a.groupOf('0b:00.1')!.id).toBe(a.groupOf('00:02.0')!.id);
  });

  it('reads several root buses and names', () => {
    const r = parseLspciTree(CXL_TREE);
    expect(r.errors).toEqual([]);
    const { topology, errors } = buildTopology(r.nodes);
    expect(errors).toEqual([]);
    expect(topology.rootBuses.map((b) => b.number)).toEqual([0x00, 0x0c, 0x14]);
    expect(topology.find('16:00.0')!.parent!.bdf).toBe('0000:14:01.0');
    expect(topology.devices).toHaveLength(13);
  });

  it('reads vendor:device ids of -tvnn', () => {
    const r = parseLspciTree('-[0000:00]-+-00.0  Intel Corporation Device [8086:9a14]\n           \\-1c.0-[01]----00.0  Samsung Electronics Co Ltd NVMe SSD Controller [144d:a808]\n');
    expect(r.nodes.map((n) => n.attrs.id)).toEqual(['8086:9a14', undefined]);
    expect(r.nodes[1]!.children[0]!.attrs.id).toBe('144d:a808');
  });

  it('reports lines that are not a tree, and misaligned functions, with line numbers', () => {
    expect(parseLspciTree('00:00.0 Host bridge\n').errors.map((e) => [e.code, e.line])).toEqual([['TREE_NOT_TREE', 1]]);
    const bad = parseLspciTree('-[0000:00]-+-00.0\n          +-01.0\n');
    expect(bad.errors.map((e) => [e.code, e.line])).toEqual([['TREE_BAD_COLUMN', 2]]);
    expect(bad.errors[0]!.message).toContain('column 13');
    expect(parseLspciTree('').errors.map((e) => e.code)).toEqual(['TREE_EMPTY']);
  });
});
