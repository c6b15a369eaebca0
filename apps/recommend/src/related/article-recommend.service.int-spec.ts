import { createRedisClient } from '@app/cache';
import type { articleV1 } from '@app/contracts';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';
import { of } from 'rxjs';

import { CandidateIndex } from '../candidates/candidate-index';
import { CandidateSnapshot } from '../candidates/candidate-snapshot';
import { PopularityReader } from '../feed/popularity.reader';
import { CandidatesNotReadyError } from '../feed/user-recommend.service';
import { ArticleRecommendService } from './article-recommend.service';
import { TitleTokenizer } from './title-tokenizer';

const CONFIG = {
  RECO_RANK_WINDOW: 200,
  RECO_SNAPSHOT_INTERVAL_MS: 10_000,
  RECO_CANDIDATES_PER_CHANNEL: 2000,
};

describe('ArticleRecommendService over the snapshot (real Redis)', () => {
  let redis: TestRedis;
  let state: Redis;
  let index: CandidateIndex;
  let snapshot: CandidateSnapshot;
  let service: ArticleRecommendService;

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    index = new CandidateIndex(state);
    snapshot = new CandidateSnapshot(CONFIG, index, new PopularityReader(state));
    // Every article asked about here is known to the snapshot or to Redis: news is never asked
    // (the e2e relates articles that only news knows).
    const news = {
      getArticleCards: () => {
        throw new Error('news was asked');
      },
    } as unknown as articleV1.ArticleServiceClient;
    service = new ArticleRecommendService(CONFIG, snapshot, index, news, new TitleTokenizer());
    // A rebuild lists the channels; approvals then join their pools.
    await index.replaceChannel(2, []);
    await index.replaceChannel(3, []);
    await index.add({ id: '31', channelId: 2, createdMs: 100, tokens: ['python', '并发'] });
    await index.add({ id: '32', channelId: 2, createdMs: 300, tokens: ['天气'] });
    await index.add({ id: '33', channelId: 2, createdMs: 200, tokens: ['python'] });
    await index.add({ id: '41', channelId: 3, createdMs: 400, tokens: ['python'] });
    await snapshot.reload();
  });

  afterAll(async () => {
    await state.quit();
    await redis.cleanup();
  });

  it('answers from the snapshot without reading Redis again for a repeated question', async () => {
    const sent = jest.spyOn(state, 'sendCommand');
    try {
      expect(await service.similar('31', 10)).toEqual(['33', '32']);
      expect(await service.similar('31', 1)).toEqual(['33']);
      expect(await service.similar('31', 10)).toEqual(['33', '32']);
      expect(sent).not.toHaveBeenCalled();
    } finally {
      sent.mockRestore();
    }
  });

  it('drops its answers when the snapshot changes', async () => {
    await snapshot.add({ id: '34', channelId: 2, createdMs: 50, tokens: ['python', '并发'] });
    expect(await service.similar('31', 10)).toEqual(['34', '33', '32']);
  });

  it('asks Redis about an article the snapshot does not hold', async () => {
    // Known to the index (channel and words) but in no pool, like an article cut from the window.
    await index.putChannels([{ id: '35', channelId: 2 }]);
    await index.putTokens([{ id: '35', tokens: ['天气'] }]);
    expect(await service.similar('35', 2)).toEqual(['32', '33']);
  });
});

describe('ArticleRecommendService for an article outside the pools (real Redis)', () => {
  let redis: TestRedis;
  let state: Redis;
  let snapshot: CandidateSnapshot;
  let service: ArticleRecommendService;
  let newsCalls = 0;

  beforeAll(async () => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    const index = new CandidateIndex(state);
    snapshot = new CandidateSnapshot(CONFIG, index, new PopularityReader(state));
    const news = {
      getArticleCards: ({ articleIds }: articleV1.GetArticleCardsRequest) => {
        newsCalls += 1;
        return of({
          articles: articleIds.map((artId) => ({ artId, chId: 2, title: 'python 天气' })),
        });
      },
    } as unknown as articleV1.ArticleServiceClient;
    service = new ArticleRecommendService(CONFIG, snapshot, index, news, new TitleTokenizer());
    await index.replaceChannel(2, []);
    await index.add({ id: '31', channelId: 2, createdMs: 100, tokens: ['python'] });
    await index.add({ id: '32', channelId: 2, createdMs: 300, tokens: ['other'] });
    await snapshot.reload();
  });

  afterAll(async () => {
    await state.quit();
    await redis.cleanup();
  });

  it('reads it from news once, for requests at once, other counts and after the pools change', async () => {
    expect(await Promise.all([service.similar('90', 10), service.similar('90', 10)])).toEqual([
      ['31', '32'],
      ['31', '32'],
    ]);
    expect(await service.similar('90', 1)).toEqual(['31']);
    await snapshot.add({ id: '33', channelId: 2, createdMs: 200, tokens: ['python'] });
    expect(await service.similar('90', 10)).toEqual(['33', '31', '32']);
    expect(newsCalls).toBe(1);
  });
});

describe('ArticleRecommendService before any pool is built (real Redis)', () => {
  let redis: TestRedis;
  let state: Redis;
  let index: CandidateIndex;
  let service: ArticleRecommendService;

  beforeAll(() => {
    redis = createTestRedis();
    state = createRedisClient(redis.stateUrl, redis.prefix);
    index = new CandidateIndex(state);
    const snapshot = new CandidateSnapshot(CONFIG, index, new PopularityReader(state));
    const news = {
      getArticleCards: ({ articleIds }: articleV1.GetArticleCardsRequest) =>
        of({ articles: articleIds.map((artId) => ({ artId, chId: 2, title: 'python 天气' })) }),
    } as unknown as articleV1.ArticleServiceClient;
    service = new ArticleRecommendService(CONFIG, snapshot, index, news, new TitleTokenizer());
  });

  afterAll(async () => {
    await state.quit();
    await redis.cleanup();
  });

  it('answers UNAVAILABLE (not built), not "none", which callers would keep as the article\'s list', async () => {
    await expect(service.similar('31', 10)).rejects.toBeInstanceOf(CandidatesNotReadyError);
    await index.replaceChannel(2, []);
    await index.add({ id: '31', channelId: 2, createdMs: 100, tokens: ['python'] });
    await index.add({ id: '32', channelId: 2, createdMs: 300, tokens: ['python'] });
    expect(await service.similar('31', 10)).toEqual(['32']);
  });
});
