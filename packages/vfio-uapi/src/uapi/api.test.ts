import { describe, expect, it } from 'vitest';
import {
  decodeIoctl,
  ioctlInfo,
  ioctlNumber,
  listIoctls,
  listStructs,
  structLayout,
  uapiConstant,
} from './api.js';
import { uapiReleaseForKernel } from './release.js';
import type { VfioRelease } from './release.js';

const num = (name: string, r: VfioRelease = '7.2') => {
  const x = ioctlNumber(name, r);
  return x.ok ? x.value : x.error.code;
};

describe('ioctl numbers (fact sheet §1.1-1.2)', () => {
  it('VFIO requests are 0x3b64 + N with no size or direction bits', () => {
    expect(num('VFIO_GET_API_VERSION')).toBe(0x3b64);
    expect(num('VFIO_IOMMU_MAP_DMA')).toBe(0x3b71);
    expect(num('VFIO_MIG_GET_PRECOPY_INFO')).toBe(0x3b79);
    const i = ioctlInfo('VFIO_IOMMU_UNMAP_DMA', '6.1');
    expect(i.ok && [i.value.dir, i.value.size, i.value.type, i.value.nr]).toEqual([
      'none',
      0,
      0x3b,
      0x72,
    ]);
  });

  it('iommufd requests start at 0x3b80', () => {
    expect(num('IOMMU_DESTROY', '6.12')).toBe(0x3b80);
    expect(num('IOMMU_IOAS_MAP', '6.12')).toBe(0x3b85);
    expect(num('IOMMU_IOAS_MAP_FILE')).toBe(0x3b8f);
  });

  it('the same number means different things on different fds', () => {
    const on = (fd: 'container' | 'device') => {
      const r = decodeIoctl(0x3b70, '7.2', { fd });
      return r.ok ? r.value.name : r.error.code;
    };
    expect(on('container')).toBe('VFIO_IOMMU_GET_INFO');
    expect(on('device')).toBe('VFIO_DEVICE_GET_PCI_HOT_RESET_INFO');
    const any = decodeIoctl(0x3b70, '7.2');
    expect(any.ok && any.value.names).toEqual([
      'VFIO_DEVICE_GET_PCI_HOT_RESET_INFO',
      'VFIO_IOMMU_GET_INFO',
      'VFIO_IOMMU_SPAPR_TCE_GET_INFO',
    ]);
    const spapr = decodeIoctl(0x3b75, '7.2', { fd: 'container', iommu: 'spapr' });
    expect(spapr.ok && spapr.value.name).toBe('VFIO_IOMMU_SPAPR_REGISTER_MEMORY');
  });

  it('release tables: cdev ioctls appear in 6.12, iommufd.h is absent in 6.1', () => {
    expect(num('VFIO_DEVICE_BIND_IOMMUFD', '6.1')).toBe('NOT_IN_RELEASE');
    expect(num('VFIO_DEVICE_BIND_IOMMUFD', '6.12')).toBe(0x3b76);
    expect(listIoctls('6.1').some((i) => i.header === 'linux/iommufd.h')).toBe(false);
    expect(listIoctls('7.2').filter((i) => i.fd === 'iommufd')).toHaveLength(21);
  });

  it('unknown names get a suggestion; bad releases and numbers an error', () => {
    const r = ioctlNumber('VFIO_IOMMU_MAP_DAM', '7.2');
    expect(r.ok ? '' : r.error.message).toContain("did you mean 'VFIO_IOMMU_MAP_DMA'");
    const bad = ioctlNumber('VFIO_IOMMU_MAP_DMA', '5.4' as VfioRelease);
    expect(bad.ok ? '' : bad.error.code).toBe('UNKNOWN_RELEASE');
    const d = decodeIoctl(0x3b7f, '7.2');
    expect(d.ok ? '' : d.error.code).toBe('UNKNOWN_IOCTL');
    const neg = decodeIoctl(-1, '7.2');
    expect(neg.ok ? '' : neg.error.code).toBe('BAD_VALUE');
  });
});

describe('constants and layouts across releases', () => {
  it('enum auto-increment follows the members a release has (VFIO_AP_NUM_IRQS 1 then 2)', () => {
    const ap = (r: VfioRelease) => {
      const c = uapiConstant('VFIO_AP_NUM_IRQS', r);
      return c.ok && c.value.kind === 'integer' ? c.value.value : undefined;
    };
    expect(ap('6.12')).toBe(1n);
    expect(ap('7.2')).toBe(2n);
  });

  it('vfio_device_info is 20 bytes in 6.1 and 24 from 6.12 (pad, §1.4)', () => {
    const size = (r: VfioRelease) => {
      const l = structLayout('vfio_device_info', r);
      return l.ok ? l.value.size : 0;
    };
    expect([size('6.1'), size('6.12')]).toEqual([20, 24]);
  });

  it('struct names may carry the struct keyword; strings are constants too', () => {
    const l = structLayout('struct vfio_iommu_type1_dma_map', '6.1');
    expect(l.ok && l.value.fields.map((f) => [f.name, f.offset])).toEqual([
      ['argsz', 0],
      ['flags', 4],
      ['vaddr', 8],
      ['iova', 16],
      ['size', 24],
    ]);
    const s = uapiConstant('VFIO_DEVICE_API_PCI_STRING', '6.1');
    expect(s.ok && s.value.value).toBe('vfio-pci');
    expect(listStructs('6.1')).not.toContain('iommu_destroy');
  });

  it('kernel profile 6.19 maps to the newest headers', () => {
    expect(uapiReleaseForKernel('6.19')).toBe('7.2');
    expect(uapiReleaseForKernel('5.10')).toBeUndefined();
  });
});
