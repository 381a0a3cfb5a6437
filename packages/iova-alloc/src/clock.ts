/** The caller owns time: the domain reads this clock and never real time. */
export interface IovaClock {
  /** Milliseconds since an arbitrary origin; must never go backwards. */
  now(): number;
}

/** A clock that moves only when told to. The default clock of an IovaDomain. */
export class ManualClock implements IovaClock {
  private t: number;
  constructor(startMs = 0) {
    this.t = startMs;
  }
  now(): number {
    return this.t;
  }
  /** Move time forward by `ms` (negative or non-finite values are ignored). */
  advance(ms: number): void {
    if (Number.isFinite(ms) && ms > 0) this.t += ms;
  }
}
