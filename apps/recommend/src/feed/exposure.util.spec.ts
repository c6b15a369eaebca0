import { exposurePrint, packPrints, type PrintedEntry, ShownArticles } from './exposure-prints';
import { drawBatch } from './exposure.util';
import type { PoolEntry } from './ranking.util';

type Entry = PoolEntry & PrintedEntry;

const pool: Entry[] = Array.from({ length: 5 }, (_, index) => ({
  id: String(index + 1),
  print: exposurePrint(String(index + 1)),
  createdMs: 100 - index,
}));
/** Ranks by pool order (newest first). */
const byOrder = (entries: Entry[], count: number) =>
  entries.slice(0, count).map((entry) => entry.id);
const shown = (ids: readonly string[]) => new ShownArticles(packPrints(ids), []);

describe('drawBatch', () => {
  it('draws only articles not shown yet', () => {
    expect(drawBatch(pool, shown(['1', '2']), 2, 100, byOrder)).toEqual({
      ids: ['3', '4'],
      restarted: false,
    });
  });

  it('restarts when the pool runs out, filling without repeating within the batch', () => {
    expect(drawBatch(pool, shown(['1', '2', '3', '4']), 3, 100, byOrder)).toEqual({
      ids: ['5', '1', '2'],
      restarted: true,
    });
  });

  it('restarts from the whole pool when everything was shown', () => {
    expect(drawBatch(pool, shown(pool.map((entry) => entry.id)), 2, 100, byOrder)).toEqual({
      ids: ['1', '2'],
      restarted: true,
    });
  });

  it('answers a small pool whole without restarting', () => {
    expect(drawBatch(pool, shown([]), 10, 100, byOrder)).toEqual({
      ids: ['1', '2', '3', '4', '5'],
      restarted: false,
    });
    expect(drawBatch([], shown([]), 10, 100, byOrder)).toEqual({ ids: [], restarted: false });
  });

  it('ranks only the newest window of unseen articles', () => {
    const seen: Entry[][] = [];
    const spy = (entries: Entry[], count: number) => {
      seen.push(entries);
      return byOrder(entries, count);
    };
    drawBatch(pool, shown(['1']), 1, 2, spy);
    expect(seen).toEqual([[pool[1], pool[2]]]);
  });
});
