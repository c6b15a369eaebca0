import { createRedisClient } from '@app/cache';
import { AlgorithmCombine } from '@app/contracts';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { RECOMMEND_TEST_CONFIG } from '../../test/feed-service.fixture';
import { CandidateIndex } from '../candidates/candidate-index';
import { CandidateSnapshot } from '../candidates/candidate-snapshot';
import { PopularityReader } from './popularity.reader';
import { SharedRankingCache } from './shared-ranking.cache';

const CHANNEL = 7;
const NOW = Date.now();
const POOL = ['1500000000000000001', '1500000000000000002'];

describe('SharedRankingCache over the snapshot (real Redis)', () => {
  let redis: TestRedis;
  let state: Redis;
  let cache: SharedRankingCache;

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    const index = new CandidateIndex(state);
    await index.replaceChannel(CHANNEL, []);
    for (const [n, id] of POOL.entries())
      await index.add({ id, createdMs: NOW - n * 60_000, channelId: CHANNEL, tokens: [] });
    const snapshot = new CandidateSnapshot(
      RECOMMEND_TEST_CONFIG,
      index,
      new PopularityReader(state),
    );
    await snapshot.reload();
    cache = new SharedRankingCache(RECOMMEND_TEST_CONFIG, snapshot, () => NOW);
  });

  afterAll(async () => {
    await state.quit();
    await redis.cleanup();
  });

  it('keeps the rankings of channels with a pool only, however many other channel ids are asked for', () => {
    const weights = RECOMMEND_TEST_CONFIG.RECO_ALGO1_WEIGHTS;
    expect(cache.order(CHANNEL, AlgorithmCombine.Algo1, weights).ids).toEqual(POOL);
    // A caller of the original contract may send any channel_id: each was kept until the pools or
    // their popularity changed, an entry per id.
    for (let channelId = 1_000; channelId < 11_000; channelId += 1)
      expect(cache.order(channelId, AlgorithmCombine.Algo1, weights).ids).toEqual([]);
    expect(cache.kept).toBe(1);
  });
});
