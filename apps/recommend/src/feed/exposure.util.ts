import type { Exposures, PrintedEntry } from './exposure-prints';
import type { PoolEntry } from './ranking.util';

/**
 * How a fresh batch is drawn from a pool without repeats: first from the articles the reader has
 * not been shown yet; when those run out, the exposures restart and the batch is filled from the
 * rest of the pool. `rankTop` orders a window of the pool and returns its best `count` ids; the
 * window also holds the newest of each pool in `alsoFrom` (other pools the reader draws from).
 * The window holds at least `count` of each pool: a smaller one would start the exposures over
 * on every draw while the pool still held unseen articles.
 */
export interface DrawResult {
  ids: string[];
  /** True when the pool ran out: the exposures restart with this batch alone. */
  restarted: boolean;
}

export function drawBatch<Entry extends PoolEntry & PrintedEntry>(
  pool: readonly Entry[],
  exposed: Exposures,
  count: number,
  window: number,
  rankTop: (entries: Entry[], count: number) => string[],
  alsoFrom: ReadonlyArray<readonly Entry[]> = [],
): DrawResult {
  const pools = [pool, ...alsoFrom];
  const scored = Math.max(window, count);
  const first = rankTop(
    rankWindow(pools, scored, (entry) => !exposed.has(entry)),
    count,
  );
  if (first.length >= count) return { ids: first, restarted: false };
  const taken = new Set(first);
  // Nothing left to start over on: every pool was drawn whole.
  if (pools.every((drawn) => holdsAll(taken, drawn))) return { ids: first, restarted: false };
  const fill = rankTop(
    rankWindow(pools, scored, (entry) => !taken.has(entry.id)),
    count - first.length,
  );
  return { ids: [...first, ...fill], restarted: true };
}

/** The first `limit` entries that pass of each pool, in pool order and each once. */
export function rankWindow<Entry extends PoolEntry>(
  pools: ReadonlyArray<readonly Entry[]>,
  limit: number,
  passes: (entry: Entry) => boolean,
): Entry[] {
  if (pools.length === 1) return newest(pools[0], limit, passes);
  const found = new Map<string, Entry>();
  for (const pool of pools)
    for (const entry of newest(pool, limit, passes)) found.set(entry.id, entry);
  return [...found.values()];
}

/** Whether `ids` hold every entry of the pool; walks only a pool no larger than they are. */
function holdsAll(ids: ReadonlySet<string>, pool: readonly PoolEntry[]): boolean {
  return pool.length <= ids.size && pool.every((entry) => ids.has(entry.id));
}

/** The first `limit` entries of the pool that pass, without walking the rest of it. */
function newest<Entry extends PoolEntry>(
  pool: readonly Entry[],
  limit: number,
  passes: (entry: Entry) => boolean,
): Entry[] {
  const found: Entry[] = [];
  for (const entry of pool) {
    if (found.length >= limit) break;
    if (passes(entry)) found.push(entry);
  }
  return found;
}
