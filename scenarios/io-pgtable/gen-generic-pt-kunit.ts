/**
 * Writes the generic_pt kunit suites as scenarios for kernel 6.19 (facts/pgtable.md §10.3):
 * drivers/iommu/generic_pt/kunit_generic_pt.h (entry-level "fmt_test" cases) and
 * kunit_iommu_pt.h (iommu_test cases: test_increase_level, test_map_simple,
 * test_map_table_to_oa, test_unmap_split, test_random_map, test_pgsize_boundary, test_mixed)
 * for the amdv1, vtdss and x86_64 formats and their kunit configurations (kunit_fmt_cfgs).
 *
 * Expected values come from the tests' own assertions and the format bit rules of the fact
 * sheet (§5.2, §6.2, §7.2), computed here with plain arithmetic, never by running dmasim.
 * Where a scenario cannot do what the kunit does (loops of a million calls, checks of every 4K
 * page), the file says what it does instead.
 *
 *   node scripts/dmasim-node.mjs scenarios/io-pgtable/gen-generic-pt-kunit.ts
 *
 * rewrites the files; a test in packages/scenario-engine checks they are current.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hx, sz } from './gen-arm-lpae-selftest.js';

const SZ_4K = 1n << 12n;
const SZ_2M = 1n << 21n;
const SZ_1G = 1n << 30n;
const SZ_2G = 1n << 31n;
const SZ_16G = 1n << 34n;
const U64 = (1n << 64n) - 1n;
/** kunit_iommu.h pt_kunit_priv_init: oalog2_mod(0x74a71445deadbeef, max_oasz_lg2 = 52). */
const TEST_OA = 0x74a71445deadbeefn & ((1n << 52n) - 1n);
const MAX_OA = 1n << 52n;
/** include/linux/maple_tree.h MAPLE_RESERVED_RANGE (clamp_range keeps random maps above it). */
const MAPLE_RESERVED_RANGE = 4096n;

type Fmt = 'amdv1' | 'vtdss' | 'x86_64';

interface Cfg {
  fmt: Fmt;
  /** kunit parameter name, e.g. vtdss_cfg_1. */
  id: string;
  what: string;
  create: string;
  /** common->max_vasz_lg2. */
  vasz: number;
  signExtend: boolean;
  dynamicTop: boolean;
  /** Top level when created, in dmasim's (the driver's) level numbering. */
  topLevel: number;
  /** Level of a 4K leaf in that numbering (amdv1 0, VT-d and x86 1). */
  leafLevel: number;
  /** info.pgsize_bitmap. */
  bitmap: bigint;
  /** VA bits the top range covers when created. */
  topVasz: number;
}

/** fmt/amdv1.h amdv1pt_possible_sizes: every size from the item size to 256 items, no 512G, below 2^52. */
function amdv1Bitmap(vasz: number): bigint {
  let b = 0n;
  for (let l = 0; l < 5; l++) {
    const isz = 12 + 9 * l;
    if (isz >= vasz) break;
    for (let s = isz; s <= Math.min(51, isz + 8); s++) b |= 1n << BigInt(s);
  }
  return b & ~(1n << 39n);
}

const VTD_X86_BITMAP = SZ_4K | SZ_2M | SZ_1G;

export const KUNIT_CFGS: Cfg[] = [
  // fmt/amdv1.h amdv1_kunit_fmt_cfgs[0] = { .starting_level = 2 }: hw_max_vasz 64, DYNAMIC_TOP
  { fmt: 'amdv1', id: 'amdv1_cfg_0', what: 'starting level 2, 64-bit VA, dynamic top', create: 'format=amd-v1 hpt=6', vasz: 64, signExtend: false, dynamicTop: true, topLevel: 2, leafLevel: 0, bitmap: amdv1Bitmap(64), topVasz: 39 },
  // fmt/vtdss.h vtdss_kunit_fmt_cfgs: 39/48/57 bits, FORCE_COHERENCE on (every feature but FORCE_WRITEABLE)
  { fmt: 'vtdss', id: 'vtdss_cfg_0', what: '39-bit, top level 2', create: 'format=vtd-ss aw=39 sp=1G snoop', vasz: 39, signExtend: false, dynamicTop: false, topLevel: 3, leafLevel: 1, bitmap: VTD_X86_BITMAP, topVasz: 39 },
  { fmt: 'vtdss', id: 'vtdss_cfg_1', what: '48-bit, top level 3', create: 'format=vtd-ss aw=48 sp=1G snoop', vasz: 48, signExtend: false, dynamicTop: false, topLevel: 4, leafLevel: 1, bitmap: VTD_X86_BITMAP, topVasz: 48 },
  { fmt: 'vtdss', id: 'vtdss_cfg_2', what: '57-bit, top level 4', create: 'format=vtd-ss aw=57 sp=1G snoop', vasz: 57, signExtend: false, dynamicTop: false, topLevel: 5, leafLevel: 1, bitmap: VTD_X86_BITMAP, topVasz: 57 },
  // fmt/x86_64.h x86_64_kunit_fmt_cfgs: SIGN_EXTEND 48/57 (VT-d first stage), 47/56 (AMD v2, PASID 0)
  { fmt: 'x86_64', id: 'x86_64_cfg_0', what: 'sign-extended 48-bit (VT-d first stage)', create: 'format=x86_64 variant=intel-fl levels=4', vasz: 48, signExtend: true, dynamicTop: false, topLevel: 4, leafLevel: 1, bitmap: VTD_X86_BITMAP, topVasz: 48 },
  { fmt: 'x86_64', id: 'x86_64_cfg_1', what: 'sign-extended 57-bit (VT-d first stage)', create: 'format=x86_64 variant=intel-fl levels=5', vasz: 57, signExtend: true, dynamicTop: false, topLevel: 5, leafLevel: 1, bitmap: VTD_X86_BITMAP, topVasz: 57 },
  { fmt: 'x86_64', id: 'x86_64_cfg_2', what: '47-bit (AMD v2)', create: 'format=x86_64 variant=amd-v2 levels=4', vasz: 47, signExtend: false, dynamicTop: false, topLevel: 4, leafLevel: 1, bitmap: VTD_X86_BITMAP, topVasz: 47 },
  { fmt: 'x86_64', id: 'x86_64_cfg_3', what: '56-bit (AMD v2)', create: 'format=x86_64 variant=amd-v2 levels=5', vasz: 56, signExtend: false, dynamicTop: false, topLevel: 5, leafLevel: 1, bitmap: VTD_X86_BITMAP, topVasz: 56 },
];

