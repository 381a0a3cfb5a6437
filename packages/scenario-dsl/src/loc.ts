/** Offsets → 1-based line/column ranges. Line breaks are `\n`, `\r\n` and a lone `\r`. */
import type { Loc } from './ast.js';

export class LineIndex {
  /** Offset at which each line starts; `starts[0] === 0`. */
  readonly starts: number[];
  readonly length: number;
  /** Last line found: AST building asks in source order, so this usually hits. */
  private hint = 0;

  constructor(text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        starts.push(i + 1);
      } else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
    this.length = text.length;
  }

  /** 0-based line index of an offset (offsets past the end clamp to the last line). */
  lineOf(offset: number): number {
    const starts = this.starts;
    const h = this.hint;
    if (starts[h]! <= offset) {
      if (h + 1 >= starts.length || offset < starts[h + 1]!) return h;
      if (h + 2 >= starts.length || offset < starts[h + 2]!) return (this.hint = h + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.hint = lo;
    return lo;
  }

  /** The range [start, end) as a Loc; offsets are clamped into the text. */
  loc(start: number, end: number): Loc {
    const s = clamp(start, this.length);
    const e = Math.max(s, clamp(end, this.length));
    const sl = this.lineOf(s);
    const el = e === s ? sl : this.lineOf(e);
    return {
      startOffset: s,
      endOffset: e,
      startLine: sl + 1,
      startColumn: s - this.starts[sl]! + 1,
      endLine: el + 1,
      endColumn: e - this.starts[el]! + 1,
    };
  }
}

function clamp(n: number, max: number): number {
  if (!Number.isFinite(n) || n < 0) return 0;
  return n > max ? max : n;
}

/** The smallest range covering both. */
export function span(a: Loc, b: Loc): Loc {
  const first = a.startOffset <= b.startOffset ? a : b;
  const last = a.endOffset >= b.endOffset ? a : b;
  return {
    startOffset: first.startOffset,
    startLine: first.startLine,
    startColumn: first.startColumn,
    endOffset: last.endOffset,
    endLine: last.endLine,
    endColumn: last.endColumn,
  };
}

/** The first `n` characters of a one-line-start range (e.g. the `step` keyword of a step). */
export function prefix(loc: Loc, n: number): Loc {
  return { ...loc, endOffset: loc.startOffset + n, endLine: loc.startLine, endColumn: loc.startColumn + n };
}
