import { CounterKeys, createRedisClient } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { exposurePrint } from '../feed/exposure-prints';
import { PopularityReader } from '../feed/popularity.reader';
import { ALL_CHANNELS, CandidateIndex } from './candidate-index';
import { CandidateSnapshot } from './candidate-snapshot';

const CONFIG = {
  RECO_SNAPSHOT_INTERVAL_MS: 10_000,
  RECO_CANDIDATES_PER_CHANNEL: 100,
  RECO_RANK_WINDOW: 200,
};

describe('CandidateSnapshot (real Redis)', () => {
  let redis: TestRedis;
  /** Two replicas, each with its own connection and snapshot. */
  let states: Redis[];
  let index: CandidateIndex;
  let snapshot: CandidateSnapshot;
  let replica: CandidateSnapshot;

  const newSnapshot = (state: Redis) =>
    new CandidateSnapshot(CONFIG, new CandidateIndex(state), new PopularityReader(state));
  const ids = (target: CandidateSnapshot, channelId: number) =>
    target.pool(channelId).map((entry) => entry.id);

  beforeAll(() => {
    redis = createTestRedis();
    states = [0, 1].map(() => createRedisClient(redis.stateUrl, redis.prefix));
    index = new CandidateIndex(states[0]);
    snapshot = newSnapshot(states[0]);
    replica = newSnapshot(states[1]);
  });

  afterAll(async () => {
    await Promise.all(states.map((state) => state.quit()));
    await redis.cleanup();
  });

  it('is not ready while no pool was ever built', async () => {
    expect(await snapshot.ready()).toBe(false);
    expect(snapshot.pool(ALL_CHANNELS)).toEqual([]);
  });

  it('loads every pool newest first with channels, title tokens and popularity', async () => {
    await index.putChannels([
      { id: '11', channelId: 3 },
      { id: '12', channelId: 3 },
      { id: '21', channelId: 5 },
    ]);
    await index.putTokens([
      { id: '11', tokens: ['python', '并发'] },
      { id: '12', tokens: [] },
      { id: '21', tokens: ['go'] },
    ]);
    await index.replaceChannel(3, [
      { id: '11', createdMs: 1000 },
      { id: '12', createdMs: 3000 },
    ]);
    await index.replaceChannel(5, [{ id: '21', createdMs: 2000 }]);
    await index.replaceChannel(ALL_CHANNELS, [
      { id: '11', createdMs: 1000 },
      { id: '12', createdMs: 3000 },
      { id: '21', createdMs: 2000 },
    ]);
    await states[0]
      .multi()
      .zadd(CounterKeys.articleLikes, 7, '11')
      .zadd(CounterKeys.articleComments, 2, '11')
      .zadd(CounterKeys.articleCollections, 1, '11')
      .zadd(CounterKeys.articleReads, 40, '11')
      .exec();
    await index.bumpVersion();
    const before = snapshot.generation;

    await snapshot.reload();

    expect(snapshot.generation).not.toBe(before);
    expect(await snapshot.ready()).toBe(true);
    expect(snapshot.pool(3)).toEqual([
      {
        id: '12',
        print: exposurePrint('12'),
        createdMs: 3000,
        channelId: 3,
        tokens: [],
        popularity: { likes: 0, comments: 0, collections: 0, reads: 0 },
      },
      {
        id: '11',
        print: exposurePrint('11'),
        createdMs: 1000,
        channelId: 3,
        tokens: ['python', '并发'],
        popularity: { likes: 7, comments: 2, collections: 1, reads: 40 },
      },
    ]);
    expect(ids(snapshot, ALL_CHANNELS)).toEqual(['12', '21', '11']);
    expect(snapshot.article('21')).toMatchObject({ channelId: 5, tokens: ['go'] });
    expect(snapshot.article('404')).toBeUndefined();
  });

  it('follows another replica through the version key, and popularity every interval', async () => {
    await replica.sync();
    expect(ids(replica, 3)).toEqual(['12', '11']);

    // Written without bumping the version: pools stay, popularity follows.
    await index.replaceChannel(5, [{ id: '22', createdMs: 2500 }]);
    await states[0].zadd(CounterKeys.articleLikes, 99, '21');
    const [generation, poolsGeneration] = [replica.generation, replica.poolsGeneration];
    await replica.sync();
    expect(ids(replica, 5)).toEqual(['21']);
    expect(replica.article('21')?.popularity.likes).toBe(99);
    expect(replica.generation).not.toBe(generation);
    expect(replica.poolsGeneration).toBe(poolsGeneration);

    await index.bumpVersion();
    await replica.sync();
    expect(ids(replica, 5)).toEqual(['22']);
    expect(replica.poolsGeneration).not.toBe(poolsGeneration);
  });

  it('applies add and remove to its own copy at once, and the other replica on its next sync', async () => {
    await snapshot.add({ id: '13', channelId: 3, createdMs: 2000, tokens: ['rust'] });
    expect(ids(snapshot, 3)).toEqual(['12', '13', '11']);
    expect(ids(snapshot, 3)).toEqual((await index.pool(3, 10)).map((entry) => entry.id));
    expect(ids(snapshot, ALL_CHANNELS)).toEqual(
      (await index.pool(ALL_CHANNELS, 10)).map((entry) => entry.id),
    );
    expect(snapshot.article('13')).toMatchObject({ channelId: 3, tokens: ['rust'] });

    await snapshot.remove('11');
    expect(ids(snapshot, 3)).toEqual(['12', '13']);
    expect(ids(snapshot, ALL_CHANNELS)).not.toContain('11');
    expect(snapshot.article('11')).toBeUndefined();

    expect(ids(replica, 3)).toEqual(['12', '11']);
    await replica.sync();
    expect(ids(replica, 3)).toEqual(['12', '13']);
    expect(replica.article('13')?.tokens).toEqual(['rust']);
    expect(replica.article('11')).toBeUndefined();
  });

  it('does not let a load that read Redis before its own add or remove replace them', async () => {
    const popularity = new PopularityReader(states[0]);
    const loading = new CandidateSnapshot(CONFIG, new CandidateIndex(states[0]), popularity);
    await loading.reload();
    expect(ids(loading, 3)).toEqual(['12', '13']);

    const read = popularity.read.bind(popularity);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let pooled: () => void = () => undefined;
    const poolsRead = new Promise<void>((resolve) => (pooled = resolve));
    const spy = jest.spyOn(popularity, 'read').mockImplementation(async (articleIds) => {
      pooled();
      await gate;
      return read(articleIds);
    });
    try {
      const reloading = loading.reload();
      await poolsRead;
      await loading.remove('12');
      await loading.add({ id: '14', channelId: 3, createdMs: 2500, tokens: [] });
      release();
      await reloading;
    } finally {
      release();
      spy.mockRestore();
    }
    expect(ids(loading, 3)).toEqual(['14', '13']);
    expect(loading.article('12')).toBeUndefined();

    // The next sync loads what the changes left in Redis.
    await loading.sync();
    expect(ids(loading, 3)).toEqual(['14', '13']);
  });
});

describe('CandidateSnapshot during the first rebuild (real Redis)', () => {
  let redis: TestRedis;
  let state: Redis;

  beforeAll(() => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
  });

  afterAll(async () => {
    await state.quit();
    await redis.cleanup();
  });

  it('is not ready on the pools a rebuild wrote so far, only once it told the replicas (the version)', async () => {
    const index = new CandidateIndex(state);
    const snapshot = new CandidateSnapshot(CONFIG, index, new PopularityReader(state));
    // The rebuild swaps the pools in one channel at a time: channel 3's is not written yet, and
    // an empty answer from it (no related articles, no feed) would be taken for the real one.
    await index.putChannels([{ id: '11', channelId: 3 }]);
    await index.replaceChannel(ALL_CHANNELS, [{ id: '11', createdMs: 1000 }]);
    expect(await snapshot.ready()).toBe(false);

    await index.replaceChannel(3, [{ id: '11', createdMs: 1000 }]);
    await index.bumpVersion();
    expect(await snapshot.ready()).toBe(true);
    expect(snapshot.pool(3).map((entry) => entry.id)).toEqual(['11']);
  });
});
