/**
 * Writes the Arm LPAE kernel self-test as scenarios (facts/pgtable.md §10.1):
 *
 * - drivers/iommu/io-pgtable-arm-selftests.c arm_lpae_do_selftests / arm_lpae_run_tests (kernel
 *   6.19): granules {4K|2M|1G, 16K|32M, 64K|512M} × oas {32 … 48} × ias {32 … oas} = 63
 *   configurations, each for ARM_64_LPAE_S1 and ARM_64_LPAE_S2, quirk NO_WARN;
 * - the older in-file self-test of io-pgtable-arm.c (6.1, 6.12): the same granules × ias {32 … 48}
 *   with oas 48 (18 configurations), with the "partial unmap" step that splits a block.
 *
 * The expected values are the self-test's own assertions (iova_to_phys(iova + 42) == iova + 42,
 * unmap returns the size …), computed here from the test's loops, not by running dmasim.
 *
 *   node scripts/dmasim-node.mjs scenarios/io-pgtable/gen-arm-lpae-selftest.ts
 *
 * rewrites the files; a test in packages/scenario-engine checks they are current.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SZ_1G = 1n << 30n;
const SZ_2G = 2n << 30n;

interface Granule {
  name: string;
  /** Page sizes of pgsize_bitmap, ascending. */
  sizes: bigint[];
}

const GRANULES: Granule[] = [
  { name: '4K', sizes: [1n << 12n, 1n << 21n, 1n << 30n] },
  { name: '16K', sizes: [1n << 14n, 1n << 25n] },
  { name: '64K', sizes: [1n << 16n, 1n << 29n] },
];
const ADDRESS_SIZES = [32, 36, 40, 42, 44, 48];

/** 0x4000_002a: hex with `_` every four digits. */
export function hx(v: bigint): string {
  const s = v.toString(16);
  const groups: string[] = [];
  for (let i = s.length; i > 0; i -= 4) groups.unshift(s.slice(Math.max(0, i - 4), i));
  return `0x${groups.join('_')}`;
}

/** 4K, 2M, 1G, 512M … */
export function sz(v: bigint): string {
  for (const [unit, shift] of [['G', 30n], ['M', 20n], ['K', 10n]] as const) {
    if (v >= 1n << shift && v % (1n << shift) === 0n) return `${v >> shift}${unit}`;
  }
  return hx(v);
}

function header(lines: string[]): string {
  return lines.map((l) => (l === '' ? '#' : `# ${l}`)).join('\n');
}

/** arm_lpae_run_tests of the 6.19 self-test, for one format and one configuration. */
function newRun(fmt: 'arm-lpae-s1' | 'arm-lpae-s2', g: Granule, ias: number, oas: number): string[] {
  const out: string[] = [];
  out.push(`step "${fmt === 'arm-lpae-s1' ? 'S1' : 'S2'} ${g.name} ias ${ias} oas ${oas}" {`);
  out.push(`  T = pgtable.create format=${fmt} granule=${g.name} ias=${ias} oas=${oas} no-warn`);
  out.push('  # empty tables translate nothing');
  for (const a of [42n, SZ_1G + 42n, SZ_2G + 42n]) out.push(`  pgtable.iova_to_phys T ${hx(a)} => value 0`);
  out.push('  # distinct mappings of every page size at 0, 1G, 2G …; mapping over one fails');
  let iova = 0n;
  for (const s of g.sizes) {
    out.push(`  pgtable.map T ${hx(iova)} ${hx(iova)} ${sz(s)} prot=rw-noexec-cache => ok`);
    out.push(`  pgtable.map T ${hx(iova)} ${hx(iova + s)} ${sz(s)} prot=r-noexec => error EEXIST`);
    out.push(`  pgtable.iova_to_phys T ${hx(iova + 42n)} => value ${hx(iova + 42n)}`);
    iova += SZ_1G;
  }
  out.push('  # full unmap, then remap write-only');
  iova = 0n;
  for (const s of g.sizes) {
    out.push(`  pgtable.unmap T ${hx(iova)} ${sz(s)} => value ${hx(s)}`);
    out.push(`  pgtable.iova_to_phys T ${hx(iova + 42n)} => value 0`);
    out.push(`  pgtable.map T ${hx(iova)} ${hx(iova)} ${sz(s)} prot=w => ok`);
    out.push(`  pgtable.iova_to_phys T ${hx(iova + 42n)} => value ${hx(iova + 42n)}`);
    iova += SZ_1G;
  }
  const largest = g.sizes[g.sizes.length - 1]!;
  const last = (1n << BigInt(ias)) - largest;
  out.push('  # the last largest page of the IAS (corner cases of concatenated pgds)');
  out.push(`  pgtable.map T ${hx(last)} ${hx(last)} ${sz(largest)} prot=rw-noexec-cache => value ${hx(largest)}`);
  out.push(`  pgtable.unmap T ${hx(last)} ${sz(largest)} => value ${hx(largest)}`);
  out.push('}');
  return out;
}

