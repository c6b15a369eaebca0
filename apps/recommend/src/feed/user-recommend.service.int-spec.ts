import { CounterKeys, createRedisClient, StateKeys } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { CandidateIndex } from '../candidates/candidate-index';
import { CandidateSnapshot } from '../candidates/candidate-snapshot';
import { FeedHistoryStore } from './feed-history.store';
import { PopularityReader } from './popularity.reader';
import { SharedRankingCache } from './shared-ranking.cache';
import { UserRecommendService } from './user-recommend.service';

const NOW = Date.now();
const HOUR = 3_600_000;
const CHANNEL = 4;
const USER = '1294287382374383616';
const POOL = Array.from({ length: 30 }, (_, n) => ({
  id: String(1_500_000_000_000_000_000n + BigInt(n)),
  createdMs: NOW - n * HOUR,
}));
const POPULAR = POOL[12].id;

const CONFIG = {
  RECO_HALF_LIFE_HOURS: 24,
  RECO_ALGO1_WEIGHTS: { recency: 1, popularity: 0.25, interest: 0.5 },
  RECO_ALGO2_WEIGHTS: { recency: 0.5, popularity: 0.5, interest: 0.5 },
  RECO_RANK_WINDOW: 200,
  RECO_SNAPSHOT_INTERVAL_MS: 10_000,
  RECO_CANDIDATES_PER_CHANNEL: 2000,
  RECO_BATCH_HISTORY_SIZE: 50,
  RECO_HISTORY_TTL_SECONDS: 3600,
};

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
    const index = new CandidateIndex(state);
    const snapshot = new CandidateSnapshot(CONFIG, index, new PopularityReader(state));
    for (const entry of POOL) await index.add({ ...entry, channelId: CHANNEL, tokens: [] });
    await state.zadd(CounterKeys.articleLikes, 5000, POPULAR);
    await snapshot.reload();
    const clock = () => Date.now();
    service = new UserRecommendService(
      CONFIG,
      snapshot,
      new SharedRankingCache(CONFIG, snapshot, clock),
      new FeedHistoryStore(state, CONFIG),
      clock,
    );
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
