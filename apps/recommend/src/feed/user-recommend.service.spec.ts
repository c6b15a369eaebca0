import type { CandidateSnapshot, SnapshotEntry } from '../candidates/candidate-snapshot';
import { encodeBatch, type StoredBatch } from './batch-plan.util';
import { exposurePrint, packPrints, ShownArticles } from './exposure-prints';
import type { BatchDraw, FeedHistoryStore } from './feed-history.store';
import type { PoolEntry, Popularity } from './ranking.util';
import { SharedRankingCache } from './shared-ranking.cache';
import { AlgorithmCombine, algorithmFor } from '@app/contracts';
import {
  CandidatesNotReadyError,
  EMPTY_FEED,
  UserRecommendService,
} from './user-recommend.service';

const NOW = 1_770_000_000_000;
const HOUR = 3_600_000;
const USER = '1294287382374383616';
const zero: Popularity = { likes: 0, comments: 0, collections: 0, reads: 0 };

/** In-memory stand-ins for the snapshot and the Redis-backed history. */
function newTestService(
  pool: PoolEntry[],
  channels: Record<string, number> = {},
  readIds: string[] = [],
  window = 100,
  channelPools: Record<number, PoolEntry[]> = {},
) {
  const batches = new Map<string, StoredBatch[]>();
  const exposed = new Map<string, Set<string>>();
  const popularity = new Map<string, Popularity>();
  const key = (reader: string, channelId: number) => `${reader}/${channelId}`;
  const draws: Array<{ channelId: number; poolSize: number }> = [];
  const entry = (poolEntry: PoolEntry): SnapshotEntry => ({
    ...poolEntry,
    print: exposurePrint(poolEntry.id),
    channelId: channels[poolEntry.id],
    tokens: [],
    popularity: popularity.get(poolEntry.id) ?? zero,
  });
  const snapshot = {
    generation: 1,
    ready: () => Promise.resolve(pool.length > 0),
    pool: (channelId: number) => (channelPools[channelId] ?? pool).map(entry),
    article: (id: string) => {
      const found = [pool, ...Object.values(channelPools)]
        .flat()
        .find((poolEntry) => poolEntry.id === id);
      return found && entry(found);
    },
  } as unknown as CandidateSnapshot;
  const store = {
    read: (reader: string, channelId: number, _stamp: number, userId?: string) =>
      Promise.resolve({
        batches: [...(batches.get(key(reader, channelId)) ?? [])],
        exposed: new ShownArticles(
          packPrints([...(exposed.get(key(reader, channelId)) ?? [])]),
          [],
        ),
        read: userId === undefined ? [] : readIds,
        newest: '',
      }),
    record: (
      reader: string,
      channelId: number,
      batch: StoredBatch,
      { restart, poolSize }: BatchDraw,
    ) => {
      draws.push({ channelId, poolSize });
      batches.set(key(reader, channelId), [batch, ...(batches.get(key(reader, channelId)) ?? [])]);
      const seen = restart
        ? new Set<string>()
        : (exposed.get(key(reader, channelId)) ?? new Set<string>());
      batch.ids.forEach((id) => seen.add(id));
      exposed.set(key(reader, channelId), seen);
      return Promise.resolve(true);
    },
  } as unknown as FeedHistoryStore;
  let now = NOW;
  const clock = () => (now += 1000);
  const config = {
    RECO_HALF_LIFE_HOURS: 24,
    RECO_ALGO1_WEIGHTS: { recency: 1, popularity: 0.25, interest: 0.5 },
    RECO_ALGO2_WEIGHTS: { recency: 1, popularity: 0.25, interest: 0.5 },
    RECO_RANK_WINDOW: window,
    RECO_CANDIDATES_PER_CHANNEL: 50,
  };
  const service = new UserRecommendService(
    config,
    snapshot,
    new SharedRankingCache(config, snapshot, clock),
    store,
    clock,
  );
  return { service, popularity, batches, draws };
}

const pool = (size: number): PoolEntry[] =>
  Array.from({ length: size }, (_, index) => ({
    id: String(1000 + size - index),
    createdMs: NOW - index * HOUR,
  }));