/** arm_lpae_run_tests of the 6.1/6.12 self-test (oas 48, partial unmap splits a block). */
function oldRun(fmt: 'arm-lpae-s1' | 'arm-lpae-s2', g: Granule, ias: number): string[] {
  const out: string[] = [];
  out.push(`step "${fmt === 'arm-lpae-s1' ? 'S1' : 'S2'} ${g.name} ias ${ias} oas 48" {`);
  out.push(`  T = pgtable.create format=${fmt} granule=${g.name} ias=${ias} oas=48`);
  for (const a of [42n, SZ_1G + 42n, SZ_2G + 42n]) out.push(`  pgtable.iova_to_phys T ${hx(a)} => value 0`);
  let iova = 0n;
  for (const s of g.sizes) {
    out.push(`  pgtable.map T ${hx(iova)} ${hx(iova)} ${sz(s)} prot=rw-noexec-cache => ok`);
    out.push(`  pgtable.map T ${hx(iova)} ${hx(iova + s)} ${sz(s)} prot=r-noexec => error EEXIST`);
    out.push(`  pgtable.iova_to_phys T ${hx(iova + 42n)} => value ${hx(iova + 42n)}`);
    iova += SZ_1G;
  }
  const s0 = g.sizes[0]!;
  out.push(`  # partial unmap: one ${sz(s0)} page out of the ${sz(g.sizes[1]!)} block at 1G (split), then map it again read-only`);
  out.push(`  pgtable.unmap T ${hx(SZ_1G + s0)} ${sz(s0)} => value ${hx(s0)}`);
  out.push(`  pgtable.map T ${hx(SZ_1G + s0)} ${hx(s0)} ${sz(s0)} prot=r => ok`);
  out.push(`  pgtable.iova_to_phys T ${hx(SZ_1G + s0 + 42n)} => value ${hx(s0 + 42n)}`);
  iova = 0n;
  for (const s of g.sizes) {
    out.push(`  pgtable.unmap T ${hx(iova)} ${sz(s)} => value ${hx(s)}`);
    out.push(`  pgtable.iova_to_phys T ${hx(iova + 42n)} => value 0`);
    out.push(`  pgtable.map T ${hx(iova)} ${hx(iova)} ${sz(s)} prot=w => ok`);
    out.push(`  pgtable.iova_to_phys T ${hx(iova + 42n)} => value ${hx(iova + 42n)}`);
    iova += SZ_1G;
  }
  out.push('}');
  return out;
}

/** Every generated file: name → contents. */
export function armLpaeSelftestFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const fmt of ['arm-lpae-s1', 'arm-lpae-s2'] as const) {
    const stage = fmt === 'arm-lpae-s1' ? 's1' : 's2';
    for (const g of GRANULES) {
      const body: string[] = [];
      let n = 0;
      for (let j = 0; j < ADDRESS_SIZES.length; j++) {
        for (let k = 0; k <= j; k++) {
          body.push('', ...newRun(fmt, g, ADDRESS_SIZES[k]!, ADDRESS_SIZES[j]!));
          n++;
        }
      }
      const text = [
        header([
          'Generated by scenarios/io-pgtable/gen-arm-lpae-selftest.ts: do not edit.',
          '',
          `The Arm LPAE kernel self-test (facts/pgtable.md §10.1) for ${fmt === 'arm-lpae-s1' ? 'ARM_64_LPAE_S1' : 'ARM_64_LPAE_S2'} with`,
          `pgsize_bitmap ${g.sizes.map(sz).join('|')}: ${n} (ias, oas) pairs, ias <= oas from {32, 36, 40, 42, 44, 48}.`,
          'drivers/iommu/io-pgtable-arm-selftests.c arm_lpae_run_tests: the test calls map_pages and',
          'unmap_pages with one page; pgtable.map/unmap reach them through iommu_map/iommu_unmap, which',
          'pass the same single page.',
        ]),
        `scenario "Arm LPAE self-test (6.19): ${stage.toUpperCase()} ${g.name} granule, ${n} configurations"`,
        'kernel 6.19',
        ...body,
        '',
      ].join('\n');
      files.set(`arm-lpae-selftest-${stage}-${g.name.toLowerCase()}.dma`, text);
    }
    const body: string[] = [];
    for (const g of GRANULES) for (const ias of ADDRESS_SIZES) body.push('', ...oldRun(fmt, g, ias));
    const text = [
      header([
        'Generated by scenarios/io-pgtable/gen-arm-lpae-selftest.ts: do not edit.',
        '',
        `The older Arm LPAE self-test (facts/pgtable.md §10.1, in io-pgtable-arm.c up to ~6.13) for`,
        `${fmt === 'arm-lpae-s1' ? 'ARM_64_LPAE_S1' : 'ARM_64_LPAE_S2'}: every granule × ias {32, 36, 40, 42, 44, 48}, oas 48, with the`,
        '"partial unmap" step: unmapping one small page out of the block at 1G splits the block',
        '(arm_lpae_split_blk_unmap) and reports the small size.',
      ]),
      `scenario "Arm LPAE self-test (6.1, 6.12): ${stage.toUpperCase()}, 18 configurations, block split on partial unmap"`,
      'variant linux-6.1 kernel="6.1"',
      'variant linux-6.12 kernel="6.12"',
      ...body,
      '',
    ].join('\n');
    files.set(`arm-lpae-selftest-old-${stage}.dma`, text);
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = new URL('./', import.meta.url);
  for (const [name, text] of armLpaeSelftestFiles()) {
    writeFileSync(new URL(name, dir), text);
    console.log(`wrote scenarios/io-pgtable/${name}`);
  }
}
