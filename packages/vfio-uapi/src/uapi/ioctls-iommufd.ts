/**
 * iommufd ioctl requests of include/uapi/linux/iommufd.h, in header order: each is
 * `_IO(IOMMUFD_TYPE, IOMMUFD_CMD_x)` on an /dev/iommu fd, its argument a struct
 * whose first u32 is its size.
 */
import { ptr } from './ioctl-def.js';
import type { IoctlDef, IoctlTable } from './ioctl-def.js';
import type { VfioRelease } from './release.js';

function cmd(name: string, command: string, struct: string, since: VfioRelease = '6.12'): IoctlDef {
  return {
    name,
    expr: `_IO(IOMMUFD_TYPE, IOMMUFD_CMD_${command})`,
    fd: 'iommufd',
    arg: ptr(`struct ${struct}`),
    since,
  };
}

export const IOMMUFD_IOCTLS: IoctlTable = {
  header: 'linux/iommufd.h',
  defs: [
    cmd('IOMMU_DESTROY', 'DESTROY', 'iommu_destroy'),
    cmd('IOMMU_IOAS_ALLOC', 'IOAS_ALLOC', 'iommu_ioas_alloc'),
    cmd('IOMMU_IOAS_IOVA_RANGES', 'IOAS_IOVA_RANGES', 'iommu_ioas_iova_ranges'),
    cmd('IOMMU_IOAS_ALLOW_IOVAS', 'IOAS_ALLOW_IOVAS', 'iommu_ioas_allow_iovas'),
    cmd('IOMMU_IOAS_MAP', 'IOAS_MAP', 'iommu_ioas_map'),
    cmd('IOMMU_IOAS_MAP_FILE', 'IOAS_MAP_FILE', 'iommu_ioas_map_file', '7.2'),
    cmd('IOMMU_IOAS_COPY', 'IOAS_COPY', 'iommu_ioas_copy'),
    cmd('IOMMU_IOAS_UNMAP', 'IOAS_UNMAP', 'iommu_ioas_unmap'),
    cmd('IOMMU_OPTION', 'OPTION', 'iommu_option'),
    cmd('IOMMU_VFIO_IOAS', 'VFIO_IOAS', 'iommu_vfio_ioas'),
    cmd('IOMMU_HWPT_ALLOC', 'HWPT_ALLOC', 'iommu_hwpt_alloc'),
    cmd('IOMMU_GET_HW_INFO', 'GET_HW_INFO', 'iommu_hw_info'),
    cmd(
      'IOMMU_HWPT_SET_DIRTY_TRACKING',
      'HWPT_SET_DIRTY_TRACKING',
      'iommu_hwpt_set_dirty_tracking',
    ),
    cmd('IOMMU_HWPT_GET_DIRTY_BITMAP', 'HWPT_GET_DIRTY_BITMAP', 'iommu_hwpt_get_dirty_bitmap'),
    cmd('IOMMU_HWPT_INVALIDATE', 'HWPT_INVALIDATE', 'iommu_hwpt_invalidate'),
    cmd('IOMMU_FAULT_QUEUE_ALLOC', 'FAULT_QUEUE_ALLOC', 'iommu_fault_alloc'),
    cmd('IOMMU_VIOMMU_ALLOC', 'VIOMMU_ALLOC', 'iommu_viommu_alloc', '7.2'),
    cmd('IOMMU_VDEVICE_ALLOC', 'VDEVICE_ALLOC', 'iommu_vdevice_alloc', '7.2'),
    cmd('IOMMU_IOAS_CHANGE_PROCESS', 'IOAS_CHANGE_PROCESS', 'iommu_ioas_change_process', '7.2'),
    cmd('IOMMU_VEVENTQ_ALLOC', 'VEVENTQ_ALLOC', 'iommu_veventq_alloc', '7.2'),
    cmd('IOMMU_HW_QUEUE_ALLOC', 'HW_QUEUE_ALLOC', 'iommu_hw_queue_alloc', '7.2'),
  ],
};
