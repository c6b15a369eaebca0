import type { CounterEntries, CounterStore } from './counter-store';
import type { CounterKey } from './keys';

/** Where a counter's true counts come from: the owning service's tables. */
export interface CounterSource {
  key: CounterKey;
  counts(): AsyncIterable<CounterEntries>;
}

export interface RepairedCounter {
  key: CounterKey;
  /** Ids with a count above zero. */
  members: number;
}

/**
 * Replaces each counter, one after another, with what its source counts. An increment that lands
 * between a source's query and the swap is undone until the next repair, the same window the
 * original nightly job had; increments never stop for it.
 */
export async function repairCounters(
  store: Pick<CounterStore, 'replace'>,
  sources: readonly CounterSource[],
): Promise<RepairedCounter[]> {
  const repaired: RepairedCounter[] = [];
  for (const source of sources) {
    repaired.push({ key: source.key, members: await store.replace(source.key, source.counts()) });
  }
  return repaired;
}
