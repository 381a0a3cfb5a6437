import { describe, expect, it } from 'vitest';
import { decodeStruct, encodeStruct } from './codec.js';

const enc = (...a: Parameters<typeof encodeStruct>) => {
  const r = encodeStruct(...a);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('encodeStruct / decodeStruct', () => {
  it('vfio_iommu_type1_dma_map: argsz@0 flags@4 vaddr@8 iova@16 size@24, little-endian', () => {
    const b = enc(
      'vfio_iommu_type1_dma_map',
      { argsz: 32, flags: 3, vaddr: 0x7f0000000000n, iova: 0x100000n, size: 0x200000n },
      '7.2',
    );
    expect(b.length).toBe(32);
    const v = new DataView(b.buffer);
    expect([v.getUint32(0, true), v.getUint32(4, true)]).toEqual([32, 3]);
    expect([v.getBigUint64(8, true), v.getBigUint64(16, true), v.getBigUint64(24, true)]).toEqual([
      0x7f0000000000n,
      0x100000n,
      0x200000n,
    ]);
    const d = decodeStruct('vfio_iommu_type1_dma_map', b, '7.2');
    expect(d.ok && d.value).toEqual({
      argsz: 32,
      flags: 3,
      vaddr: 0x7f0000000000n,
      iova: 0x100000n,
      size: 0x200000n,
    });
  });

  it('flexible arrays extend the buffer: vfio_irq_set with BOOL data {1,0,1} is 23 bytes', () => {
    const b = enc(
      'vfio_irq_set',
      { argsz: 23, flags: 0x2 | 0x8, index: 0, start: 1, count: 3, data: [1, 0, 1] },
      '6.1',
    );
    expect(b.length).toBe(23);
    expect([...b.subarray(20)]).toEqual([1, 0, 1]);
  });

  it('signed fields round-trip negative values (group_fds -1)', () => {
    const b = enc('vfio_pci_hot_reset', { argsz: 20, count: 2, group_fds: [5, -1] }, '7.2');
    const d = decodeStruct('vfio_pci_hot_reset', b, '7.2');
    expect(d.ok && d.value.group_fds).toEqual([5, -1]);
  });

  it('nested structs and fixed arrays', () => {
    const b = enc(
      'vfio_iommu_type1_dirty_bitmap_get',
      { iova: 0x1000n, size: 0x2000n, bitmap: { pgsize: 4096n, size: 8n, data: 0xdead000n } },
      '6.1',
    );
    expect(new DataView(b.buffer).getBigUint64(16, true)).toBe(4096n);
    const hw = enc('iommu_hw_info_arm_smmuv3', { idr: [1, 2, 3, 4, 5, 6] }, '7.2');
    expect(new DataView(hw.buffer).getUint32(8 + 5 * 4, true)).toBe(6);
  });

  it('an argsz larger than the struct pads with zeros', () => {
    expect(enc('vfio_group_status', { argsz: 16 }, '6.1', { size: 16 }).length).toBe(16);
  });

  it('bad input is an error value with a stable code', () => {
    const code = (r: { ok: boolean; error?: { code: string; message: string } }) =>
      r.ok ? 'ok' : r.error?.code;
    const typo = encodeStruct('vfio_iommu_type1_dma_map', { iovaa: 1n }, '7.2');
    expect(code(typo)).toBe('UNKNOWN_FIELD');
    expect(typo.ok ? '' : typo.error.message).toContain("did you mean 'iova'");
    expect(code(encodeStruct('vfio_group_status', { flags: 1n << 32n }, '7.2'))).toBe('BAD_VALUE');
    expect(code(encodeStruct('vfio_group_status', { flags: 1.5 }, '7.2'))).toBe('BAD_VALUE');
    expect(code(encodeStruct('vfio_pci_dependent_device', { group_id: 1, devid: 2 }, '7.2'))).toBe(
      'BAD_VALUE',
    );
    expect(code(encodeStruct('iommu_destroy', {}, '6.1'))).toBe('NOT_IN_RELEASE');
    expect(code(decodeStruct('vfio_iommu_type1_info', new Uint8Array(16), '6.12'))).toBe(
      'SHORT_BUFFER',
    );
  });
});