const FMT_NAMES: Record<Fmt, string> = { amdv1: 'amd-v1', vtdss: 'vtd-ss', x86_64: 'x86_64' };

// ---- helpers -----------------------------------------------------------------------------

function sizes(bitmap: bigint): bigint[] {
  const out: bigint[] = [];
  for (let i = 0n; i < 64n; i++) if ((bitmap >> i) & 1n) out.push(1n << i);
  return out;
}

function lg2(v: bigint): number {
  return v.toString(2).length - 1;
}

function alignUp(v: bigint, a: bigint): bigint {
  return (v + a - 1n) & ~(a - 1n);
}

/** pt_top_range: [va, last_va] of the lower (or only) part of the table when created. */
function topRange(c: Cfg): { va: bigint; last: bigint } {
  const bits = c.signExtend ? c.vasz - 1 : c.topVasz;
  return { va: 0n, last: (1n << BigInt(bits)) - 1n };
}

/** pt_upper_range for SIGN_EXTEND: the negative half. */
function upperRange(c: Cfg): { va: bigint; last: bigint } {
  return { va: U64 & ~((1n << BigInt(c.vasz - 1)) - 1n), last: U64 };
}

/** info.pgsize_bitmap limited below 2^(max_vasz - 1) (pt_kunit_priv_init). */
function safeBitmap(c: Cfg): bigint {
  return c.bitmap & ((1n << BigInt(c.vasz - 1)) - 1n);
}

/** The driver level a leaf of this size sits at. */
function leafLevelOf(c: Cfg, size: bigint): number {
  return c.leafLevel + Math.floor((lg2(size) - 12) / 9);
}

/** The leaf entry value for a read-write mapping of `size` at `pa` (facts §5.2, §6.2, §7.2). */
function leafValue(c: Cfg, size: bigint, pa: bigint, prot = 3): bigint {
  const r = (prot & 1) !== 0;
  const w = (prot & 2) !== 0;
  const big = size > SZ_4K;
  switch (c.fmt) {
    case 'vtdss':
      // OA | R | W | SNP (FORCE_COHERENCE) | PS above level 0
      return pa | (r ? 1n : 0n) | (w ? 2n : 0n) | 0x800n | (big ? 0x80n : 0n);
    case 'x86_64':
      // OA | P | U | A (+ RW | D if WRITE) (+ PS above level 0); x86_64_pt_iommu_set_prot
      return pa | 0x25n | (w ? 0x42n : 0n) | (big ? 0x80n : 0n);
    case 'amdv1': {
      // PR | FC (bit 60) | IR (61) | IW (62); a size between item sizes: NextLevel 7 and the size
      // marker bits [lg2-2 : 12] set in the address (first zero bit above 11 = lg2 - 1)
      const l = lg2(size);
      const item = 12 + 9 * Math.floor((l - 12) / 9);
      const flags = 1n | (1n << 60n) | (r ? 1n << 61n : 0n) | (w ? 1n << 62n : 0n);
      if (l === item) return flags | pa;
      const marker = ((1n << BigInt(l - 1)) - 1n) & ~0xfffn;
      return flags | pa | marker | (7n << 9n);
    }
  }
}

