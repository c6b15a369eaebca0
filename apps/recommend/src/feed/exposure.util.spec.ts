import { exposurePrint, packPrints, type PrintedEntry, ShownArticles } from './exposure-prints';
import { drawBatch, rankWindow } from './exposure.util';
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
const entry = (id: string, createdMs: number): Entry => ({
  id,
  print: exposurePrint(id),
  createdMs,
});
const idsOf = (entries: readonly Entry[]) => entries.map((found) => found.id);

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

  it('ranks at least as many unseen as asked for, so a window smaller than the batch does not start over', () => {
    const seen: Entry[][] = [];
    const spy = (entries: Entry[], count: number) => {
      seen.push(entries);
      return byOrder(entries, count);
    };
    expect(drawBatch(pool, shown(['1']), 3, 2, spy)).toEqual({
      ids: ['2', '3', '4'],
      restarted: false,
    });
    expect(seen).toEqual([[pool[1], pool[2], pool[3]]]);
  });

  it('also ranks the newest unseen of the other pools given, and draws from them without repeats', () => {
    // Articles of a quiet channel, older than the whole pool, as channel 0 would hold them beside it.
    const quiet = [entry('12', 50), entry('11', 40), entry('10', 30)];
    const olderFirst = (entries: Entry[], count: number) =>
      [...entries]
        .sort((a, b) => a.createdMs - b.createdMs)
        .slice(0, count)
        .map((found) => found.id);
    const first = drawBatch(pool, shown([]), 2, 2, olderFirst, [quiet]);
    expect(first).toEqual({ ids: ['11', '12'], restarted: false });
    const next = drawBatch(pool, shown(first.ids), 2, 2, olderFirst, [quiet]);
    expect(next).toEqual({ ids: ['10', '2'], restarted: false });
  });

  it('restarts when the pool and the other pools given run out, however many of them are left', () => {
    const quiet = [entry('13', 60), entry('12', 50), entry('11', 40), entry('10', 30)];
    // One of the pool and four others unseen: as many as the pool holds, yet not all of it.
    expect(drawBatch(pool, shown(['1', '2', '3', '4']), 6, 5, byOrder, [quiet])).toEqual({
      ids: ['5', '13', '12', '11', '10', '1'],
      restarted: true,
    });
    // Everything unseen and fewer than asked for: all of it, with nothing to start over on.
    expect(drawBatch(pool, shown([]), 12, 5, byOrder, [quiet])).toEqual({
      ids: ['1', '2', '3', '4', '5', '13', '12', '11', '10'],
      restarted: false,
    });
  });

  it('draws the unseen of the other pools given, older ones too, once the pool was shown whole, and restarts when they run out', () => {
    const quiet = [entry('12', 50), entry('11', 40), entry('10', 30)];
    const everyOne = pool.map((found) => found.id);
    expect(drawBatch(pool, shown(everyOne), 2, 2, byOrder, [quiet])).toEqual({
      ids: ['12', '11'],
      restarted: false,
    });
    expect(drawBatch(pool, shown([...everyOne, '12', '11']), 2, 2, byOrder, [quiet])).toEqual({
      ids: ['10', '1'],
      restarted: true,
    });
  });
});

describe('rankWindow', () => {
  const other = [entry('7', 200), pool[0], entry('6', 99.5), pool[2]];
  const unseen = (seen: readonly string[]) => (found: Entry) => !seen.includes(found.id);

  it('takes the newest that pass of each pool, in pool order, each once', () => {
    expect(idsOf(rankWindow([pool, other], 2, unseen(['1'])))).toEqual(['2', '3', '7', '6']);
    expect(idsOf(rankWindow([pool, other], 3, unseen([])))).toEqual(['1', '2', '3', '7', '6']);
  });

  it('is the newest of the pool alone when no other pool is given', () => {
    expect(idsOf(rankWindow([pool], 2, unseen(['2'])))).toEqual(['1', '3']);
    expect(rankWindow([[], []], 2, unseen([]))).toEqual([]);
  });

  it('walks no pool past its window', () => {
    const visited: string[] = [];
    rankWindow([pool, other], 1, (found) => {
      visited.push(found.id);
      return true;
    });
    expect(visited).toEqual(['1', '7']);
  });
});
