/** 64-bit address helpers. Public APIs carry exact addresses as bigint; hot paths use page-frame numbers. */

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const U64_MASK = (1n << 64n) - 1n;

/** `DMA_BIT_MASK(n)` from include/linux/dma-mapping.h. */
export function dmaBitMask(bits: number): bigint {
  if (!Number.isInteger(bits) || bits < 0 || bits > 64) {
    throw new RangeError(`DMA_BIT_MASK(${bits}): bits must be 0..64`);
  }
  return bits === 64 ? U64_MASK : (1n << BigInt(bits)) - 1n;
}

/** Page-frame number of a physical address (exact for addresses below 2^65). */
export function pfnOf(addr: bigint): number {
  return Number(addr >> BigInt(PAGE_SHIFT));
}

export function pfnToAddr(pfn: number): bigint {
  return BigInt(pfn) << BigInt(PAGE_SHIFT);
}

export function pageOffset(addr: bigint): number {
  return Number(addr & BigInt(PAGE_SIZE - 1));
}

export function alignUp(x: bigint, align: bigint): bigint {
  return (x + align - 1n) & ~(align - 1n);
}

export function alignDown(x: bigint, align: bigint): bigint {
  return x & ~(align - 1n);
}

/** `0x` + lowercase hex, at least `width` digits (like printk's `%0*llx`). */
export function hex(x: bigint | number, width = 0): string {
  return '0x' + x.toString(16).padStart(width, '0');
}

/** Number of bits needed to hold x (kernel `fls64`/`bits_per`): 0 → 0. */
export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

const SIZE_SUFFIX: Record<string, bigint> = { K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n };

/**
 * Parses `4096`, `0x1000`, `0x10_0000`, `4K`, `2M`, `1G` (binary units) into a bigint.
 * Returns undefined for anything else, so callers can report their own located error.
 */
export function parseSize(text: string): bigint | undefined {
  const t = text.replaceAll('_', '');
  const m = /^(0x[0-9a-fA-F]+|[0-9]+)([KMGT])?$/.exec(t);
  if (!m) return undefined;
  const base = BigInt(m[1]!);
  const unit = m[2] ? SIZE_SUFFIX[m[2]]! : 1n;
  return base * unit;
}

/** Formats a byte count the way scenarios write it: 4K, 2M, 1G, else hex. */
export function formatSize(n: bigint): string {
  for (const [suffix, unit] of [['G', 1n << 30n], ['M', 1n << 20n], ['K', 1n << 10n]] as const) {
    if (n >= unit && n % unit === 0n) return `${n / unit}${suffix}`;
  }
  return n.toString();
}
