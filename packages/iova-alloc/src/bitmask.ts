/**
 * 32-bit masks with one bit per slot of a tree node (slots 0..31): which ranges have a
 * non-empty gap below them, which children hold a non-empty gap. JS bitwise operators
 * work on int32, and shift counts are taken mod 32, hence the guards at 31/32.
 */

/** The bits below s (0 <= s <= 32). */
export function lowBits(s: number): number {
  return s >= 32 ? -1 : (1 << s) - 1;
}

/** Make room at slot s: bits at and above s move up one (bit 31 falls off); bit s is 0. */
export function openBit(m: number, s: number): number {
  const low = lowBits(s);
  return (m & low) | ((m & ~low) << 1);
}

/** Remove slot s: bits above s move down one. */
export function closeBit(m: number, s: number): number {
  const low = lowBits(s);
  return s >= 31 ? m & low : (m & low) | ((m >>> (s + 1)) << s);
}

/** Set or clear bit s. */
export function withBit(m: number, s: number, on: boolean): number {
  return on ? m | (1 << s) : m & ~(1 << s);
}

/** The highest set bit below s (0 <= s <= 32), or -1. */
export function highestBelow(m: number, s: number): number {
  const x = m & lowBits(s);
  return x === 0 ? -1 : 31 - Math.clz32(x);
}