/** Mask and value of a table entry's flag bits (the table's own PA is the allocator's business). */
function tableBits(c: Cfg, level: number): { mask: bigint; value: bigint } {
  switch (c.fmt) {
    case 'vtdss':
      return { mask: 0xfff0_0000_0000_0fffn, value: 0x3n }; // R | W
    case 'x86_64':
      return { mask: 0xfff0_0000_0000_0fffn, value: 0x27n }; // P | RW | U | A
    case 'amdv1':
      // PR | NextLevel = level | IR | IW
      return { mask: 0xfff0_0000_0000_0fffn, value: 0x6000_0000_0000_0001n | (BigInt(level) << 9n) };
  }
}

/** Up to three sample offsets in a range (check_iova checks every smallest page; scenarios sample). */
function samples(len: bigint): bigint[] {
  const s = new Set<bigint>([0n, (len / 2n) & ~(SZ_4K - 1n), len - SZ_4K]);
  return [...s].filter((o) => o >= 0n && o < len).sort((a, b) => (a < b ? -1 : 1));
}

function checkIova(va: bigint, pa: bigint, len: bigint, indent = '  '): string[] {
  return samples(len).map((o) => `${indent}pgtable.iova_to_phys T ${hx((va + o) & U64)} => value ${hx(pa + o)}`);
}

function comment(lines: string[]): string {
  return lines.map((l) => (l === '' ? '#' : `# ${l}`)).join('\n');
}

function file(title: string, about: string[], body: string[]): string {
  return [
    comment(['Generated by scenarios/io-pgtable/gen-generic-pt-kunit.ts: do not edit.', '', ...about]),
    `scenario "${title}"`,
    'kernel 6.19',
    ...body,
    '',
  ].join('\n');
}

function create(c: Cfg): string {
  return `  T = pgtable.create ${c.create}`;
}

// ---- kunit_generic_pt.h: entry-level tests ----------------------------------------------------

const PROT_BITS: [number, string][] = [
  [4, 'cache'],
  [8, 'noexec'],
  [16, 'mmio'],
];

function protWord(p: number): string {
  let s = (p & 1 ? 'r' : '') + (p & 2 ? 'w' : '');
  if (s === '') s = 'none';
  for (const [bit, name] of PROT_BITS) if (p & bit) s += `-${name}`;
  return s;
}

function fmtTests(c: Cfg): string[] {
  const out: string[] = [`step "${c.id}: ${c.what}" {`, create(c)];
  const top = topRange(c);
  out.push('  # test_init, test_entry_possible_sizes: the page sizes the format offers at all levels');
  out.push(`  expect pgtable_info(T, "pgsizeBitmap") == ${hx(c.bitmap)}`);
  out.push(`  expect pgtable_info(T, "topLevel") == ${c.topLevel}`);
  out.push(`  expect pgtable_info(T, "leafLevel") == ${c.leafLevel}`);
  // check_all_levels: one smallest page at the very top of the top range fills every level
  const va = top.last + 1n - SZ_4K;
  const pa = TEST_OA & ~(SZ_4K - 1n);
  out.push('  # check_all_levels / test_table_ptr: the last smallest page of the range makes a table at every level');
  out.push(`  pgtable.map T ${hx(va)} ${hx(pa)} 4K => ok`);
  for (let l = c.topLevel; l > c.leafLevel; l--) {
    const tb = tableBits(c, l);
    out.push(`  expect mask(pte(T, ${hx(va)}, ${l}), ${hx(tb.mask)}) == ${hx(tb.value)}`);
  }
  out.push(`  expect pte(T, ${hx(va)}, ${c.leafLevel}) == ${hx(leafValue(c, SZ_4K, pa))}`);
  out.push(`  pgtable.unmap T ${hx(va)} 4K => value 0x1000`);
  out.push('  # test_entry_oa: every page size with OA = test_oa, 0 and the highest OA (aligned)');
  for (const s of sizes(c.bitmap)) {
    const at = s; // the second slot of its size: index 1 at its level
    for (const oa of [TEST_OA & ~(s - 1n), 0n, MAX_OA - s]) {
      out.push(`  pgtable.map T ${hx(at)} ${hx(oa)} ${sz(s)} => value ${hx(s)}`);
      out.push(`  expect pte(T, ${hx(at)}, ${leafLevelOf(c, s)}) == ${hx(leafValue(c, s, oa))}`);
      out.push(`  pgtable.iova_to_phys T ${hx(at + s - SZ_4K + 0x123n)} => value ${hx(oa + s - SZ_4K + 0x123n)}`);
      out.push(`  pgtable.unmap T ${hx(at)} ${sz(s)} => value ${hx(s)}`);
    }
  }
  out.push('  # test_attr_from_entry: every prot of R, W, CACHE, NOEXEC, MMIO; without R and W the map is refused;');
  out.push('  # mapping the same prot again gives the same entry');
  for (let p = 0; p < 32; p++) {
    const at = SZ_4K * BigInt(p + 1);
    const word = protWord(p);
    if ((p & 3) === 0) {
      out.push(`  pgtable.map T ${hx(at)} ${hx(pa)} 4K prot=${word} => error EINVAL`);
      continue;
    }
    const v = leafValue(c, SZ_4K, pa, p);
    out.push(`  pgtable.map T ${hx(at)} ${hx(pa)} 4K prot=${word} => ok`);
    out.push(`  expect pte(T, ${hx(at)}, ${c.leafLevel}) == ${hx(v)}`);
    out.push(`  pgtable.unmap T ${hx(at)} 4K => value 0x1000`);
    out.push(`  pgtable.map T ${hx(at)} ${hx(pa)} 4K prot=${word} => ok`);
    out.push(`  expect pte(T, ${hx(at)}, ${c.leafLevel}) == ${hx(v)}`);
  }
  out.push('  # test_best_pgsize through map: the leaf size follows the alignment of VA and OA together (a fresh table)');
  out.push(create(c));
  const big = sizes(c.bitmap).filter((s) => s > SZ_4K && s <= SZ_1G);
  for (const s of big) {
    const base = 4n * SZ_1G; // free of the pages above
    out.push(`  pgtable.map T ${hx(base)} ${hx(base)} ${sz(s)} => ok`);
    out.push(`  expect leaf_count(T, ${sz(s)}) == 1`);
    out.push(`  pgtable.unmap T ${hx(base)} ${sz(s)} => value ${hx(s)}`);
    // OA only half-aligned: the largest size that fits s / 2
    const best = sizes(c.bitmap).filter((x) => x <= s / 2n).pop()!;
    out.push(`  pgtable.map T ${hx(base)} ${hx(base + s / 2n)} ${sz(s)} => ok`);
    out.push(`  expect leaf_count(T, ${sz(s)}) == 0`);
    out.push(`  expect leaf_count(T, ${sz(best)}) == ${hx(s / best)}`);
    out.push(`  pgtable.unmap T ${hx(base)} ${sz(s)} => value ${hx(s)}`);
  }
  out.push('}');
  return out;
}

