import type { PoolEntry } from './ranking.util';

/**
 * How a fresh batch is drawn from a pool without repeats: first from the articles the reader has
 * not been shown yet; when those run out, the exposures restart and the batch is filled from the
 * rest of the pool. `rankTop` orders a window of the pool and returns its best `count` ids.
 */
export interface DrawResult {
  ids: string[];
  /** True when the pool ran out: the exposures restart with this batch alone. */
  restarted: boolean;
}

export async function drawBatch(
  pool: readonly PoolEntry[],
  exposed: ReadonlySet<string>,
  count: number,
  window: number,
  rankTop: (entries: PoolEntry[], count: number) => Promise<string[]>,
): Promise<DrawResult> {
  const unseen = pool.filter((entry) => !exposed.has(entry.id));
  const first = await rankTop(unseen.slice(0, window), count);
  if (first.length >= count || first.length === pool.length)
    return { ids: first, restarted: false };
  const taken = new Set(first);
  const rest = pool.filter((entry) => !taken.has(entry.id));
  const fill = await rankTop(rest.slice(0, window), count - first.length);
  return { ids: [...first, ...fill], restarted: true };
}
