import { pfnAddr, u64 } from './num.js';
import type { WalkFault, WalkStep } from './types.js';

/**
 * How a format's raw steps are laid out: the table address is stored in units of
 * 2^unitShift bytes (12: a page number; 10: the 1 KiB Arm v7s level-2 tables) and each
 * entry is `entryBytes` wide.
 */
export interface TableLayout {
  unitShift: number;
  entryBytes: number;
}
const PAGES: TableLayout = { unitShift: 12, entryBytes: 8 };

/**
 * Walk results keep the raw numbers of each step ([level, index, tableAddr, lo, hi] per
 * step) and build the bigint view only when read, so a hardware walk stays cheap.
 */
function buildPath(raw: number[], layout: TableLayout): WalkStep[] {
  const out: WalkStep[] = [];
  for (let i = 0; i < raw.length; i += 5) {
    const unit = raw[i + 2]!;
    const tablePa = layout.unitShift === 12 ? pfnAddr(unit) : BigInt(unit) << BigInt(layout.unitShift);
    const index = raw[i + 1]!;
    out.push({
      level: raw[i]!,
      index,
      tablePa,
      entryPa: tablePa + BigInt(index * layout.entryBytes),
      value: u64(raw[i + 3]!, raw[i + 4]!),
    });
  }
  return out;
}

export class WalkOk {
  readonly ok = true as const;
  readonly level: number;
  readonly #raw: number[];
  readonly #paPfn: number;
  readonly #off: number;
  readonly #sizeLg2: number;
  readonly #layout: TableLayout;
  constructor(raw: number[], level: number, paPfn: number, off: number, sizeLg2: number, layout: TableLayout = PAGES) {
    this.#raw = raw;
    this.#layout = layout;
    this.level = level;
    this.#paPfn = paPfn;
    this.#off = off;
    this.#sizeLg2 = sizeLg2;
  }
  get pa(): bigint {
    return pfnAddr(this.#paPfn, this.#off);
  }
  get pageSize(): bigint {
    return 1n << BigInt(this.#sizeLg2);
  }
  get pte(): bigint {
    const r = this.#raw;
    return u64(r[r.length - 2]!, r[r.length - 1]!);
  }
  get path(): WalkStep[] {
    return buildPath(this.#raw, this.#layout);
  }
  toJSON(): object {
    return { ok: true, pa: this.pa, level: this.level, pte: this.pte, pageSize: this.pageSize, path: this.path };
  }
}

export class WalkFail {
  readonly ok = false as const;
  readonly reason: WalkFault;
  readonly level: number;
  readonly #raw: number[];
  readonly #layout: TableLayout;
  constructor(raw: number[], reason: WalkFault, level: number, layout: TableLayout = PAGES) {
    this.#raw = raw;
    this.#layout = layout;
    this.reason = reason;
    this.level = level;
  }
  get pte(): bigint {
    const r = this.#raw;
    return r.length === 0 ? 0n : u64(r[r.length - 2]!, r[r.length - 1]!);
  }
  get path(): WalkStep[] {
    return buildPath(this.#raw, this.#layout);
  }
  toJSON(): object {
    return { ok: false, reason: this.reason, level: this.level, pte: this.pte, path: this.path };
  }
}
