/**
 * `lspci -tv`-style tree (pciutils ls-tree.c show_forest / show_tree_bus /
 * show_tree_dev): one line per leaf, `+-` / `\-` branches, `-[bb]--` or
 * `-[bb-ss]--` after a bridge, `-[dddd:bb]-` for a root bus.
 */
import type { PciTopology } from './topology.js';
import type { PciBus, PciDevice } from './types.js';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

export interface TreeOptions {
  /** Append '  vvvv:dddd' to each function (default true). */
  ids?: boolean;
}

export function formatTree(topo: PciTopology, opts: TreeOptions = {}): string {
  const ids = opts.ids ?? true;
  const out: string[] = [];
  const printIt = (line: string): void => {
    out.push(line);
  };
  const showDev = (d: PciDevice, line: string): void => {
    let l = `${line}${hex2(d.slot)}.${d.fn}`;
    if (d.childBus) {
      const sec = d.secondaryBus!;
      const sub = d.subordinateBus ?? sec;
      l += sub > sec ? `-[${hex2(sec)}-${hex2(sub)}]--` : `-[${hex2(sec)}]--`;
      showBus(d.childBus, l);
      return;
    }
    if (ids) l += `  ${d.vendor.toString(16).padStart(4, '0')}:${d.device.toString(16).padStart(4, '0')}`;
    printIt(l);
  };
  // show_tree_bus. After a line is printed, lspci turns the line buffer into the
  // continuation prefix ('+'/'|' → '|', anything else → ' '); the next sibling
  // writes its branch over that prefix.
  const showBus = (b: PciBus, line: string): void => {
    // lspci lists a bus's functions by devfn (VFs are appended to bus->devices later).
    const devs = [...b.devices].sort((x, y) => x.devfn - y.devfn);
    if (devs.length === 0) {
      printIt(line);
      return;
    }
    if (devs.length === 1) {
      showDev(devs[0]!, `${line}--`);
      return;
    }
    let prefix = line;
    devs.forEach((d, i) => {
      const last = i === devs.length - 1;
      const before = out.length;
      const branch = last ? '\\-' : '+-';
      showDev(d, `${prefix}${branch}`);
      if (!last) prefix = continuation(out[before]!, prefix.length);
    });
  };
  const continuation = (printed: string, width: number): string =>
    printed.slice(0, width).replace(/[^+|]/g, ' ').replace(/\+/g, '|');

  // A VF's virtual bus has no bridge: lspci shows it as a root of its own.
  const roots = [...topo.rootBuses, ...topo.virtualBuses].sort((a, b) => a.segment - b.segment || a.number - b.number);
  if (roots.length === 1) {
    showBus(roots[0]!, `-[${roots[0]!.segment.toString(16).padStart(4, '0')}:${hex2(roots[0]!.number)}]-`);
  } else {
    let prefix = '-';
    roots.forEach((r, i) => {
      const last = i === roots.length - 1;
      const before = out.length;
      showBus(r, `${prefix}${last ? '\\-' : '+-'}[${r.segment.toString(16).padStart(4, '0')}:${hex2(r.number)}]-`);
      if (!last) prefix = continuation(out[before]!, prefix.length);
    });
  }
  return out.join('\n') + '\n';
}
