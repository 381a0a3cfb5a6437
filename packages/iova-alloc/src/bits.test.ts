import { describe, expect, it } from 'vitest';
import { alignDown, alignDownOrder, alignUp, alignUpOrder, floorLog2, fls, orderBase2, roundupPowOfTwo } from './bits.js';

describe('bit helpers on 53-bit pfns', () => {
  it('fls matches the kernel definition (fls(0) = 0, fls(1) = 1)', () => {
    expect(fls(0)).toBe(0);
    expect(fls(1)).toBe(1);
    expect(fls(2)).toBe(2);
    expect(fls(32)).toBe(6); // size 33 -> align 64 (fact sheet S-13)
    expect(fls(0xffffffff)).toBe(32);
    expect(fls(2 ** 32)).toBe(33);
    expect(fls(2 ** 53 - 1)).toBe(53);
  });
  it('floorLog2 is exact across the 32-bit split', () => {
    expect(floorLog2(2 ** 31)).toBe(31);
    expect(floorLog2(2 ** 32 - 1)).toBe(31);
    expect(floorLog2(2 ** 32)).toBe(32);
    expect(floorLog2(2 ** 52 + 12345)).toBe(52);
  });
  it('order_base_2 buckets: 1->0, 2->1, 3..4->2, 5..8->3, 17..32->5, 33->6 (fact sheet §3.5)', () => {
    expect([1, 2, 3, 4, 5, 8, 9, 16, 17, 32, 33].map(orderBase2)).toEqual([0, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    expect(orderBase2(0)).toBe(0);
  });
  it('roundup_pow_of_two', () => {
    expect([1, 2, 3, 5, 31].map(roundupPowOfTwo)).toEqual([1, 2, 4, 8, 32]);
    expect(roundupPowOfTwo(2 ** 40 + 1)).toBe(2 ** 41);
  });
  it('alignment above 2^32 does not use 32-bit bitwise operators', () => {
    expect(alignDown(2 ** 40 + 0x1234, 0x1000)).toBe(2 ** 40 + 0x1000);
    expect(alignUp(2 ** 40 + 1, 2 ** 36)).toBe(2 ** 40 + 2 ** 36);
    expect(alignDown(2 ** 52 - 1, 64)).toBe(2 ** 52 - 64);
  });
  it('alignDownOrder / alignUpOrder (reciprocal multiplication) are exact up to 2^53', () => {
    expect(alignDownOrder(2 ** 40 + 0x1234, 12)).toBe(2 ** 40 + 0x1000);
    expect(alignUpOrder(2 ** 40 + 1, 36)).toBe(2 ** 40 + 2 ** 36);
    expect(alignDownOrder(2 ** 52 - 1, 6)).toBe(2 ** 52 - 64);
    expect(alignDownOrder(2 ** 53 - 1, 0)).toBe(2 ** 53 - 1); // order 0: unchanged
    expect(alignUpOrder(2 ** 53 - 2, 1)).toBe(2 ** 53 - 2);
    expect(alignDownOrder(2 ** 53 - 1, 52)).toBe(2 ** 52);
    expect(alignUpOrder(1, 52)).toBe(2 ** 52);
    expect(alignUpOrder(0, 30)).toBe(0);
  });
});