/** Up to three sample items of a contiguous entry: the first, a middle and the last. */
function itemSamples(n: number): number[] {
  return [...new Set([0, Math.floor(n / 2), n - 1])];
}

/**
 * test_dirty (test_lvl_dirty): for every page size, a RW leaf that reads clean after
 * pt_entry_make_write_clean; dirtying one item of a contiguous entry makes the whole entry dirty,
 * cleaning makes it clean again. The scenario dirties an item the way hardware does (a device
 * write walked with dirty tracking on) and reads the entry's state with read_and_clear_dirty.
 */
function dirtyTests(c: Cfg): string[] {
  const dBit = c.fmt === 'amdv1' ? 0x40n : 0x200n; // AMDV1PT_FMT_D bit 6, VTDSS_FMT_D bit 9
  const out: string[] = [`step "${c.id}: ${c.what}" {`, `${create(c)} dirty`];
  for (const s of sizes(c.bitmap)) {
    const lvl = leafLevelOf(c, s);
    const item = 1n << BigInt(12 + 9 * (lvl - c.leafLevel));
    const items = Number(s / item);
    // record_dirty: one item for a single-item entry; (min(index | (n - 1), end_index) - index)
    // items for an n-item contiguous entry read from its start (n - 1 of them)
    const recorded = items === 1 ? s : s - item;
    const pa = TEST_OA & ~(s - 1n);
    out.push(`  # ${sz(s)}: ${items === 1 ? 'one item' : `${items} contiguous items`} at level ${lvl}`);
    out.push(`  pgtable.map T ${hx(s)} ${hx(pa)} ${sz(s)} => value ${hx(s)}`);
    out.push(`  pgtable.read_dirty T ${hx(s)} ${sz(s)} => value 0`);
    for (const i of itemSamples(items)) {
      const at = s + BigInt(i) * item;
      out.push(`  pgtable.walk T ${hx(at)} write => value ${hx(pa + BigInt(i) * item)}`);
      out.push(`  expect mask(pte(T, ${hx(at)}, ${lvl}), ${hx(dBit)}) == ${hx(dBit)}`);
      out.push(`  pgtable.read_dirty T ${hx(s)} ${sz(s)} no-clear => value ${hx(recorded)}`);
      out.push(`  pgtable.read_dirty T ${hx(s)} ${sz(s)} => value ${hx(recorded)}`);
      out.push(`  expect mask(pte(T, ${hx(at)}, ${lvl}), ${hx(dBit)}) == 0`);
      out.push(`  pgtable.read_dirty T ${hx(s)} ${sz(s)} => value 0`);
    }
    out.push(`  pgtable.unmap T ${hx(s)} ${sz(s)} => value ${hx(s)}`);
  }
  out.push('}');
  return out;
}

/**
 * test_sw_bit_leaf / test_sw_bit_table (vtdss_pt_sw_bit: SW bit 0 = bit 10, bits 1-9 = 52-60,
 * bit 10 = 63). The only SW bit generic_pt itself sets is SW_BIT_CACHE_FLUSH_DONE, in every table
 * entry pt_iommu_new_table installs under PT_FEAT_DMA_INCOHERENT; it changes neither the table
 * address nor how the entry walks, and leaves never carry SW bits.
 */
