/**
 * Scenario operations this package offers (descriptors only; the scenario
 * engine binds them to a machine's Vfio instance).
 */
import { defineOps } from '@dmasim/op-spec';
import { listIoctls } from './uapi/api.js';
import { VFIO_EXTENSIONS } from './type1/uapi-values.js';
import { VFIO_RELEASES } from './uapi/release.js';

const IOCTL_NAMES = [...new Set(VFIO_RELEASES.flatMap((r) => listIoctls(r).map((i) => i.name)))];

export const vfioOps = defineOps([
  {
    name: 'vfio.bind',
    summary: 'Bind PCI functions to vfio-pci, creating /dev/vfio/<group> for their IOMMU groups',
    args: [{ name: 'devices', kind: 'bdf', variadic: true, doc: 'one or more functions' }],
    outcomes: ['ok', 'error'],
    errors: ['ENODEV', 'EBUSY'],
    source:
      'drivers/vfio/pci/vfio_pci.c vfio_pci_probe; drivers/vfio/group.c vfio_group_find_or_alloc',
  },
  {
    name: 'vfio.container',
    summary: 'open("/dev/vfio/vfio"): a new, empty container',
    args: [],
    outcomes: ['ok'],
    binds: 'a VFIO container fd',
    source: 'drivers/vfio/container.c vfio_fops_open',
  },
  {
    name: 'vfio.group',
    summary: 'open("/dev/vfio/<id>"): one opener at a time',
    args: [{ name: 'group', kind: 'expr', doc: 'a group id, e.g. group(01:00.0)' }],
    outcomes: ['ok', 'error'],
    errors: ['ENOENT', 'EBUSY', 'EPERM', 'ENODEV'],
    binds: 'a VFIO group fd',
    source: 'drivers/vfio/group.c vfio_group_fops_open',
  },
  {
    name: 'vfio.group_set_container',
    summary: 'VFIO_GROUP_SET_CONTAINER: claim the group for userspace and add it to a container',
    args: [
      { name: 'group', kind: 'expr', doc: 'an open group fd, or a group id (opened implicitly)' },
      { name: 'container', kind: 'ref' },
    ],
    outcomes: ['ok', 'error'],
    errors: ['EINVAL', 'EBUSY', 'EBADF', 'EBADFD', 'EPERM', 'ENODEV', 'EIO'],
    source:
      'drivers/vfio/group.c vfio_group_ioctl_set_container; drivers/vfio/container.c vfio_container_attach_group',
  },
  {
    name: 'vfio.set_iommu',
    summary: 'VFIO_SET_IOMMU: bind the type1 IOMMU driver (v1 or v2 unmap semantics)',
    args: [
      { name: 'container', kind: 'ref' },
      { name: 'type', kind: 'word', values: ['type1', 'type1v2'] },
    ],
    outcomes: ['ok', 'error'],
    errors: ['EINVAL', 'ENODEV', 'EPERM', 'EIO', 'EBUSY'],
    source:
      'drivers/vfio/container.c vfio_ioctl_set_iommu; drivers/vfio/vfio_iommu_type1.c vfio_iommu_type1_attach_group',
  },
  {
    name: 'vfio.map_dma',
    summary: 'VFIO_IOMMU_MAP_DMA: pin user memory and map it at an IOVA',
    args: [
      { name: 'container', kind: 'ref' },
      { name: 'iova', kind: 'u64', named: true },
      { name: 'vaddr', kind: 'expr', named: true, doc: 'a user buffer or address' },
      { name: 'size', kind: 'size', named: true },
      { name: 'access', kind: 'word', values: ['r', 'w', 'rw'] },
      { name: 'argsz', kind: 'int', named: true, optional: true, doc: 'default 32' },
    ],
    outcomes: ['ok', 'error'],
    errors: ['EINVAL', 'EEXIST', 'ENOSPC', 'ENOMEM', 'EFAULT', 'ENOENT', 'EOVERFLOW'],
    source: 'drivers/vfio/vfio_iommu_type1.c vfio_dma_do_map, vfio_pin_map_dma',
  },
  {
    name: 'vfio.unmap_dma',
    summary:
      'VFIO_IOMMU_UNMAP_DMA: remove whole mappings in a range; the value is the bytes unmapped',
    args: [
      { name: 'container', kind: 'ref' },
      { name: 'iova', kind: 'u64', named: true, optional: true, doc: 'default 0' },
      { name: 'size', kind: 'size', named: true, optional: true, doc: 'default 0 (with all)' },
      {
        name: 'all',
        kind: 'word',
        values: ['all'],
        flag: true,
        optional: true,
        doc: 'VFIO_DMA_UNMAP_FLAG_ALL',
      },
    ],
    outcomes: ['ok', 'error', 'value'],
    errors: ['EINVAL', 'EOVERFLOW', 'EBUSY'],
    source: 'drivers/vfio/vfio_iommu_type1.c vfio_iommu_type1_unmap_dma, vfio_dma_do_unmap',
  },
  {
    name: 'vfio.get_info',
    summary:
      'VFIO_IOMMU_GET_INFO: page sizes and the capability chain (migration, DMA available, IOVA ranges)',
    args: [
      { name: 'container', kind: 'ref' },
      {
        name: 'argsz',
        kind: 'int',
        named: true,
        optional: true,
        doc: 'default: large enough for every cap',
      },
    ],
    outcomes: ['ok', 'error', 'value'],
    errors: ['EINVAL'],
    binds: 'the decoded vfio_iommu_type1_info and its caps',
    source: 'drivers/vfio/vfio_iommu_type1.c vfio_iommu_type1_get_info',
  },
  {
    name: 'vfio.check_extension',
    summary: 'VFIO_CHECK_EXTENSION: 0 or 1',
    args: [
      { name: 'container', kind: 'ref' },
      {
        name: 'extension',
        kind: 'expr',
        values: Object.keys(VFIO_EXTENSIONS),
        doc: 'a name from VFIO_EXTENSIONS (type1v2, unmap_all...) or a number',
      },
    ],
    outcomes: ['value', 'ok', 'error'],
    source:
      'drivers/vfio/container.c vfio_container_ioctl_check_extension; vfio_iommu_type1_check_extension',
  },
  {
    name: 'vfio.ioctl_number',
    summary: 'The request number of a VFIO or iommufd ioctl for the scenario kernel',
    args: [{ name: 'name', kind: 'word', values: IOCTL_NAMES }],
    outcomes: ['value', 'error'],
    source:
      'include/uapi/linux/vfio.h, include/uapi/linux/iommufd.h, include/uapi/asm-generic/ioctl.h _IOC',
  },
]);
