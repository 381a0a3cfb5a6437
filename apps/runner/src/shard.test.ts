import { describe, expect, it } from 'vitest';
import { parseShard, selectShard } from './shard.js';

const files = ['c.dma', 'a.dma', 'b/x.dma', 'b/a.dma', 'd.dma', 'e.dma', 'f.dma'];
const id = (s: string): string => s;

describe('selectShard', () => {
  it('cuts the sorted list into contiguous slices whose sizes differ by at most one', () => {
    // sorted: a.dma b/a.dma b/x.dma c.dma d.dma e.dma f.dma → 7 over 3: floor(k*7/3) = 0, 2, 4, 7
    expect(selectShard(files, { index: 1, count: 3 }, id)).toEqual(['a.dma', 'b/a.dma']);
    expect(selectShard(files, { index: 2, count: 3 }, id)).toEqual(['b/x.dma', 'c.dma']);
    expect(selectShard(files, { index: 3, count: 3 }, id)).toEqual(['d.dma', 'e.dma', 'f.dma']);
  });

  it('is deterministic: the input order does not change any shard', () => {
    const reversed = [...files].reverse();
    for (let i = 1; i <= 4; i++) {
      expect(selectShard(reversed, { index: i, count: 4 }, id)).toEqual(
        selectShard(files, { index: i, count: 4 }, id),
      );
    }
  });

  it('puts every file in exactly one shard, for every shard count', () => {
    for (let n = 1; n <= 10; n++) {
      const all = Array.from({ length: n }, (_, i) =>
        selectShard(files, { index: i + 1, count: n }, id),
      ).flat();
      expect(all.sort()).toEqual([...files].sort());
    }
  });

  it('gives empty shards when there are more shards than files', () => {
    expect(selectShard(['a.dma'], { index: 1, count: 2 }, id)).toEqual([]);
    expect(selectShard(['a.dma'], { index: 2, count: 2 }, id)).toEqual(['a.dma']);
  });

  it('sorts by code unit, not by locale', () => {
    // 'B' (0x42) < 'a' (0x61) < 'b'; a locale-aware sort would put B between a and b
    expect(selectShard(['b.dma', 'B.dma', 'a.dma'], { index: 1, count: 1 }, id)).toEqual([
      'B.dma',
      'a.dma',
      'b.dma',
    ]);
  });
});

describe('parseShard', () => {
  it('explains what is wrong', () => {
    expect(parseShard('2/4')).toEqual({ ok: true, value: { index: 2, count: 4 } });
    expect(parseShard('5/4')).toEqual({
      ok: false,
      message: '--shard index must be between 1 and 4 (got 5)',
    });
    expect(parseShard('x')).toEqual({
      ok: false,
      message: "--shard expects i/n, such as 1/4 (got 'x')",
    });
  });
});