function swBitTests(c: Cfg): string[] {
  const out: string[] = [`step "${c.id}: ${c.what}, non-coherent walk" {`, `${create(c)} non-coherent`];
  const top = topRange(c);
  const va = top.last + 1n - SZ_4K;
  const pa = TEST_OA & ~(SZ_4K - 1n);
  out.push('  # check_all_levels: the last page of the range makes a table at every level, each marked flushed');
  out.push(`  pgtable.map T ${hx(va)} ${hx(pa)} 4K => ok`);
  for (let l = c.topLevel; l > c.leafLevel; l--) {
    out.push(`  expect mask(pte(T, ${hx(va)}, ${l}), 0xfff0_0000_0000_0fff) == 0x403`);
  }
  out.push(`  expect pte(T, ${hx(va)}, ${c.leafLevel}) == ${hx(leafValue(c, SZ_4K, pa))}`);
  out.push(`  pgtable.iova_to_phys T ${hx(va + 0x123n)} => value ${hx(pa + 0x123n)}`);
  out.push(`  pgtable.walk T ${hx(va + 0x123n)} write => value ${hx(pa + 0x123n)}`);
  out.push('  # test_sw_bit_leaf: a leaf of every size, no SW bit set, OA and attributes as mapped');
  for (const s of sizes(c.bitmap)) {
    const oa = TEST_OA & ~(s - 1n);
    out.push(`  pgtable.map T ${hx(s)} ${hx(oa)} ${sz(s)} => value ${hx(s)}`);
    out.push(`  expect pte(T, ${hx(s)}, ${leafLevelOf(c, s)}) == ${hx(leafValue(c, s, oa))}`);
    out.push(`  pgtable.unmap T ${hx(s)} ${sz(s)} => value ${hx(s)}`);
  }
  out.push('}');
  return out;
}

// ---- kunit_iommu_pt.h --------------------------------------------------------------------------

function increaseLevel(c: Cfg): string[] {
  const out = [`step "${c.id}: ${c.what}" {`, create(c)];
  let level = c.topLevel;
  let vasz = c.topVasz;
  out.push(`  expect pgtable_info(T, "topLevel") == ${level}`);
  while (vasz < c.vasz) {
    const va = 1n << BigInt(vasz); // top_range.last_va + 1
    out.push(`  pgtable.map T ${hx(va)} 0 4K => ok`);
    level++;
    vasz = Math.min(c.vasz, 12 + 9 * (level + 1));
    out.push(`  expect pgtable_info(T, "topLevel") == ${level}`);
    if (c.fmt === 'amdv1') out.push(`  expect pgtable_info(T, "mode") == ${level + 1}`);
  }
  out.push('}');
  return out;
}

function mapSimple(c: Cfg): string[] {
  const out = [`step "${c.id}: ${c.what}" {`, create(c)];
  const list = sizes(safeBitmap(c));
  let va = topRange(c).va + SZ_4K * 256n;
  for (const s of list) {
    const pa = TEST_OA & ~(s - 1n);
    va = alignUp(va, s);
    out.push(`  pgtable.map T ${hx(va)} ${hx(pa)} ${sz(s)} => value ${hx(s)}`);
    if (s <= SZ_2G) out.push(...checkIova(va, pa, s));
    va += s;
  }
  out.push('  # every page size was created once');
  for (const s of list) out.push(`  expect leaf_count(T, ${sz(s)}) == 1`);
  out.push(`  expect leaf_count(T, 0) == ${list.length}`);
  va = topRange(c).va + SZ_4K * 256n;
  for (const s of list) {
    va = alignUp(va, s);
    out.push(`  pgtable.unmap T ${hx(va)} ${sz(s)} => value ${hx(s)}`);
    va += s;
  }
  out.push('  expect leaf_count(T, 0) == 0', '}');
  return out;
}

/**
 * test_map_table_to_oa: fill [va, va + max) with maps of one size, check, unmap half in one call
 * and the rest one page at a time (leaving empty tables behind for the next, bigger size).
 * `window` is the fill size (the kernel's max_pgsize unless a smaller one is given).
 */
function tableToOa(c: Cfg, sizesToRun: bigint[], window: bigint): string[] {
  const out: string[] = [];
  const cur = alignUp(topRange(c).va + SZ_4K * 256n, window);
  for (const s of sizesToRun) {
    const pa = TEST_OA & ~(s - 1n);
    out.push(`  # ${sz(s)} pages`);
    out.push(`  pgtable.map T ${hx(cur)} ${hx(pa)} ${sz(window)} each=${sz(s)} => value ${hx(window)}`);
    out.push(...checkIova(cur, pa, window));
    out.push(`  expect leaf_count(T, ${sz(s)}) == ${hx(window / s)}`);
    out.push(`  expect leaf_count(T, 0) == ${hx(window / s)}`);
    if (s === window) out.push(`  pgtable.unmap T ${hx(cur)} ${sz(window)} => value ${hx(window)}`);
    else {
      out.push(`  pgtable.unmap T ${hx(cur)} ${sz(window / 2n)} => value ${hx(window / 2n)}`);
      out.push(`  pgtable.unmap T ${hx(cur + window / 2n)} ${sz(window / 2n)} each=${sz(s)} => value ${hx(window / 2n)}`);
    }
    out.push('  expect leaf_count(T, 0) == 0');
  }
  return out;
}

