/** xorshift32 (Marsaglia 2003): a tiny deterministic PRNG for property tests. */
export class XorShift32 {
  private s: number;
  constructor(seed: number) {
    // MurmurHash3 fmix32 spreads nearby seeds apart (xorshift's first outputs for
    // similar states are similar); then drop a few outputs.
    let h = seed >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
    this.s = h || 0x9e3779b9;
    for (let i = 0; i < 4; i++) this.next();
  }
  /** Next 32-bit unsigned value. */
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }
  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  /** true with probability p. */
  chance(p: number): boolean {
    return this.next() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}
