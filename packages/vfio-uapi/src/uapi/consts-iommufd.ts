/**
 * Integer macros and enums of include/uapi/linux/iommufd.h, in header order.
 * Ioctl request macros are in ioctls-iommufd.ts.
 */
import { define, enumOf } from './const-def.js';
import type { ConstTable } from './const-def.js';

const s612 = { since: '6.12' } as const;
const s72 = { since: '7.2' } as const;
const new72 = (name: string, expr?: string) =>
  expr === undefined ? { name, since: '7.2' as const } : { name, expr, since: '7.2' as const };

export const IOMMUFD_CONSTS: ConstTable = {
  header: 'linux/iommufd.h',
  defs: [
    define('IOMMUFD_TYPE', "(';')", s612),
    enumOf(
      undefined,
      [
        ['IOMMUFD_CMD_BASE', '0x80'],
        ['IOMMUFD_CMD_DESTROY', 'IOMMUFD_CMD_BASE'],
        'IOMMUFD_CMD_IOAS_ALLOC',
        'IOMMUFD_CMD_IOAS_ALLOW_IOVAS',
        'IOMMUFD_CMD_IOAS_COPY',
        'IOMMUFD_CMD_IOAS_IOVA_RANGES',
        'IOMMUFD_CMD_IOAS_MAP',
        'IOMMUFD_CMD_IOAS_UNMAP',
        'IOMMUFD_CMD_OPTION',
        'IOMMUFD_CMD_VFIO_IOAS',
        'IOMMUFD_CMD_HWPT_ALLOC',
        'IOMMUFD_CMD_GET_HW_INFO',
        'IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING',
        'IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP',
        'IOMMUFD_CMD_HWPT_INVALIDATE',
        'IOMMUFD_CMD_FAULT_QUEUE_ALLOC',
        new72('IOMMUFD_CMD_IOAS_MAP_FILE'),
        new72('IOMMUFD_CMD_VIOMMU_ALLOC'),
        new72('IOMMUFD_CMD_VDEVICE_ALLOC'),
        new72('IOMMUFD_CMD_IOAS_CHANGE_PROCESS'),
        new72('IOMMUFD_CMD_VEVENTQ_ALLOC'),
        new72('IOMMUFD_CMD_HW_QUEUE_ALLOC'),
      ],
      s612,
    ),
    enumOf(
      'iommufd_ioas_map_flags',
      [
        ['IOMMU_IOAS_MAP_FIXED_IOVA', '1 << 0'],
        ['IOMMU_IOAS_MAP_WRITEABLE', '1 << 1'],
        ['IOMMU_IOAS_MAP_READABLE', '1 << 2'],
      ],
      s612,
    ),
    enumOf(
      'iommufd_option',
      [
        ['IOMMU_OPTION_RLIMIT_MODE', '0'],
        ['IOMMU_OPTION_HUGE_PAGES', '1'],
      ],
      s612,
    ),
    enumOf(
      'iommufd_option_ops',
      [
        ['IOMMU_OPTION_OP_SET', '0'],
        ['IOMMU_OPTION_OP_GET', '1'],
      ],
      s612,
    ),
    enumOf(
      'iommufd_vfio_ioas_op',
      [
        ['IOMMU_VFIO_IOAS_GET', '0'],
        ['IOMMU_VFIO_IOAS_SET', '1'],
        ['IOMMU_VFIO_IOAS_CLEAR', '2'],
      ],
      s612,
    ),
    enumOf(
      'iommufd_hwpt_alloc_flags',
      [
        ['IOMMU_HWPT_ALLOC_NEST_PARENT', '1 << 0'],
        ['IOMMU_HWPT_ALLOC_DIRTY_TRACKING', '1 << 1'],
        ['IOMMU_HWPT_FAULT_ID_VALID', '1 << 2'],
        new72('IOMMU_HWPT_ALLOC_PASID', '1 << 3'),
      ],
      s612,
    ),
    enumOf(
      'iommu_hwpt_vtd_s1_flags',
      [
        ['IOMMU_VTD_S1_SRE', '1 << 0'],
        ['IOMMU_VTD_S1_EAFE', '1 << 1'],
        ['IOMMU_VTD_S1_WPE', '1 << 2'],
      ],
      s612,
    ),
    enumOf(
      'iommu_hwpt_data_type',
      [
        ['IOMMU_HWPT_DATA_NONE', '0'],
        ['IOMMU_HWPT_DATA_VTD_S1', '1'],
        new72('IOMMU_HWPT_DATA_ARM_SMMUV3', '2'),
        new72('IOMMU_HWPT_DATA_AMD_GUEST', '3'),
      ],
      s612,
    ),
    enumOf('iommu_hw_info_vtd_flags', [['IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17', '1 << 0']], s612),
    enumOf(
      'iommu_hw_info_type',
      [
        ['IOMMU_HW_INFO_TYPE_NONE', '0'],
        new72('IOMMU_HW_INFO_TYPE_DEFAULT', '0'),
        ['IOMMU_HW_INFO_TYPE_INTEL_VTD', '1'],
        new72('IOMMU_HW_INFO_TYPE_ARM_SMMUV3', '2'),
        new72('IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV', '3'),
        new72('IOMMU_HW_INFO_TYPE_AMD', '4'),
      ],
      s612,
    ),
    enumOf(
      'iommufd_hw_capabilities',
      [
        ['IOMMU_HW_CAP_DIRTY_TRACKING', '1 << 0'],
        ['IOMMU_HW_CAP_PCI_PASID_EXEC', '1 << 1'],
        ['IOMMU_HW_CAP_PCI_PASID_PRIV', '1 << 2'],
        new72('IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED', '1 << 3'),
      ],
      s612,
    ),
    enumOf('iommufd_hw_info_flags', [['IOMMU_HW_INFO_FLAG_INPUT_TYPE', '1 << 0']], s72),
    enumOf(
      'iommufd_hwpt_set_dirty_tracking_flags',
      [['IOMMU_HWPT_DIRTY_TRACKING_ENABLE', '1']],
      s612,
    ),
    enumOf(
      'iommufd_hwpt_get_dirty_bitmap_flags',
      [['IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR', '1']],
      s612,
    ),
    enumOf(
      'iommu_hwpt_invalidate_data_type',
      [
        ['IOMMU_HWPT_INVALIDATE_DATA_VTD_S1', '0'],
        new72('IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3', '1'),
      ],
      s612,
    ),
    enumOf('iommu_hwpt_vtd_s1_invalidate_flags', [['IOMMU_VTD_INV_FLAGS_LEAF', '1 << 0']], s612),
    enumOf(
      'iommu_hwpt_pgfault_flags',
      [
        ['IOMMU_PGFAULT_FLAGS_PASID_VALID', '(1 << 0)'],
        ['IOMMU_PGFAULT_FLAGS_LAST_PAGE', '(1 << 1)'],
      ],
      s612,
    ),
    enumOf(
      'iommu_hwpt_pgfault_perm',
      [
        ['IOMMU_PGFAULT_PERM_READ', '(1 << 0)'],
        ['IOMMU_PGFAULT_PERM_WRITE', '(1 << 1)'],
        ['IOMMU_PGFAULT_PERM_EXEC', '(1 << 2)'],
        ['IOMMU_PGFAULT_PERM_PRIV', '(1 << 3)'],
      ],
      s612,
    ),
    enumOf(
      'iommufd_page_response_code',
      [
        ['IOMMUFD_PAGE_RESP_SUCCESS', '0'],
        ['IOMMUFD_PAGE_RESP_INVALID', '1'],
      ],
      s612,
    ),
    enumOf(
      'iommu_viommu_type',
      [
        ['IOMMU_VIOMMU_TYPE_DEFAULT', '0'],
        ['IOMMU_VIOMMU_TYPE_ARM_SMMUV3', '1'],
        ['IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV', '2'],
      ],
      s72,
    ),
    enumOf('iommu_veventq_flag', [['IOMMU_VEVENTQ_FLAG_LOST_EVENTS', '(1U << 0)']], s72),
    enumOf(
      'iommu_veventq_type',
      [
        ['IOMMU_VEVENTQ_TYPE_DEFAULT', '0'],
        ['IOMMU_VEVENTQ_TYPE_ARM_SMMUV3', '1'],
        ['IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV', '2'],
      ],
      s72,
    ),
    enumOf(
      'iommu_hw_queue_type',
      [
        ['IOMMU_HW_QUEUE_TYPE_DEFAULT', '0'],
        ['IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV', '1'],
      ],
      s72,
    ),
  ],
};