function unmapSplit(c: Cfg): string[] {
  const out = [`step "${c.id}: ${c.what}" {`, create(c)];
  const list = sizes(safeBitmap(c));
  const va = topRange(c).va;
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const base = list[i]!;
      const next = list[j]!;
      out.push(`  # ${sz(base)} out of ${sz(next)}`);
      out.push(`  pgtable.map T ${hx(va)} 0 ${sz(next)} => ok`);
      out.push(`  pgtable.unmap T ${hx(va)} ${sz(base)} => value ${hx(next)}`);
      out.push(`  pgtable.map T ${hx(va)} 0 ${sz(next)} => ok`);
      out.push(`  pgtable.map T ${hx(va + next)} 0 ${sz(next)} => ok`);
      out.push(`  pgtable.unmap T ${hx(va)} ${sz(base)} => value ${hx(next)}`);
      out.push(`  pgtable.unmap T ${hx(va + next)} ${sz(next)} => value ${hx(next)}`);
    }
  }
  out.push('  expect leaf_count(T, 0) == 0', '}');
  return out;
}

/** mulberry32, seeded: the scenario's random sequence is fixed (the kernel's differs per boot). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** clamp_range: at most 1G, and above MAPLE_RESERVED_RANGE. */
function clamp(r: { va: bigint; last: bigint }): { va: bigint; last: bigint } {
  let { va, last } = r;
  if (last - va > SZ_1G) last = va + SZ_1G;
  if (va <= MAPLE_RESERVED_RANGE) va = alignUp(MAPLE_RESERVED_RANGE, SZ_4K);
  return { va, last };
}

function randomMap(c: Cfg, iterations: number, seed: number): string[] {
  const out = [`step "${c.id}: ${c.what}, ${iterations} rounds" {`, create(c)];
  const rnd = prng(seed);
  const below = (n: bigint): bigint => (n <= 0n ? 0n : BigInt(rnd()) % n); // get_random_u32_below
  const top = clamp(topRange(c));
  const upper = clamp(upperRange(c));
  const oaMask = MAX_OA - 1n;
  /** The maple tree of mapped ranges: [start, last], sorted. */
  let tree: { start: bigint; last: bigint }[] = [];
  const collide = (start: bigint, last: bigint) => tree.filter((m) => m.start <= last && m.last >= start);
  const unmapRange = (m: { start: bigint; last: bigint }): void => {
    const len = m.last - m.start + 1n;
    out.push(...checkIova(m.start, m.start & oaMask, len));
    out.push(`  pgtable.unmap T ${hx(m.start)} ${hx(len)} => value ${hx(len)}`);
  };
  const U32_MAX = 0xffff_ffffn;
  for (let iter = 0; iter < iterations; iter++) {
    const range = c.signExtend && (rnd() & 1) === 1 ? upper : top;
    let start = below(U32_MAX < range.last - range.va ? U32_MAX : range.last - range.va);
    let end = below(U32_MAX < range.last - start ? U32_MAX : range.last - start);
    start &= ~(SZ_4K - 1n);
    end = alignUp(end, SZ_4K);
    start += range.va;
    end += start;
    if (start < range.va || end > range.last + 1n || start >= end) continue;
    const pa = start & oaMask;
    const hits = collide(start, end - 1n);
    if (hits.length === 0) {
      out.push(`  pgtable.map T ${hx(start)} ${hx(pa)} ${hx(end - start)} => ok`);
    } else {
      out.push(`  pgtable.map T ${hx(start)} ${hx(pa)} ${hx(end - start)} => error EADDRINUSE`);
      for (const m of hits) unmapRange(m);
      tree = tree.filter((m) => !hits.includes(m));
      out.push(`  pgtable.map T ${hx(start)} ${hx(pa)} ${hx(end - start)} => ok`);
    }
    tree.push({ start, last: end - 1n });
    tree.sort((a, b) => (a.start < b.start ? -1 : 1));
    out.push(...checkIova(start, pa, end - start));
  }
  out.push('  # unmap everything that is left');
  for (const m of tree) unmapRange(m);
  out.push('  expect leaf_count(T, 0) == 0', '}');
  return out;
}

function pgsizeBoundary(c: Cfg): string[] {
  const len = 0xfef9ffffn - 0xfef80000n + 1n;
  return [
    `step "${c.id}: ${c.what}" {`,
    create(c),
    `  pgtable.map T 0xfef8_0000 0x20_8b95_d000 ${hx(len)} => value ${hx(len)}`,
    ...checkIova(0xfef80000n, 0x208b95d000n, len),
    '}',
  ];
}

