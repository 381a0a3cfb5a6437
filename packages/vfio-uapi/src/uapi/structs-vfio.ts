/**
 * Every struct of include/uapi/linux/vfio.h, in header order, as data.
 * Differences between header releases are `since`/`until` ranges:
 * - `pad` in vfio_device_info / vfio_iommu_type1_info: commit a881b496941f
 *   "vfio: align capability structures" (v6.6);
 * - `__u64` became `__aligned_u64` and explicit `reserved` tail fields appeared in
 *   commits 2f8d25fa8aed "vfio: trivially use __aligned_u64 for ioctl structs" and
 *   its two follow-ups (v6.7) — same x86-64 layout, different spelling;
 * - the cdev, precopy and DMA-buf structs arrived with their features.
 */
import { field, flex, struct, union } from './struct-def.js';
import type { FieldDef, StructDef } from './struct-def.js';

const H = 'linux/vfio.h';
const HDR = 'struct vfio_info_cap_header';

/** A u64 spelled `__u64` in the 6.1 header and `__aligned_u64` from v6.7 on. */
function u64a(name: string): FieldDef[] {
  return [field(name, '__u64', { until: '6.1' }), field(name, '__aligned_u64', { since: '6.12' })];
}

const argszFlags = [field('argsz', '__u32'), field('flags', '__u32')];

