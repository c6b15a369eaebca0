import DataLoader from 'dataloader';

/**
 * Gathers the cache misses of the requests served in one tick into one call of `fetch`, at most
 * `maxBatchSize` distinct ids at a time, and answers each id with its value or null when `fetch`
 * left it out. It keeps nothing: caching is the two-level cache's job.
 */
export function gatheredMisses<T>(
  fetch: (ids: string[]) => Promise<T[]>,
  idOf: (value: T) => string,
  maxBatchSize: number,
): DataLoader<string, T | null> {
  return new DataLoader(
    async (ids: readonly string[]) => {
      const byId = new Map((await fetch([...new Set(ids)])).map((value) => [idOf(value), value]));
      return ids.map((id) => byId.get(id) ?? null);
    },
    { cache: false, maxBatchSize },
  );
}
