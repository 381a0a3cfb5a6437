/**
 * VFIO_IOMMU_GET_INFO on a type1 container: vfio_iommu_type1_get_info and the
 * three cap builders (migration, DMA available, IOVA ranges, in that order),
 * chained through vfio_info_cap_add / vfio_info_cap_shift
 * (drivers/vfio/vfio_main.c). Output is the caller's buffer after the call.
 */
import { decodeStruct, encodeStruct } from '../uapi/codec.js';
import type { StructValues } from '../uapi/codec.js';
import { done, errno } from './errno.js';
import type { VfioResult } from './errno.js';
import { DIRTY_BITMAP_SIZE_MAX } from './type1-map.js';
import { minPageSize } from './type1-state.js';
import type { Type1State } from './type1-state.js';
import { VFIO } from './uapi-values.js';

export interface InfoCap {
  readonly id: number;
  readonly version: number;
  /** Offset from the start of the caller's buffer. */
  readonly offset: number;
  readonly next: number;
  readonly struct: string;
  readonly fields: StructValues;
}

export interface Type1Info {
  /** As copied back: the size needed when the caps did not fit. */
  readonly argsz: number;
  readonly flags: number;
  readonly iovaPgsizes: bigint;
  /** 0 when the caps did not fit (or argsz could not hold the field). */
  readonly capOffset: number;
  readonly caps: readonly InfoCap[];
  /** The caller's argsz-byte buffer (zero before the call) after the kernel's writes. */
  readonly bytes: Uint8Array;
}

const INFO_MINSZ = 16; // offsetofend(struct vfio_iommu_type1_info, iova_pgsizes)
const INFO_SIZE = 24; // sizeof(struct vfio_iommu_type1_info)
const CAPSZ_LEGACY = 20; // offsetofend(struct vfio_iommu_type1_info, cap_offset)

function mustEncode(name: string, values: StructValues, s: Type1State): Uint8Array {
  const r = encodeStruct(name, values, s.env.profile.uapi);
  if (!r.ok) throw new Error(`internal: ${r.error.message}`);
  return r.value;
}

export function getInfo(s: Type1State, argsz: number): VfioResult<Type1Info> {
  if (!Number.isInteger(argsz) || argsz < INFO_MINSZ) {
    return errno(
      'EINVAL',
      `IOMMU_GET_INFO: argsz ${argsz} < ${INFO_MINSZ} (vfio_iommu_type1_get_info)`,
    );
  }
  const aligned = s.env.profile.alignedInfoCaps;
  const minsz = aligned
    ? Math.min(argsz, INFO_SIZE)
    : argsz >= CAPSZ_LEGACY
      ? CAPSZ_LEGACY
      : INFO_MINSZ;

  const header = (id: number) => ({ id, version: 1, next: 0 });
  const caps: Uint8Array[] = [];
  // vfio_iommu_migration_build_caps: smallest page size, 256 MiB max bitmap
  caps.push(
    mustEncode(
      'vfio_iommu_type1_info_cap_migration',
      {
        header: header(VFIO.CAP_MIGRATION),
        flags: 0,
        pgsize_bitmap: minPageSize(s),
        max_dirty_bitmap_size: DIRTY_BITMAP_SIZE_MAX,
      },
      s,
    ),
  );
  // vfio_iommu_dma_avail_build_caps
  caps.push(
    mustEncode(
      'vfio_iommu_type1_info_dma_avail',
      { header: header(VFIO.CAP_DMA_AVAIL), avail: s.dmaAvail },
      s,
    ),
  );
  // vfio_iommu_iova_build_caps: omitted while the list is empty
  if (s.iovaList.length > 0) {
    caps.push(
      mustEncode(
        'vfio_iommu_type1_info_cap_iova_range',
        {
          header: header(VFIO.CAP_IOVA_RANGE),
          nr_iovas: s.iovaList.length,
          reserved: 0,
          iova_ranges: s.iovaList.map((r) => ({ start: r.start, end: r.end })),
        },
        s,
      ),
    );
  }
  // vfio_info_cap_add: each cap appended (padded to 8 bytes since 6.6), chained by `next`
  const offsets: number[] = [];
  let capsSize = 0;
  for (const c of caps) {
    offsets.push(capsSize);
    capsSize += aligned ? Math.ceil(c.length / 8) * 8 : c.length;
  }

  let flags = VFIO.IOMMU_INFO_PGSIZES;
  let outArgsz = argsz;
  let capOffset = 0;
  const bytes = new Uint8Array(argsz);
  const view = new DataView(bytes.buffer);
  if (capsSize > 0) {
    flags |= VFIO.IOMMU_INFO_CAPS;
    if (argsz < INFO_SIZE + capsSize) {
      outArgsz = INFO_SIZE + capsSize;
    } else {
      caps.forEach((c, i) => {
        const at = INFO_SIZE + offsets[i]!;
        bytes.set(c, at);
        const next = i + 1 < caps.length ? INFO_SIZE + offsets[i + 1]! : 0;
        view.setUint32(at + 4, next, true);
      });
      capOffset = INFO_SIZE;
    }
  }
  const info = mustEncode(
    'vfio_iommu_type1_info',
    { argsz: outArgsz, flags, iova_pgsizes: s.pgsizeBitmap, cap_offset: capOffset },
    s,
  );
  bytes.set(info.subarray(0, minsz), 0);

  const decodedCaps: InfoCap[] = [];
  const copiedOffset = minsz >= CAPSZ_LEGACY ? capOffset : 0;
  const names: Record<number, string> = {
    [VFIO.CAP_MIGRATION]: 'vfio_iommu_type1_info_cap_migration',
    [VFIO.CAP_DMA_AVAIL]: 'vfio_iommu_type1_info_dma_avail',
    [VFIO.CAP_IOVA_RANGE]: 'vfio_iommu_type1_info_cap_iova_range',
  };
  for (let at = copiedOffset; at !== 0 && at + 8 <= bytes.length;) {
    const id = view.getUint16(at, true);
    const next = view.getUint32(at + 4, true);
    const struct = names[id];
    if (!struct) break;
    // the IOVA range cap is 16 bytes plus nr_iovas ranges; the others are fixed-size
    const end =
      id === VFIO.CAP_IOVA_RANGE ? at + 16 + 16 * view.getUint32(at + 8, true) : bytes.length;
    const d = decodeStruct(
      struct,
      bytes.subarray(at, Math.min(end, bytes.length)),
      s.env.profile.uapi,
    );
    if (!d.ok) break;
    decodedCaps.push({
      id,
      version: view.getUint16(at + 2, true),
      offset: at,
      next,
      struct,
      fields: d.value,
    });
    at = next;
  }
  return done({
    argsz: outArgsz,
    flags,
    iovaPgsizes: s.pgsizeBitmap,
    capOffset: copiedOffset,
    caps: decodedCaps,
    bytes,
  });
}
