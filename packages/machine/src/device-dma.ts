import type { VtdFaultRecord } from '@dmasim/iommu-core';
import type { PciDevice } from '@dmasim/pci-topology';
import { hex } from '@dmasim/physmem';
import type { Machine } from './machine.js';

export type DeviceDmaResult =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly why: readonly string[] }
  | { readonly ok: false; readonly kind: 'fault'; readonly fault: VtdFaultRecord; readonly why: readonly string[]; readonly done: number }
  | { readonly ok: false; readonly kind: 'unsupported-request'; readonly why: readonly string[]; readonly done: number };

/**
 * A device-initiated DMA: the device puts `addr` on the bus with its requester id;
 * an enabled IOMMU translates each page (IOTLB, then a page-table walk) or records a
 * fault; without translation the address goes straight to memory. Pages before a
 * faulting page complete (posted writes), the rest of the transfer is dropped.
 */
export function deviceDma(
  m: Machine,
  dev: PciDevice,
  access: 'read' | 'write',
  addr: bigint,
  len: number,
  fill: number,
): DeviceDmaResult {
  const write = access === 'write';
  const out = new Uint8Array(write ? 0 : len);
  const why: string[] = [];
  const translate = m.translates(dev);
  const rid = m.requesterId(dev);
  if (!translate) {
    why.push(
      m.vtd === undefined
        ? 'no IOMMU translates DMA on this machine: the bus address is the physical address'
        : `${dev.bdf} is not behind an enabled DMA-remapping unit: no translation`,
    );
  }
  let done = 0;
  while (done < len) {
    const a = addr + BigInt(done);
    const chunk = Math.min(len - done, 0x1000 - Number(a & 0xfffn));
    let pa = a;
    if (translate) {
      const t = m.vtd!.translate(rid, a, write);
      if (!t.ok) {
        m.vtd!.reportFault(t.record);
        return { ok: false, kind: 'fault', fault: t.record, why: [...why, ...t.why], done };
      }
      pa = t.pa;
      if (done === 0) why.push(`${hex(a)} → ${hex(pa)} (${t.how})`);
    }
    if (!m.mem.isRam(Number(pa >> 12n))) {
      return {
        ok: false,
        kind: 'unsupported-request',
        why: [...why, `${hex(pa)} is not RAM: the root complex answers Unsupported Request`],
        done,
      };
    }
    if (write) m.mem.fill(pa, chunk, fill);
    else out.set(m.mem.read(pa, chunk), done);
    done += chunk;
  }
  return { ok: true, bytes: out, why };
}
