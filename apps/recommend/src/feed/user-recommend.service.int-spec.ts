import { CounterKeys, createRedisClient, StateKeys } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { newFeedService, RECOMMEND_TEST_CONFIG } from '../../test/feed-service.fixture';
import { RecoKeys } from '../candidates/reco-keys';
import { packPrints } from './exposure-prints';
import { readerOf } from './reader.util';
import type { UserRecommendService } from './user-recommend.service';

const NOW = Date.now();
const HOUR = 3_600_000;
const CHANNEL = 4;
const USER = '1294287382374383616';
const POOL = Array.from({ length: 30 }, (_, n) => ({
  id: String(1_500_000_000_000_000_000n + BigInt(n)),
  createdMs: NOW - n * HOUR,
}));
const POPULAR = POOL[12].id;

describe('UserRecommendService over the snapshot (real Redis)', () => {
  let redis: TestRedis;
  let state: Redis;
  let service: UserRecommendService;
  let stamp = NOW;

  const batch = async (userId: string, articleNum = 5) =>
    (
      await service.recommend({
        userId,
        channelId: CHANNEL,
        articleNum,
        timeStamp: (stamp += 60_000),
      })
    ).recommends.map((item) => item.articleId);

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    const feed = newFeedService(state);
    // A rebuild lists the channel; its approvals then join its pool.
    await feed.index.replaceChannel(CHANNEL, []);
    for (const entry of POOL) await feed.index.add({ ...entry, channelId: CHANNEL, tokens: [] });
    await state.zadd(CounterKeys.articleLikes, 5000, POPULAR);
    await feed.snapshot.reload();
    service = feed.service;
  });

  afterAll(async () => {
    await state.quit();
    await redis.cleanup();
  });

  it('ranks once for every anonymous device and still keeps exposures per device', async () => {
    const first = await batch('Anony device-a');
    expect(first[0]).toBe(POPULAR);
    expect(await batch('Anony device-b')).toEqual(first);

    const next = await batch('Anony device-a');
    expect(next).toHaveLength(5);
    expect(next.filter((id) => first.includes(id))).toEqual([]);
    expect(await batch('Anony device-c')).toEqual(first);
    const secondOfB = await batch('Anony device-b');
    expect(secondOfB.filter((id) => first.includes(id))).toEqual([]);
  });

  it("draws a fresh batch for each newer stamp of a reader whose clock is behind the service's, and replays by those stamps", async () => {
    const behind = NOW - 10 * HOUR;
    const draw = (timeStamp: number) =>
      service.recommend({
        userId: 'Anony slow-clock',
        channelId: CHANNEL,
        articleNum: 5,
        timeStamp,
      });
    const first = await draw(behind);
    const second = await draw(behind + 1_000);
    const third = await draw(behind + 2_000);
    const ids = (result: typeof first) => result.recommends.map((item) => item.articleId);
    expect([first, second, third].map((result) => ids(result).length)).toEqual([5, 5, 5]);
    expect(new Set([...ids(first), ...ids(second), ...ids(third)]).size).toBe(15);
    expect([second.timeStamp, third.timeStamp]).toEqual([behind, behind + 1_000]);
    // Its cursors lead back through the batches it was given.
    const replay = await draw(third.timeStamp);
    expect({ ids: ids(replay), cursor: replay.timeStamp, exposure: replay.exposure }).toEqual({
      ids: ids(second),
      cursor: behind,
      exposure: '',
    });
  });

  it("stores a stamp far ahead of its clock as its clock (and a few seconds), so a reader's clock set right again draws fresh batches", async () => {
    const draw = (timeStamp: number) =>
      service.recommend({
        userId: 'Anony fast-clock',
        channelId: CHANNEL,
        articleNum: 5,
        timeStamp,
      });
    const ids = (result: { recommends: Array<{ articleId: string }> }) =>
      result.recommends.map((item) => item.articleId);
    const ahead = await draw(Date.now() + 24 * HOUR);
    expect(ids(ahead)).toHaveLength(5);

    // Ten seconds on: past the few a stamp may run ahead of the service's clock.
    const setRight = await draw(Date.now() + 10_000);
    expect(ids(setRight)).toHaveLength(5);
    expect(setRight.exposure).not.toBe('');
    expect(ids(setRight).filter((id) => ids(ahead).includes(id))).toEqual([]);
    // The cursor is the stamp the first batch was stored under, and replays it.
    expect(setRight.timeStamp).toBeLessThan(Date.now() + 10_000);
    expect(ids(await draw(setRight.timeStamp))).toEqual(ids(ahead));
  });

  it('replays the batch of a stamp ahead of its clock to that request sent again, also after a later one drew', async () => {
    const draw = (timeStamp: number) =>
      service.recommend({
        userId: 'Anony retried-fast-clock',
        channelId: CHANNEL,
        articleNum: 2,
        timeStamp,
      });
    const asked = Date.now() + HOUR;
    const first = await draw(asked);
    const later = await draw(asked + 1_000);
    expect(later.exposure).not.toBe('');

    const again = await draw(asked);
    expect(again.exposure).toBe('');
    expect(again.recommends).toEqual(first.recommends);
  });

  it('reads the reader in one round trip and writes the batch in one script call', async () => {
    await state.zadd(StateKeys.readingHistory(USER), 1, POOL[0].id);
    // A first draw loads the write's script, so the measured ones send EVALSHA alone.
    await batch('Anony device-warm');
    const sent = jest.spyOn(state, 'sendCommand');
    const written = jest.spyOn(state.stream, 'write');
    try {
      await batch('Anony device-d');
      expect(sent.mock.calls.map(([command]) => command.name)).toEqual([
        'zrevrange',
        'zrevrangebyscore',
        'hget',
        'get',
        'smembers',
        'zrange',
        'evalsha',
      ]);
      expect(written).toHaveBeenCalledTimes(2);

      sent.mockClear();
      written.mockClear();
      expect(await batch(USER, 3)).toHaveLength(3);
      expect(sent.mock.calls.map(([command]) => command.name)).toEqual([
        'zrevrange',
        'zrevrangebyscore',
        'hget',
        'get',
        'smembers',
        'zrange',
        'zrevrange',
        'evalsha',
      ]);
      expect(written).toHaveBeenCalledTimes(2);
    } finally {
      sent.mockRestore();
      written.mockRestore();
    }
  });

  it('keeps exposures as four-byte prints under the TTL, still honours the sets and sorted sets of older exposures, and empties all on a restart', async () => {
    const device = 'Anony seen-device';
    const reader = readerOf(device);
    if (reader.kind !== 'anonymous') throw new Error('an anonymous reader was expected');
    const shownKey = RecoKeys.shown(reader.key, CHANNEL);
    const seenKey = RecoKeys.seen(reader.key, CHANNEL);
    const olderKey = RecoKeys.exposedBefore(reader.key, CHANNEL);
    // Shown before exposures were kept as prints: the 10 best of the pool, as any new device gets
    // them, half in a set and half in the sorted set that came before it.
    const shownBefore = await batch('Anony seen-probe', 10);
    await state.sadd(seenKey, ...shownBefore.slice(0, 5));
    await state.zadd(olderKey, ...shownBefore.slice(5).flatMap((id) => [NOW, id]));

    const first = await batch(device, 10);
    expect(first).toHaveLength(10);
    expect(first.filter((id) => shownBefore.includes(id))).toEqual([]);
    expect(await state.getBuffer(shownKey)).toEqual(packPrints(first));
    expect(await state.ttl(shownKey)).toBeGreaterThan(0);

    // The last 10 of the pool (30), then it has run out: the exposures start over, as prints only.
    const second = await batch(device, 10);
    expect(await state.strlen(shownKey)).toBe(4 * 20);
    expect(second.filter((id) => [...shownBefore, ...first].includes(id))).toEqual([]);
    const third = await batch(device, 10);
    expect(await state.exists(seenKey, olderKey)).toBe(0);
    expect(await state.getBuffer(shownKey)).toEqual(packPrints(third));
  });
});

