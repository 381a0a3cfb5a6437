/**
 * The simulated kernel log (dmesg without timestamps). Lines are stored exactly as
 * the kernel formats them, prefixes included; the clock time of each line is kept
 * beside it so rate limits and traces can use it.
 */
export class KernelLog {
  readonly lines: string[] = [];
  readonly times: number[] = [];
  constructor(private readonly clock: () => number = () => 0) {}

  print(line: string): void {
    this.lines.push(line);
    this.times.push(this.clock());
  }

  printAll(lines: Iterable<string>): void {
    for (const l of lines) this.print(l);
  }
}

/**
 * lib/ratelimit.c ___ratelimit with DEFAULT_RATELIMIT_INTERVAL (5 s) and
 * DEFAULT_RATELIMIT_BURST (10): at most `burst` messages per interval; when a new
 * interval starts after suppressions, "<func>: N callbacks suppressed" is printed.
 */
export class RateLimit {
  private begin = -Infinity;
  private printed = 0;
  private missed = 0;
  constructor(
    private readonly funcName: string,
    private readonly intervalMs = 5000,
    private readonly burst = 10,
  ) {}

  allow(now: number, log: KernelLog): boolean {
    if (now - this.begin >= this.intervalMs) {
      if (this.missed > 0) log.print(`${this.funcName}: ${this.missed} callbacks suppressed`);
      this.begin = now;
      this.printed = 0;
      this.missed = 0;
    }
    if (this.printed < this.burst) {
      this.printed++;
      return true;
    }
    this.missed++;
    return false;
  }
}
