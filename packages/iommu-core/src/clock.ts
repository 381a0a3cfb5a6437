/**
 * The simulation clock, owned by the machine and advanced only by the scenario
 * (time never comes from the host). Timers run in deadline order, ties in the
 * order they were armed, so every run is deterministic.
 */
export class SimClock {
  private t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; label: string; fn: () => void }[] = [];

  now(): number {
    return this.t;
  }

  /** Runs fn when the clock reaches `at` (ms). Returns a cancel function. */
  at(at: number, label: string, fn: () => void): () => void {
    const entry = { at, seq: this.seq++, label, fn };
    this.timers.push(entry);
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return () => {
      this.timers = this.timers.filter((e) => e !== entry);
    };
  }

  /** Advances time by ms, firing due timers in order (each sees the clock at its deadline). */
  advance(ms: number): string[] {
    if (!(ms >= 0)) throw new RangeError(`cannot advance the clock by ${ms} ms`);
    const end = this.t + ms;
    const fired: string[] = [];
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      fired.push(next.label);
      next.fn();
    }
    this.t = end;
    return fired;
  }

  pendingTimers(): readonly string[] {
    return this.timers.map((e) => `${e.label}@${e.at}ms`);
  }
}
