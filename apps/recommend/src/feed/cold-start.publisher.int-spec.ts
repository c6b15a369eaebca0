import { CacheKeys, CounterKeys, createRedisClient } from '@app/cache';
import { AlgorithmCombine, algorithmFor } from '@app/contracts';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { newFeedService, RECOMMEND_TEST_CONFIG } from '../../test/feed-service.fixture';
import type { CandidateSnapshot } from '../candidates/candidate-snapshot';
import { COLD_START_TTL_SECONDS, ColdStartPublisher } from './cold-start.publisher';
import type { UserRecommendService } from './user-recommend.service';

const NOW = Date.now();
const HOUR = 3_600_000;
const CHANNEL = 6;
const POOL = Array.from({ length: 25 }, (_, n) => ({
  id: String(1_600_000_000_000_000_000n + BigInt(n)),
  createdMs: NOW - n * HOUR,
}));

const CONFIG = { ...RECOMMEND_TEST_CONFIG, RECO_COLD_START_BATCHES: 2 };

/** A device id whose A/B bucket gives `algorithm` (deterministic search). */
function deviceOf(algorithm: AlgorithmCombine): string {
  for (let n = 1; ; n += 1) if (algorithmFor(`Anony d${n}`) === algorithm) return `Anony d${n}`;
}

describe('ColdStartPublisher (real Redis)', () => {
  let redis: TestRedis;
  let state: Redis;
  let cache: Redis;
  let snapshot: CandidateSnapshot;
  let service: UserRecommendService;
  let publisher: ColdStartPublisher;

  const published = async (channelId: number, algorithm: AlgorithmCombine) =>
    (await cache.lrange(CacheKeys.feedColdStart(channelId, algorithm), 0, -1)).map(
      (json) => (JSON.parse(json) as { ids: string[] }).ids,
    );

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    cache = createRedisClient(redis.cacheUrl, redis.prefix);
    const feed = newFeedService(state, CONFIG);
    // A rebuild lists the channel; its approvals then join its pool.
    await feed.index.replaceChannel(CHANNEL, []);
    for (const entry of POOL) await feed.index.add({ ...entry, channelId: CHANNEL, tokens: [] });
    await state.zadd(CounterKeys.articleLikes, 9000, POOL[20].id);
    await feed.snapshot.reload();
    ({ snapshot, service } = feed);
    publisher = new ColdStartPublisher(CONFIG, snapshot, service, cache);
  });

  afterAll(async () => {
    await Promise.all([state.quit(), cache.quit()]);
    await redis.cleanup();
  });

  it('publishes, per channel and algorithm, the batches a new anonymous reader would be drawn', async () => {
    expect(await publisher.publish()).toBe(true);
    for (const algorithm of Object.values(AlgorithmCombine)) {
      const batches = await published(CHANNEL, algorithm);
      expect(batches.map((ids) => ids.length)).toEqual([10, 10]);
      const drawn = await service.recommend({
        userId: deviceOf(algorithm),
        channelId: CHANNEL,
        articleNum: 20,
        timeStamp: NOW,
      });
      expect(batches.flat()).toEqual(drawn.recommends.map((item) => item.articleId));
      expect(await cache.get(CacheKeys.feedColdStartIds(CHANNEL, algorithm))).toBe(
        batches.flat().join(','),
      );
    }
    // Channel 0 (all channels) is a pool too.
    expect((await published(0, AlgorithmCombine.Algo1)).flat()).toHaveLength(20);
    const ttl = await cache.ttl(CacheKeys.feedColdStart(CHANNEL, AlgorithmCombine.Algo1));
    expect(ttl).toBeGreaterThan(COLD_START_TTL_SECONDS - 10);
    expect(
      await cache.ttl(CacheKeys.feedColdStartIds(CHANNEL, AlgorithmCombine.Algo1)),
    ).toBeGreaterThan(COLD_START_TTL_SECONDS - 10);
  });

  it('writes again only after the snapshot changed', async () => {
    expect(await publisher.publish()).toBe(false);
    await state.zadd(CounterKeys.articleLikes, 90_000, POOL[24].id);
    await snapshot.sync();
    expect(await publisher.publish()).toBe(true);
    expect((await published(CHANNEL, AlgorithmCombine.Algo2))[0][0]).toBe(POOL[24].id);
  });
});