describe("A signed-in reader's all-channels feed when the channels they read leave the snapshot (real Redis)", () => {
  /** Small pools: channel 0 holds the newest 10 of all channels and the newest 2 of each. */
  const config = { ...RECOMMEND_TEST_CONFIG, RECO_CANDIDATES_PER_CHANNEL: 10, RECO_RANK_WINDOW: 2 };
  const MINUTE = 60_000;
  const idOf = (channelId: number, index: number) =>
    String(1_600_000_000_000_000_000n + BigInt(channelId * 100 + index));
  const inChannel = (channelId: number, size: number, createdMs: (index: number) => number) =>
    Array.from({ length: size }, (_, index) => ({
      id: idOf(channelId, index),
      createdMs: createdMs(index),
      channelId,
    }));
  // A busy channel with the newest articles, three quiet ones two hours older (their articles one
  // minute apart in turn), and one more with two articles older still.
  const BUSY = inChannel(1, 10, (index) => NOW - index * MINUTE);
  const QUIET = [5, 6, 7].map((channelId) =>
    inChannel(channelId, 10, (index) => NOW - 2 * HOUR - (index * 3 + channelId - 5) * MINUTE),
  );
  const OLDER = inChannel(2, 2, (index) => NOW - 5 * HOUR - index * MINUTE);
  // What a rebuild puts in channel 0's pool.
  const ALL = [...BUSY, ...OLDER, ...QUIET.flatMap((entries) => entries.slice(0, 2))];
  const READ = QUIET.map((entries) => entries[9].id);

  let redis: TestRedis;
  let state: Redis;
  let feed: ReturnType<typeof newFeedService>;
  let stamp = NOW;

  const draw = async () =>
    (
      await feed.service.recommend({
        userId: USER,
        channelId: 0,
        articleNum: 2,
        timeStamp: (stamp += MINUTE),
      })
    ).recommends.map((item) => item.articleId);

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    feed = newFeedService(state, config);
    for (const channelId of [1, 2, 5, 6, 7]) await feed.index.replaceChannel(channelId, []);
    for (const entry of [...BUSY, ...OLDER, ...QUIET.flat()])
      await feed.index.add({ ...entry, tokens: [] });
    await feed.index.replaceChannel(0, ALL);
    await state.zadd(
      StateKeys.readingHistory(USER),
      ...READ.flatMap((id, index) => [index + 1, id]),
    );
    await feed.snapshot.reload();
  });

  afterAll(async () => {
    await state.quit();
    await redis.cleanup();
  });

  it("shows none of channel 0's articles again before its pool is exhausted, though the reader's exposures outgrew twice that pool", async () => {
    const shown: string[] = [];
    // Their channels' articles come first, newest first: all but the two oldest.
    for (let batch = 0; batch < 14; batch += 1) shown.push(...(await draw()));
    const quiet = QUIET.flat().map((entry) => entry.id);
    expect(new Set(shown).size).toBe(28);
    expect(shown.filter((id) => !quiet.includes(id))).toEqual([]);

    // The articles they read leave the pools: channel 0 alone is drawn from now.
    for (const id of READ) await feed.index.remove(id);
    await feed.snapshot.reload();
    expect(
      feed.snapshot
        .pool(0)
        .map((entry) => entry.id)
        .sort(),
    ).toEqual(ALL.map((entry) => entry.id).sort());

    let again: string[] = [];
    for (let batch = 0; batch < 20 && again.length === 0; batch += 1) {
      const ids = await draw();
      again = ids.filter((id) => shown.includes(id));
      if (again.length === 0) shown.push(...ids);
    }
    expect(again).not.toEqual([]);
    expect(ALL.map((entry) => entry.id).filter((id) => !shown.includes(id))).toEqual([]);
  });
});
