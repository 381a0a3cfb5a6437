import { pfnAddr, u64 } from './num.js';
import type { WalkFault, WalkStep } from './types.js';

/**
 * Walk results keep the raw numbers of each step ([level, index, tablePfn, lo, hi] per
 * step) and build the bigint view only when read, so a hardware walk stays cheap.
 */
function buildPath(raw: number[]): WalkStep[] {
  const out: WalkStep[] = [];
  for (let i = 0; i < raw.length; i += 5) {
    const tablePa = pfnAddr(raw[i + 2]!);
    const index = raw[i + 1]!;
    out.push({
      level: raw[i]!,
      index,
      tablePa,
      entryPa: tablePa + BigInt(index * 8),
      value: u64(raw[i + 3]!, raw[i + 4]!),
    });
  }
  return out;
}

export class WalkOk {
  readonly ok = true as const;
  constructor(
    private readonly raw: number[],
    readonly level: number,
    private readonly paPfn: number,
    private readonly off: number,
    private readonly sizeLg2: number,
  ) {}
  get pa(): bigint {
    return pfnAddr(this.paPfn, this.off);
  }
  get pageSize(): bigint {
    return 1n << BigInt(this.sizeLg2);
  }
  get pte(): bigint {
    const r = this.raw;
    return u64(r[r.length - 2]!, r[r.length - 1]!);
  }
  get path(): WalkStep[] {
    return buildPath(this.raw);
  }
}

export class WalkFail {
  readonly ok = false as const;
  constructor(
    private readonly raw: number[],
    readonly reason: WalkFault,
    readonly level: number,
  ) {}
  get pte(): bigint {
    const r = this.raw;
    return r.length === 0 ? 0n : u64(r[r.length - 2]!, r[r.length - 1]!);
  }
  get path(): WalkStep[] {
    return buildPath(this.raw);
  }
}
