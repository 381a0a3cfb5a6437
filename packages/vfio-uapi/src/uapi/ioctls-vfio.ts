/**
 * VFIO ioctl requests of include/uapi/linux/vfio.h, in header order. All are
 * `_IO(VFIO_TYPE, VFIO_BASE + n)`: no size or direction bits (the header comment
 * explains: argsz inside each struct carries the size instead). Numbers repeat
 * across fd kinds (12 is IOMMU_GET_INFO on a container, GET_PCI_HOT_RESET_INFO on a
 * device), so each entry names the fd it belongs to.
 */
import { byValue, NONE, ptr } from './ioctl-def.js';
import type { IoctlDef, IoctlTable } from './ioctl-def.js';

const s612 = { since: '6.12' } as const;

function io(n: number): string {
  return `_IO(VFIO_TYPE, VFIO_BASE + ${n})`;
}

const defs: IoctlDef[] = [
  { name: 'VFIO_GET_API_VERSION', expr: io(0), fd: 'container', arg: NONE },
  { name: 'VFIO_CHECK_EXTENSION', expr: io(1), fd: 'container', arg: byValue('__u32') },
  { name: 'VFIO_SET_IOMMU', expr: io(2), fd: 'container', arg: byValue('__s32') },
  { name: 'VFIO_GROUP_GET_STATUS', expr: io(3), fd: 'group', arg: ptr('struct vfio_group_status') },
  { name: 'VFIO_GROUP_SET_CONTAINER', expr: io(4), fd: 'group', arg: ptr('__s32') },
  { name: 'VFIO_GROUP_UNSET_CONTAINER', expr: io(5), fd: 'group', arg: NONE },
  { name: 'VFIO_GROUP_GET_DEVICE_FD', expr: io(6), fd: 'group', arg: ptr('char') },
  { name: 'VFIO_DEVICE_GET_INFO', expr: io(7), fd: 'device', arg: ptr('struct vfio_device_info') },
  {
    name: 'VFIO_DEVICE_GET_REGION_INFO',
    expr: io(8),
    fd: 'device',
    arg: ptr('struct vfio_region_info'),
  },
  { name: 'VFIO_DEVICE_GET_IRQ_INFO', expr: io(9), fd: 'device', arg: ptr('struct vfio_irq_info') },
  { name: 'VFIO_DEVICE_SET_IRQS', expr: io(10), fd: 'device', arg: ptr('struct vfio_irq_set') },
  { name: 'VFIO_DEVICE_RESET', expr: io(11), fd: 'device', arg: NONE },
  {
    name: 'VFIO_DEVICE_GET_PCI_HOT_RESET_INFO',
    expr: io(12),
    fd: 'device',
    arg: ptr('struct vfio_pci_hot_reset_info'),
  },
  {
    name: 'VFIO_DEVICE_PCI_HOT_RESET',
    expr: io(13),
    fd: 'device',
    arg: ptr('struct vfio_pci_hot_reset'),
  },
  {
    name: 'VFIO_DEVICE_QUERY_GFX_PLANE',
    expr: io(14),
    fd: 'device',
    arg: ptr('struct vfio_device_gfx_plane_info'),
  },
  { name: 'VFIO_DEVICE_GET_GFX_DMABUF', expr: io(15), fd: 'device', arg: ptr('__u32') },
  {
    name: 'VFIO_DEVICE_IOEVENTFD',
    expr: io(16),
    fd: 'device',
    arg: ptr('struct vfio_device_ioeventfd'),
  },
  {
    name: 'VFIO_DEVICE_FEATURE',
    expr: io(17),
    fd: 'device',
    arg: ptr('struct vfio_device_feature'),
  },
  {
    name: 'VFIO_DEVICE_BIND_IOMMUFD',
    expr: io(18),
    fd: 'device',
    cdevOnly: true,
    arg: ptr('struct vfio_device_bind_iommufd'),
    ...s612,
  },
  {
    name: 'VFIO_DEVICE_ATTACH_IOMMUFD_PT',
    expr: io(19),
    fd: 'device',
    cdevOnly: true,
    arg: ptr('struct vfio_device_attach_iommufd_pt'),
    ...s612,
  },
  {
    name: 'VFIO_DEVICE_DETACH_IOMMUFD_PT',
    expr: io(20),
    fd: 'device',
    cdevOnly: true,
    arg: ptr('struct vfio_device_detach_iommufd_pt'),
    ...s612,
  },
  {
    name: 'VFIO_MIG_GET_PRECOPY_INFO',
    expr: io(21),
    fd: 'mig-data',
    arg: ptr('struct vfio_precopy_info'),
    ...s612,
  },
  {
    name: 'VFIO_IOMMU_GET_INFO',
    expr: io(12),
    fd: 'container',
    iommu: 'type1',
    arg: ptr('struct vfio_iommu_type1_info'),
  },
  {
    name: 'VFIO_IOMMU_MAP_DMA',
    expr: io(13),
    fd: 'container',
    iommu: 'type1',
    arg: ptr('struct vfio_iommu_type1_dma_map'),
  },
  {
    name: 'VFIO_IOMMU_UNMAP_DMA',
    expr: io(14),
    fd: 'container',
    iommu: 'type1',
    arg: ptr('struct vfio_iommu_type1_dma_unmap'),
  },
  { name: 'VFIO_IOMMU_ENABLE', expr: io(15), fd: 'container', iommu: 'spapr', arg: NONE },
  { name: 'VFIO_IOMMU_DISABLE', expr: io(16), fd: 'container', iommu: 'spapr', arg: NONE },
  {
    name: 'VFIO_IOMMU_DIRTY_PAGES',
    expr: io(17),
    fd: 'container',
    iommu: 'type1',
    arg: ptr('struct vfio_iommu_type1_dirty_bitmap'),
  },
  {
    name: 'VFIO_IOMMU_SPAPR_TCE_GET_INFO',
    expr: io(12),
    fd: 'container',
    iommu: 'spapr',
    arg: ptr('struct vfio_iommu_spapr_tce_info'),
  },
  {
    name: 'VFIO_EEH_PE_OP',
    expr: io(21),
    fd: 'container',
    iommu: 'spapr',
    arg: ptr('struct vfio_eeh_pe_op'),
  },
  {
    name: 'VFIO_IOMMU_SPAPR_REGISTER_MEMORY',
    expr: io(17),
    fd: 'container',
    iommu: 'spapr',
    arg: ptr('struct vfio_iommu_spapr_register_memory'),
  },
  {
    name: 'VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY',
    expr: io(18),
    fd: 'container',
    iommu: 'spapr',
    arg: ptr('struct vfio_iommu_spapr_register_memory'),
  },
  {
    name: 'VFIO_IOMMU_SPAPR_TCE_CREATE',
    expr: io(19),
    fd: 'container',
    iommu: 'spapr',
    arg: ptr('struct vfio_iommu_spapr_tce_create'),
  },
  {
    name: 'VFIO_IOMMU_SPAPR_TCE_REMOVE',
    expr: io(20),
    fd: 'container',
    iommu: 'spapr',
    arg: ptr('struct vfio_iommu_spapr_tce_remove'),
  },
];

export const VFIO_IOCTLS: IoctlTable = { header: 'linux/vfio.h', defs };
