import DataLoader from 'dataloader';

/**
 * Thrown by a `fetch` of gatheredMisses that answered some ids and failed others: each id in
 * `failed` fails with its error, the others are answered from `found` (null when left out).
 */
export class PartlyFetched<T> extends Error {
  constructor(
    readonly found: T[],
    readonly failed: ReadonlyMap<string, Error>,
  ) {
    super(`${failed.size} of the ids could not be fetched`);
  }
}

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
      let found: T[];
      let failed: ReadonlyMap<string, Error> | undefined;
      try {
        found = await fetch([...new Set(ids)]);
      } catch (error) {
        if (!(error instanceof PartlyFetched)) throw error;
        ({ found, failed } = error as PartlyFetched<T>);
      }
      const byId = new Map(found.map((value) => [idOf(value), value]));
      return ids.map((id) => failed?.get(id) ?? byId.get(id) ?? null);
    },
    { cache: false, maxBatchSize },
  );
}
