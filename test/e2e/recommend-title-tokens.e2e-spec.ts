import { createRedisClient } from '@app/cache';
import { loadConfig } from '@app/config';
import { type articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, grpcClientToken } from '@app/grpc';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  testEnv,
  type TestDatabase,
  type TestRedis,
  withTestConnection,
} from '@app/testing';
import type { INestApplicationContext, INestMicroservice } from '@nestjs/common';
import type Redis from 'ioredis';

import { newsEnvSchema } from '../../apps/news/src/config/news.config';
import { NEWS_SCHEMA } from '../../apps/news/src/database/news-schema';
import { startNewsService } from '../../apps/news/src/main';
import { CandidateRefresher } from '../../apps/recommend/src/candidates/candidate-refresher';
import { recommendEnvSchema } from '../../apps/recommend/src/config/recommend.config';
import { startRecommendService } from '../../apps/recommend/src/main';
import { ArticleRecommendService } from '../../apps/recommend/src/related/article-recommend.service';
import { TitleTokenizer } from '../../apps/recommend/src/related/title-tokenizer';
import { sqlTime } from './support/article-times';

const AUTHOR = '1100000000000000001';
const NOW = Date.now();
const INTRO = '1300000000000002001';
/** Saved before the edges refused control characters; repaired since by the news migration. */
const ADVANCED = '1300000000000002002';
const WEATHER = '1300000000000002003';
const STORED_TITLE = 'Py\u0000thon 并\u0007发编程进阶';
const REPAIRED_TITLE = 'Python 并发编程进阶';
/** What the release before cut from the stored title: control characters split its words. */
const TOKENS_CUT_BEFORE = 'py thon 编程 进阶';

describe('recommend title tokens of titles stored with control characters', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let state: Redis;
  let news: INestMicroservice | undefined;
  let recommend: INestApplicationContext | undefined;

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    redis = createTestRedis();
    const [newsPort, recommendPort] = [await freePort(), await freePort()];
    const env = testEnv(database.settings, redis, {
      NEWS_GRPC_PORT: newsPort,
      NEWS_GRPC_URL: `127.0.0.1:${newsPort}`,
      RECOMMEND_GRPC_PORT: recommendPort,
      // The test rebuilds by hand; the timer must not race it.
      RECO_REFRESH_INTERVAL_MS: 3_600_000,
    });
    await withTestConnection(database.settings, async (query) => {
      await query(
        `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (2, 'python', 1, 1, 1)`,
      );
      const rows: Array<[string, string, number]> = [
        [INTRO, 'Python 并发编程入门', 40],
        [ADVANCED, STORED_TITLE, 41],
        [WEATHER, '今日天气', 30],
      ];
      for (const [articleId, title, minutesAgo] of rows) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment, create_time, update_time)
           VALUES (?, ?, 2, ?, '{"type":0,"images":[]}', 2, 1, ?, ?)`,
          [
            articleId,
            AUTHOR,
            title,
            sqlTime(NOW - minutesAgo * 60_000),
            sqlTime(NOW - minutesAgo * 60_000),
          ],
        );
      }
    });
    state = createRedisClient(redis.stateUrl, redis.prefix);
    news = await startNewsService(loadConfig(newsEnvSchema, env));
    recommend = await startRecommendService(loadConfig(recommendEnvSchema, env));
  });

  afterAll(async () => {
    await recommend?.close();
    await news?.close();
    await state?.quit();
    await redis?.cleanup();
    await database?.drop();
  });

  it('cuts the title words of every pooled article again at the first rebuild after the release before, then reads no card again', async () => {
    const refresher = recommend!.get(CandidateRefresher);
    await refresher.refresh();
    // The pools as the release before left them: its tokens, cut from the stored title, and no
    // record of how they were cut. The migration has repaired the title in news since.
    await state.hset('reco:art:tokens', ADVANCED, TOKENS_CUT_BEFORE);
    await state.del('reco:art:tokens:cutting');
    await withTestConnection(database.settings, (query) =>
      query('UPDATE news_article_basic SET title = ? WHERE article_id = ?', [
        REPAIRED_TITLE,
        ADVANCED,
      ]),
    );

    await refresher.refresh();
    const repaired = new TitleTokenizer().tokens(REPAIRED_TITLE);
    expect(repaired).toEqual(expect.arrayContaining(['python', '并发']));
    expect(await state.hget('reco:art:tokens', ADVANCED)).toBe(repaired.join(' '));
    for (const tokens of Object.values(await state.hgetall('reco:art:tokens')))
      expect(tokens).not.toMatch(/\p{Cc}/u);
    expect(await recommend!.get(ArticleRecommendService).similar(INTRO, 1)).toEqual([ADVANCED]);

    const articles = recommend!.get<articleV1.ArticleServiceClient>(grpcClientToken(ARTICLE_GRPC));
    const getCards = jest.spyOn(articles, 'getArticleCards');
    try {
      await refresher.refresh();
      expect(getCards).not.toHaveBeenCalled();
    } finally {
      getCards.mockRestore();
    }
  });
});
