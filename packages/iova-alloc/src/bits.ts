/**
 * Bit helpers for pfns held in JS numbers (exact integers below 2^53). JS bitwise
 * operators are 32-bit, so everything here splits at 2^32 or uses exact
 * power-of-two arithmetic (division/multiplication by 2^k is exact for doubles).
 */

const TWO32 = 4294967296;

/** POW2[k] = 2^k for k = 0..53. */
export const POW2: Float64Array = (() => {
  const t = new Float64Array(54);
  let v = 1;
  for (let k = 0; k < 54; k++) {
    t[k] = v;
    v *= 2;
  }
  return t;
})();

/** POW2INV[k] = 2^-k: multiplying by it is exact, and much cheaper than dividing by 2^k. */
export const POW2INV: Float64Array = POW2.map((v) => 1 / v);

/** floor(log2(x)) for an integer 1 <= x < 2^53. */
export function floorLog2(x: number): number {
  if (x < TWO32) return 31 - Math.clz32(x);
  return 63 - Math.clz32(Math.floor(x / TWO32));
}

/** include/linux/bitops.h fls_long: 1-based index of the highest set bit; fls(0) = 0. */
export function fls(x: number): number {
  return x <= 0 ? 0 : floorLog2(x) + 1;
}

/** include/linux/log2.h order_base_2: ceil(log2(n)); order_base_2(0) = order_base_2(1) = 0. */
export function orderBase2(n: number): number {
  return n > 1 ? floorLog2(n - 1) + 1 : 0;
}

/** include/linux/log2.h roundup_pow_of_two (n >= 1). */
export function roundupPowOfTwo(n: number): number {
  return POW2[orderBase2(n)]!;
}

/** Largest multiple of the power of two `p` that is <= x (x >= 0). */
export function alignDown(x: number, p: number): number {
  return p === 1 ? x : Math.floor(x / p) * p;
}

/** Smallest multiple of the power of two `p` that is >= x (x >= 0). */
export function alignUp(x: number, p: number): number {
  return p === 1 ? x : Math.ceil(x / p) * p;
}

/** alignDown(x, 2^k) for 0 <= k <= 53 (hot paths: a multiplication instead of a division). */
export function alignDownOrder(x: number, k: number): number {
  return Math.floor(x * POW2INV[k]!) * POW2[k]!;
}

/** alignUp(x, 2^k) for 0 <= k <= 53. */
export function alignUpOrder(x: number, k: number): number {
  return Math.ceil(x * POW2INV[k]!) * POW2[k]!;
}

/** A non-negative safe integer (what the kernel's unsigned long pfns and sizes become here). */
export function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}