function mixed(c: Cfg): string[] {
  const start = 0x3fe400n << 12n;
  const end = 0x4c0600n << 12n;
  return [
    `step "${c.id}: ${c.what}" {`,
    create(c),
    `  pgtable.map T ${hx(start)} ${hx(start)} ${hx(end - start)} => ok`,
    '  # 14 2M, 3 1G, 3 2M',
    '  expect leaf_count(T, 0) == 20',
    '  expect leaf_count(T, 2M) == 17',
    '  expect leaf_count(T, 1G) == 3',
    ...checkIova(start, start, end - start),
    `  pgtable.iova_to_phys T ${hx(SZ_16G + 0x1234n)} => value ${hx(SZ_16G + 0x1234n)}`,
    '}',
  ];
}

// ---- files -------------------------------------------------------------------------------------

const RANDOM_ROUNDS = 200;

export function genericPtKunitFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const fmts: Fmt[] = ['amdv1', 'vtdss', 'x86_64'];
  for (const f of fmts) {
    const cfgs = KUNIT_CFGS.filter((c) => c.fmt === f);
    const name = FMT_NAMES[f];
    const cfgList = cfgs.map((c) => `${c.id} (${c.what})`).join('; ');
    files.set(
      `kunit-${f}-fmt-test.dma`,
      file(
        `generic_pt kunit ${f}_fmt_test: entry encodings, sizes and attributes`,
        [
          `generic_pt kunit_generic_pt.h for ${name} (facts/pgtable.md §10.3), configurations: ${cfgList}.`,
          'test_init / test_entry_possible_sizes: the page-size bitmap; check_all_levels / test_table_ptr: a',
          'table entry at every level on the path of the last page of the range; test_entry_oa: a leaf of',
          'every size holding OA = test_oa, 0 and the highest OA reads back; test_attr_from_entry: every prot;',
          'test_best_pgsize through map: the leaf size follows VA/OA alignment. Values from the bit rules of',
          '§5.2 (amdv1), §6.2 (x86_64), §7.2 (vtdss). test_dirty is in kunit-<fmt>-dirty (amdv1, vtdss),',
          'test_sw_bit_* in kunit-vtdss-sw-bit; test_bitops checks internal log2 helpers and has no scenario form.',
        ],
        cfgs.flatMap((c) => ['', ...fmtTests(c)]),
      ),
    );
    files.set(
      `kunit-${f}-map-simple.dma`,
      file(
        `generic_pt kunit ${f}: test_map_simple`,
        [
          `kunit_iommu_pt.h test_map_simple for ${name}: one mapping of every page size from 256 pages into`,
          'the range, each translating (check_iova samples the first, middle and last page), one leaf of',
          'each size, then every unmap returns exactly its length.',
        ],
        cfgs.flatMap((c) => ['', ...mapSimple(c)]),
      ),
    );
    files.set(
      `kunit-${f}-unmap-split.dma`,
      file(
        `generic_pt kunit ${f}: test_unmap_split`,
        [
          `kunit_iommu_pt.h test_unmap_split for ${name}: for every pair of page sizes, unmapping the small`,
          'size at the start of a big page removes the whole big page (the return is the big size) and',
          'does not go on into the next one.',
        ],
        cfgs.flatMap((c) => ['', ...unmapSplit(c)]),
      ),
    );
    files.set(
      `kunit-${f}-pgsize-boundary.dma`,
      file(
        `generic_pt kunit ${f}: test_pgsize_boundary`,
        [
          `kunit_iommu_pt.h test_pgsize_boundary for ${name}: 128K at 0xfef80000 to a PA that is only 4K`,
          'aligned maps (the AMD report that added this test).',
        ],
        cfgs.flatMap((c) => ['', ...pgsizeBoundary(c)]),
      ),
    );
    if (f !== 'x86_64') {
      files.set(
        `kunit-${f}-dirty.dma`,
        file(
          `generic_pt kunit ${f}_fmt_test: test_dirty`,
          [
            `kunit_generic_pt.h test_dirty for ${name} (pt_entry_is_write_dirty: ${f === 'amdv1' ? 'D bit 6, any item of a contiguous entry' : 'D bit 9'}):`,
            'every page size, mapped RW, reads clean; a device write through a walk with dirty tracking on',
            'sets D in the item it used (the kunit calls pt_entry_make_write_dirty on each item; here the',
            'first, a middle and the last item are sampled) and the whole entry then reads dirty; cleaning',
            '(read_and_clear_dirty) clears it. The value is what record_dirty reports: one item for a',
            'single-item entry, n - 1 items for an n-item contiguous one read from its start (iommu_pt.h',
            'record_dirty computes min(index | (n - 1), end_index) - index; facts/pgtable.md §8.4).',
          ],
          cfgs.flatMap((c) => ['', ...dirtyTests(c)]),
        ),
      );
    }
    if (f === 'vtdss') {
      files.set(
        `kunit-${f}-sw-bit.dma`,
        file(
          `generic_pt kunit ${f}_fmt_test: test_sw_bit_leaf, test_sw_bit_table`,
          [
            'kunit_generic_pt.h test_sw_bit_leaf / test_sw_bit_table for vtd-ss (vtdss_pt_sw_bit: bit 10,',
            'bits 52-60, bit 63; facts/pgtable.md §7.2). What the model can show of them: with a',
            'non-coherent walk (PT_FEAT_DMA_INCOHERENT) every table entry map installs carries SW bit 0',
            '(SW_BIT_CACHE_FLUSH_DONE, bit 10) and still points at its table and walks; leaves of every size',
            'carry no SW bit. (amdv1 defines no SW bits; x86_64 is not modelled non-coherent.)',
          ],
          cfgs.flatMap((c) => ['', ...swBitTests(c)]),
        ),
      );
    }
    if (f !== 'amdv1') {
      files.set(
        `kunit-${f}-mixed.dma`,
        file(
          `generic_pt kunit ${f}: test_mixed`,
          [
            `kunit_iommu_pt.h test_mixed for ${name} (2M and 1G and nothing between): [0x3fe400000, 0x4c0600000)`,
            'maps as 14 2M, 3 1G and 3 2M leaves. (amdv1 skips it: it has sizes between 2M and 1G.)',
          ],
          cfgs.flatMap((c) => ['', ...mixed(c)]),
        ),
      );
    } else {
      files.set(
        `kunit-${f}-increase-level.dma`,
        file(
          `generic_pt kunit ${f}: test_increase_level`,
          [
            'kunit_iommu_pt.h test_increase_level (PT_FEAT_DYNAMIC_TOP, amdv1 only: vtdss and x86_64 skip it):',
            'each map just above the top range adds exactly one level until the VA is 64 bits.',
          ],
          cfgs.flatMap((c) => ['', ...increaseLevel(c)]),
        ),
      );
    }
    for (const c of cfgs) {
      const all = sizes(c.bitmap);
      // limited_pgbitmap = pgsize_bitmap % 16G; max_pgsize = its largest size
      const max = sizes(c.bitmap % SZ_16G).pop()!;
      let body: string[];
      let about: string[];
      if (max <= SZ_1G) {
        body = ['', `step "${c.id}: ${c.what}" {`, create(c), ...tableToOa(c, all.filter((s) => s <= max), max), '}'];
        about = [`The fill is ${sz(max)} (max_pgsize), as in the kernel; \`each=\` makes one iommu_map call per page.`];
      } else {
        // amdv1: max_pgsize 8G would need millions of 4K calls; small sizes fill 64M, big ones 8G.
        const small = all.filter((s) => s <= 64n << 20n);
        const bigs = all.filter((s) => s > 64n << 20n && s <= max);
        body = ['', `step "${c.id}: ${c.what}" {`, create(c), ...tableToOa(c, small, 64n << 20n), ...tableToOa(c, bigs, max), '}'];
        about = [
          `The kernel fills max_pgsize = ${sz(max)} for every size; here sizes up to 64M fill a 64M window and`,
          `the bigger ones the full ${sz(max)} (one 4K-page fill of 8G is two million calls).`,
        ];
      }
      files.set(
        `kunit-${f}-map-table-to-oa-${c.id.replace(`${f}_`, '')}.dma`,
        file(
          `generic_pt kunit ${f}: test_map_table_to_oa (${c.id})`,
          [
            `kunit_iommu_pt.h test_map_table_to_oa for ${c.id} (${c.what}): fill a window with pages of one`,
            'size (one iommu_map per page), check, unmap half in one call and the rest a page at a time, so',
            'the next, bigger size maps over the empty tables left behind.',
            ...about,
          ],
          body,
        ),
      );
      files.set(
        `kunit-${f}-random-map-${c.id.replace(`${f}_`, '')}.dma`,
        file(
          `generic_pt kunit ${f}: test_random_map (${c.id})`,
          [
            `kunit_iommu_pt.h test_random_map for ${c.id} (${c.what}): random page-aligned ranges in a 1G`,
            `window${c.signExtend ? ' (the lower or the upper half)' : ''}, PA = VA mod 2^52. A map that overlaps an earlier range fails with`,
            'EADDRINUSE; the overlapped ranges are checked and unmapped (each returns exactly its length)',
            `and the map is done again. ${RANDOM_ROUNDS} rounds from a fixed seed (the kernel does 1000 from`,
            'get_random_u32), translations sampled at the first, middle and last page.',
          ],
          ['', ...randomMap(c, RANDOM_ROUNDS, 0x5eed + KUNIT_CFGS.indexOf(c))],
        ),
      );
    }
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = new URL('./', import.meta.url);
  for (const [name, text] of genericPtKunitFiles()) {
    writeFileSync(new URL(name, dir), text);
    console.log(`wrote scenarios/io-pgtable/${name}`);
  }
}
