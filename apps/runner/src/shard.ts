/** `--shard i/n`: 1-based shard index and shard count. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export type ShardParse =
  { readonly ok: true; readonly value: Shard } | { readonly ok: false; readonly message: string };

const MAX_SHARDS = 10_000;

export function parseShard(text: string): ShardParse {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text);
  if (m === null) return { ok: false, message: `--shard expects i/n, such as 1/4 (got '${text}')` };
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > MAX_SHARDS)
    return {
      ok: false,
      message: `--shard count must be between 1 and ${MAX_SHARDS} (got ${count})`,
    };
  if (index < 1 || index > count)
    return { ok: false, message: `--shard index must be between 1 and ${count} (got ${index})` };
  return { ok: true, value: { index, count } };
}

/**
 * The slice of `items` that shard `index` of `count` runs: sort by `key` (code-unit
 * order, so every machine and locale agrees), then cut into `count` contiguous
 * slices whose sizes differ by at most one. Every item lands in exactly one shard.
 */
export function selectShard<T>(items: readonly T[], shard: Shard, key: (item: T) => string): T[] {
  const sorted = [...items].sort((a, b) => compareCodeUnits(key(a), key(b)));
  const start = Math.floor(((shard.index - 1) * sorted.length) / shard.count);
  const end = Math.floor((shard.index * sorted.length) / shard.count);
  return sorted.slice(start, end);
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