export const VFIO_STRUCTS: readonly StructDef[] = [
  struct(H, 'vfio_info_cap_header', [
    field('id', '__u16'),
    field('version', '__u16'),
    field('next', '__u32'),
  ]),
  struct(H, 'vfio_group_status', argszFlags),
  struct(H, 'vfio_device_info', [
    ...argszFlags,
    field('num_regions', '__u32'),
    field('num_irqs', '__u32'),
    field('cap_offset', '__u32'),
    field('pad', '__u32', { since: '6.12' }),
  ]),
  struct(
    H,
    'vfio_device_info_cap_pci_atomic_comp',
    [field('header', HDR), field('flags', '__u32'), field('reserved', '__u32')],
    { since: '6.12' },
  ),
  struct(H, 'vfio_region_info', [
    ...argszFlags,
    field('index', '__u32'),
    field('cap_offset', '__u32'),
    ...u64a('size'),
    ...u64a('offset'),
  ]),
  struct(H, 'vfio_region_sparse_mmap_area', [...u64a('offset'), ...u64a('size')]),
  struct(H, 'vfio_region_info_cap_sparse_mmap', [
    field('header', HDR),
    field('nr_areas', '__u32'),
    field('reserved', '__u32'),
    flex('areas', 'struct vfio_region_sparse_mmap_area'),
  ]),
  struct(H, 'vfio_region_info_cap_type', [
    field('header', HDR),
    field('type', '__u32'),
    field('subtype', '__u32'),
  ]),
  struct(H, 'vfio_region_gfx_edid', [
    field('edid_offset', '__u32'),
    field('edid_max_size', '__u32'),
    field('edid_size', '__u32'),
    field('max_xres', '__u32'),
    field('max_yres', '__u32'),
    field('link_state', '__u32'),
  ]),
  struct(H, 'vfio_device_migration_info', [
    field('device_state', '__u32'),
    field('reserved', '__u32'),
    ...u64a('pending_bytes'),
    ...u64a('data_offset'),
    ...u64a('data_size'),
  ]),
  struct(H, 'vfio_region_info_cap_nvlink2_ssatgt', [field('header', HDR), ...u64a('tgt')]),
  struct(H, 'vfio_region_info_cap_nvlink2_lnkspd', [
    field('header', HDR),
    field('link_speed', '__u32'),
    field('__pad', '__u32'),
  ]),
  struct(H, 'vfio_irq_info', [...argszFlags, field('index', '__u32'), field('count', '__u32')]),
  struct(H, 'vfio_irq_set', [
    ...argszFlags,
    field('index', '__u32'),
    field('start', '__u32'),
    field('count', '__u32'),
    flex('data', '__u8'),
  ]),
  struct(H, 'vfio_pci_dependent_device', [
    field('group_id', '__u32', { until: '6.1' }),
    union([field('group_id', '__u32'), field('devid', '__u32')], { since: '6.12' }),
    field('segment', '__u16'),
    field('bus', '__u8'),
    field('devfn', '__u8'),
  ]),
  struct(H, 'vfio_pci_hot_reset_info', [
    ...argszFlags,
    field('count', '__u32'),
    flex('devices', 'struct vfio_pci_dependent_device'),
  ]),
  struct(H, 'vfio_pci_hot_reset', [
    ...argszFlags,
    field('count', '__u32'),
    flex('group_fds', '__s32'),
  ]),
  struct(H, 'vfio_device_gfx_plane_info', [
    ...argszFlags,
    field('drm_plane_type', '__u32'),
    field('drm_format', '__u32'),
    ...u64a('drm_format_mod'),
    field('width', '__u32'),
    field('height', '__u32'),
    field('stride', '__u32'),
    field('size', '__u32'),
    field('x_pos', '__u32'),
    field('y_pos', '__u32'),
    field('x_hot', '__u32'),
    field('y_hot', '__u32'),
    union([field('region_index', '__u32'), field('dmabuf_id', '__u32')]),
    field('reserved', '__u32', { since: '6.12' }),
  ]),
  struct(H, 'vfio_device_ioeventfd', [
    ...argszFlags,
    ...u64a('offset'),
    ...u64a('data'),
    field('fd', '__s32'),
    field('reserved', '__u32', { since: '6.12' }),
  ]),
  struct(H, 'vfio_device_feature', [...argszFlags, flex('data', '__u8')]),
  struct(
    H,
    'vfio_device_bind_iommufd',
    [
      ...argszFlags,
      field('iommufd', '__s32'),
      field('out_devid', '__u32'),
      field('token_uuid_ptr', '__aligned_u64', { since: '7.2' }),
    ],
    { since: '6.12' },
  ),
  struct(
    H,
    'vfio_device_attach_iommufd_pt',
    [...argszFlags, field('pt_id', '__u32'), field('pasid', '__u32', { since: '7.2' })],
    { since: '6.12' },
  ),
  struct(
    H,
    'vfio_device_detach_iommufd_pt',
    [...argszFlags, field('pasid', '__u32', { since: '7.2' })],
    { since: '6.12' },
  ),
  struct(H, 'vfio_device_feature_migration', [field('flags', '__aligned_u64')]),
  struct(H, 'vfio_device_feature_mig_state', [
    field('device_state', '__u32'),
    field('data_fd', '__s32'),
  ]),
  struct(
    H,
    'vfio_precopy_info',
    [...argszFlags, field('initial_bytes', '__aligned_u64'), field('dirty_bytes', '__aligned_u64')],
    { since: '6.12' },
  ),
  struct(H, 'vfio_device_low_power_entry_with_wakeup', [
    field('wakeup_eventfd', '__s32'),
    field('reserved', '__u32'),
  ]),
  struct(H, 'vfio_device_feature_dma_logging_control', [
    field('page_size', '__aligned_u64'),
    field('num_ranges', '__u32'),
    field('__reserved', '__u32'),
    field('ranges', '__aligned_u64'),
  ]),
  struct(H, 'vfio_device_feature_dma_logging_range', [
    field('iova', '__aligned_u64'),
    field('length', '__aligned_u64'),
  ]),
  struct(H, 'vfio_device_feature_dma_logging_report', [
    field('iova', '__aligned_u64'),
    field('length', '__aligned_u64'),
    field('page_size', '__aligned_u64'),
    field('bitmap', '__aligned_u64'),
  ]),
  struct(H, 'vfio_device_feature_mig_data_size', [field('stop_copy_length', '__aligned_u64')], {
    since: '6.12',
  }),
  struct(H, 'vfio_device_feature_bus_master', [field('op', '__u32')], { since: '6.12' }),
  struct(H, 'vfio_region_dma_range', [field('offset', '__u64'), field('length', '__u64')], {
    since: '7.2',
  }),
  struct(
    H,
    'vfio_device_feature_dma_buf',
    [
      field('region_index', '__u32'),
      field('open_flags', '__u32'),
      field('flags', '__u32'),
      field('nr_ranges', '__u32'),
      // `__counted_by(nr_ranges)`; the golden listing does not print this member
      flex('dma_ranges', 'struct vfio_region_dma_range'),
    ],
    { since: '7.2' },
  ),
  struct(H, 'vfio_iommu_type1_info', [
    ...argszFlags,
    ...u64a('iova_pgsizes'),
    field('cap_offset', '__u32'),
    field('pad', '__u32', { since: '6.12' }),
  ]),
  struct(H, 'vfio_iova_range', [field('start', '__u64'), field('end', '__u64')]),
  struct(H, 'vfio_iommu_type1_info_cap_iova_range', [
    field('header', HDR),
    field('nr_iovas', '__u32'),
    field('reserved', '__u32'),
    flex('iova_ranges', 'struct vfio_iova_range'),
  ]),
  struct(H, 'vfio_iommu_type1_info_cap_migration', [
    field('header', HDR),
    field('flags', '__u32'),
    field('pgsize_bitmap', '__u64'),
    field('max_dirty_bitmap_size', '__u64'),
  ]),
  struct(H, 'vfio_iommu_type1_info_dma_avail', [field('header', HDR), field('avail', '__u32')]),
  struct(H, 'vfio_iommu_type1_dma_map', [
    ...argszFlags,
    field('vaddr', '__u64'),
    field('iova', '__u64'),
    field('size', '__u64'),
  ]),
  struct(H, 'vfio_bitmap', [
    field('pgsize', '__u64'),
    field('size', '__u64'),
    field('data', '__u64 __user *'),
  ]),
  struct(H, 'vfio_iommu_type1_dma_unmap', [
    ...argszFlags,
    field('iova', '__u64'),
    field('size', '__u64'),
    flex('data', '__u8'),
  ]),
  struct(H, 'vfio_iommu_type1_dirty_bitmap', [...argszFlags, flex('data', '__u8')]),
  struct(H, 'vfio_iommu_type1_dirty_bitmap_get', [
    field('iova', '__u64'),
    field('size', '__u64'),
    field('bitmap', 'struct vfio_bitmap'),
  ]),
  struct(H, 'vfio_iommu_spapr_tce_ddw_info', [
    field('pgsizes', '__u64'),
    field('max_dynamic_windows_supported', '__u32'),
    field('levels', '__u32'),
  ]),
  struct(H, 'vfio_iommu_spapr_tce_info', [
    ...argszFlags,
    field('dma32_window_start', '__u32'),
    field('dma32_window_size', '__u32'),
    field('ddw', 'struct vfio_iommu_spapr_tce_ddw_info'),
  ]),
  struct(H, 'vfio_eeh_pe_err', [
    field('type', '__u32'),
    field('func', '__u32'),
    field('addr', '__u64'),
    field('mask', '__u64'),
  ]),
  struct(H, 'vfio_eeh_pe_op', [
    ...argszFlags,
    field('op', '__u32'),
    union([field('err', 'struct vfio_eeh_pe_err')]),
  ]),
  struct(H, 'vfio_iommu_spapr_register_memory', [
    ...argszFlags,
    field('vaddr', '__u64'),
    field('size', '__u64'),
  ]),
  struct(H, 'vfio_iommu_spapr_tce_create', [
    ...argszFlags,
    field('page_shift', '__u32'),
    field('__resv1', '__u32'),
    field('window_size', '__u64'),
    field('levels', '__u32'),
    field('__resv2', '__u32'),
    field('start_addr', '__u64'),
  ]),
  struct(H, 'vfio_iommu_spapr_tce_remove', [...argszFlags, field('start_addr', '__u64')]),
];
