import { createRedisClient } from '@app/cache';
import { loadConfig } from '@app/config';
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

import { newsEnvSchema } from '../../../apps/news/src/config/news.config';
import { NEWS_SCHEMA } from '../../../apps/news/src/database/news-schema';
import { startNewsService } from '../../../apps/news/src/main';
import { recommendEnvSchema } from '../../../apps/recommend/src/config/recommend.config';
import { startRecommendService } from '../../../apps/recommend/src/main';

export type SeedQuery = (sql: string, params?: unknown[]) => Promise<unknown>;

/** The real news and recommend gRPC services on a private database and Redis prefix. */
export interface RecommendStack {
  database: TestDatabase;
  redis: TestRedis;
  /** State-role client with the prefix (pools, exposures, title words). */
  state: Redis;
  news: INestMicroservice;
  recommend: INestApplicationContext;
  /** `127.0.0.1:<port>` of news, for another recommend service on the same news. */
  newsAddress: string;
  recommendPort: number;
  /** Closes news ahead of the rest (news down under a running recommend). */
  stopNews(): Promise<void>;
  /** Closes the services and drops the database and the Redis keys. */
  close(): Promise<void>;
}

/**
 * Seeds the news tables with `seed`, then starts news and recommend on them. Recommend's timer
 * never rebuilds within a test: the tests rebuild by hand. `redis` is the stack's to clean up.
 */
export async function startRecommendStack(
  seed: (query: SeedQuery) => Promise<void>,
  redis: TestRedis = createTestRedis(),
): Promise<RecommendStack> {
  const database = await createTestDatabase([NEWS_SCHEMA]);
  const [newsPort, recommendPort] = [await freePort(), await freePort()];
  const newsAddress = `127.0.0.1:${newsPort}`;
  const env = testEnv(database.settings, redis, {
    NEWS_GRPC_PORT: newsPort,
    NEWS_GRPC_URL: newsAddress,
    RECOMMEND_GRPC_PORT: recommendPort,
    RECO_REFRESH_INTERVAL_MS: 3_600_000,
  });
  const state = createRedisClient(redis.stateUrl, redis.prefix);
  let news: INestMicroservice | undefined;
  let recommend: INestApplicationContext | undefined;
  const stopNews = async () => {
    const running = news;
    news = undefined;
    await running?.close();
  };
  const close = async () => {
    await recommend?.close();
    await stopNews();
    await state.quit();
    await redis.cleanup();
    await database.drop();
  };
  try {
    await withTestConnection(database.settings, seed);
    news = await startNewsService(loadConfig(newsEnvSchema, env));
    recommend = await startRecommendService(loadConfig(recommendEnvSchema, env));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    database,
    redis,
    state,
    news,
    recommend,
    newsAddress,
    recommendPort,
    stopNews,
    close,
  };
}