describe('UserRecommendService', () => {
  it('answers an empty result to an empty user_id', async () => {
    const { service } = newTestService(pool(5));
    expect(
      await service.recommend({ userId: '', channelId: 1, articleNum: 10, timeStamp: NOW }),
    ).toEqual(EMPTY_FEED);
  });

  it('fails (so the gateway falls back) while the pools were never built', async () => {
    const { service } = newTestService([]);
    await expect(
      service.recommend({ userId: USER, channelId: 1, articleNum: 10, timeStamp: NOW }),
    ).rejects.toBeInstanceOf(CandidatesNotReadyError);
  });

  it('serves fresh batches without repeats, then replays them by stamp', async () => {
    const { service, batches } = newTestService(pool(25));
    const first = await service.recommend({
      userId: USER,
      channelId: 1,
      articleNum: 10,
      timeStamp: NOW,
    });
    expect(first.timeStamp).toBe(0);
    const firstIds = first.recommends.map((item) => item.articleId);
    expect(new Set(firstIds).size).toBe(10);
    expect(JSON.parse(first.exposure)).toEqual({
      action: 'exposure',
      userId: USER,
      articleId: `[${firstIds.join(',')}]`,
      algorithmCombine: algorithmFor(USER),
    });

    const second = await service.recommend({
      userId: USER,
      channelId: 1,
      articleNum: 10,
      timeStamp: NOW + 60_000,
    });
    const [stored] = batches.get(`${USER}/1`) ?? [];
    const firstStamp = (batches.get(`${USER}/1`) ?? [])[1].stamp;
    expect(second.timeStamp).toBe(firstStamp);
    expect(
      second.recommends.map((item) => item.articleId).filter((id) => firstIds.includes(id)),
    ).toEqual([]);

    const replay = await service.recommend({
      userId: USER,
      channelId: 1,
      articleNum: 10,
      timeStamp: second.timeStamp,
    });
    expect(replay.exposure).toBe('');
    expect(replay.recommends.map((item) => item.articleId)).toEqual(firstIds);
    expect(replay.timeStamp).toBe(0);
    expect(encodeBatch(stored)).toContain(second.recommends[0].articleId);
  });

  it('ranks only the newest window of unseen candidates, moving on as exposures grow', async () => {
    const { service, popularity } = newTestService(pool(25), {}, [], 10);
    // the 21st newest: outside the first two windows of 10
    popularity.set('1005', { ...zero, likes: 5000 });
    const seen: string[] = [];
    for (let n = 1; n <= 3; n += 1) {
      const batch = await service.recommend({
        userId: USER,
        channelId: 1,
        articleNum: 10,
        timeStamp: NOW * n,
      });
      seen.push(...batch.recommends.map((item) => item.articleId));
    }
    expect(new Set(seen.slice(0, 20)).size).toBe(20);
    expect(seen.slice(0, 20)).not.toContain('1005');
    expect(seen[20]).toBe('1005');
  });

  it('draws batches larger than the rank window without repeats until the pool is exhausted', async () => {
    const { service } = newTestService(pool(45), {}, [], 10);
    const seen: string[] = [];
    for (let n = 1; n <= 2; n += 1) {
      const batch = await service.recommend({
        userId: USER,
        channelId: 1,
        articleNum: 20,
        timeStamp: NOW * n,
      });
      seen.push(...batch.recommends.map((item) => item.articleId));
    }
    expect(seen).toHaveLength(40);
    expect(new Set(seen).size).toBe(40);
  });

  it('cycles the pool once it is exhausted', async () => {
    const { service } = newTestService(pool(12));
    const first = await service.recommend({
      userId: USER,
      channelId: 2,
      articleNum: 10,
      timeStamp: NOW,
    });
    const second = await service.recommend({
      userId: USER,
      channelId: 2,
      articleNum: 10,
      timeStamp: NOW * 2,
    });
    const secondIds = second.recommends.map((item) => item.articleId);
    expect(secondIds).toHaveLength(10);
    expect(new Set(secondIds).size).toBe(10);
    expect(new Set([...first.recommends.map((item) => item.articleId), ...secondIds]).size).toBe(
      12,
    );
    // the two left over come first, then the pool starts again
    expect(
      secondIds.slice(0, 2).some((id) => first.recommends.some((item) => item.articleId === id)),
    ).toBe(false);
  });

  it('ranks popular articles up for everyone, including anonymous devices', async () => {
    const { service, popularity } = newTestService(pool(30));
    popularity.set('1001', { ...zero, likes: 5000 });
    const result = await service.recommend({
      userId: 'Anony device-9',
      channelId: 0,
      articleNum: 3,
      timeStamp: NOW,
    });
    expect(result.recommends[0].articleId).toBe('1001');
    expect(result.recommends).toHaveLength(3);
    expect(
      JSON.parse(result.recommends[0].params?.click ?? '') as Record<string, string>,
    ).toMatchObject({
      action: 'click',
      userId: 'Anony device-9',
      articleId: '1001',
    });
  });

  it('gives every anonymous device the same order, keeping exposures per device', async () => {
    const { service, popularity } = newTestService(pool(30));
    popularity.set('1010', { ...zero, reads: 900 });
    const batch = async (userId: string, timeStamp: number) =>
      (await service.recommend({ userId, channelId: 3, articleNum: 5, timeStamp })).recommends.map(
        (item) => item.articleId,
      );
    const first = await batch('Anony device-a', NOW);
    expect(first[0]).toBe('1010');
    expect(await batch('Anony device-b', NOW)).toEqual(first);
    const next = await batch('Anony device-a', NOW * 2);
    expect(next).toHaveLength(5);
    expect(next.filter((id) => first.includes(id))).toEqual([]);
    expect(await batch('Anony device-c', NOW)).toEqual(first);
  });

  it('boosts the channel a user reads in the all-channels feed', async () => {
    const entries = pool(4);
    const channels = {
      [entries[0].id]: 1,
      [entries[1].id]: 1,
      [entries[2].id]: 1,
      [entries[3].id]: 7,
    };
    const { service } = newTestService(entries, channels, [entries[3].id]);
    const result = await service.recommend({
      userId: USER,
      channelId: 0,
      articleNum: 1,
      timeStamp: NOW,
    });
    expect(result.recommends.map((item) => item.articleId)).toEqual([entries[3].id]);
  });

  it("keeps a signed-in reader's all-channels exposures for channel 0's pool and three full channel pools, whatever they read", async () => {
    const inChannel = (channelId: number, size: number): PoolEntry[] =>
      Array.from({ length: size }, (_, index) => ({
        id: String(channelId * 100 + index),
        createdMs: NOW - (channelId * 10 + index) * HOUR,
      }));
    const channelPools = {
      6: inChannel(6, 11),
      7: inChannel(7, 2),
      8: inChannel(8, 3),
      9: inChannel(9, 5),
    };
    const channels = Object.fromEntries(
      Object.entries(channelPools).flatMap(([channelId, entries]) =>
        entries.map((found) => [found.id, Number(channelId)]),
      ),
    );
    // Read most in 7, then 8 and 9, least in 6.
    const readIds = ['700', '701', '702', '800', '801', '900', '901', '600'];
    const { service, draws } = newTestService(pool(4), channels, readIds, 100, channelPools);
    await service.recommend({ userId: USER, channelId: 0, articleNum: 3, timeStamp: NOW });
    await service.recommend({ userId: USER, channelId: 7, articleNum: 1, timeStamp: NOW });
    await service.recommend({
      userId: 'Anony device-1',
      channelId: 0,
      articleNum: 1,
      timeStamp: NOW,
    });
    const unread = newTestService(pool(4), channels, [], 100, channelPools);
    await unread.service.recommend({ userId: USER, channelId: 0, articleNum: 1, timeStamp: NOW });
    // Three pools of RECO_CANDIDATES_PER_CHANNEL (50), with reading history or without.
    expect([...draws, ...unread.draws]).toEqual([
      { channelId: 0, poolSize: 4 + 3 * 50 },
      { channelId: 7, poolSize: 2 },
      { channelId: 0, poolSize: 4 },
      { channelId: 0, poolSize: 4 + 3 * 50 },
    ]);
  });

  it('names the algorithm combination of the reader in every string', async () => {
    const { service } = newTestService(pool(3));
    const result = await service.recommend({
      userId: USER,
      channelId: 1,
      articleNum: 3,
      timeStamp: NOW,
    });
    const read = JSON.parse(result.recommends[2].params?.read ?? '') as {
      algorithmCombine: string;
    };
    expect(Object.values(AlgorithmCombine)).toContain(read.algorithmCombine);
  });

  it('leaves the per-article strings out when asked, drawing and counting the same batch', async () => {
    const request = { channelId: 1, articleNum: 3, timeStamp: NOW };
    const withParams = await newTestService(pool(9)).service.recommend({
      ...request,
      userId: USER,
    });
    const without = await newTestService(pool(9)).service.recommend({
      ...request,
      userId: USER,
      withParams: false,
    });
    expect(without.recommends).toEqual(
      withParams.recommends.map(({ articleId }) => ({ articleId })),
    );
    expect(without.exposure).toBe(withParams.exposure);
    expect(without.exposure).not.toBe('');
    expect(without.timeStamp).toBe(withParams.timeStamp);
  });
});
