import { CounterKeys, createRedisClient, StateKeys } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { newFeedService } from '../../test/feed-service.fixture';
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

  it('reads the reader in one round trip and writes the batch in one transaction', async () => {
    await state.zadd(StateKeys.readingHistory(USER), 1, POOL[0].id);
    const sent = jest.spyOn(state, 'sendCommand');
    const written = jest.spyOn(state.stream, 'write');
    try {
      await batch('Anony device-d');
      expect(sent.mock.calls.map(([command]) => command.name)).toEqual([
        'zrevrange',
        'zrange',
        'multi',
        'zadd',
        'zremrangebyrank',
        'expire',
        'zadd',
        'expire',
        'exec',
      ]);
      expect(written).toHaveBeenCalledTimes(2);

      sent.mockClear();
      written.mockClear();
      expect(await batch(USER, 3)).toHaveLength(3);
      expect(sent.mock.calls.slice(0, 4).map(([command]) => command.name)).toEqual([
        'zrevrange',
        'zrange',
        'zrevrange',
        'multi',
      ]);
      expect(written).toHaveBeenCalledTimes(2);
    } finally {
      sent.mockRestore();
      written.mockRestore();
    }
  });
});
