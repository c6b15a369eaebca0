import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createRedisClient } from '@app/cache';
import { loadConfig } from '@app/config';
import {
  createTestDatabase,
  createTestKeys,
  createTestRedis,
  freePort,
  signInForTest,
  testEnv,
  type TestDatabase,
  TEST_MYSQL_SERVER,
  type TestKeys,
  type TestMysqlServer,
  type TestRedis,
  withTestConnection,
} from '@app/testing';
import type { INestApplicationContext, INestMicroservice } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type Redis from 'ioredis';

import { gatewayEnvSchema } from '../../../apps/gateway/src/config/gateway.config';
import { createGateway } from '../../../apps/gateway/src/main';
import { mediaPlatformEnvSchema } from '../../../apps/media-platform/src/config/media-platform.config';
import { createMediaPlatform } from '../../../apps/media-platform/src/main';
import { newsEnvSchema } from '../../../apps/news/src/config/news.config';
import { NEWS_SCHEMA } from '../../../apps/news/src/database/news-schema';
import { startNewsService } from '../../../apps/news/src/main';
import { CandidateRefresher } from '../../../apps/recommend/src/candidates/candidate-refresher';
import { recommendEnvSchema } from '../../../apps/recommend/src/config/recommend.config';
import { startRecommendService } from '../../../apps/recommend/src/main';
import { userEnvSchema } from '../../../apps/user/src/config/user.config';
import { USER_SCHEMA } from '../../../apps/user/src/database/user-schema';
import { startUserService } from '../../../apps/user/src/main';

export const IMG = 'http://img.test/';

export interface SeedUser {
  id: string;
  name: string;
  photo?: string;
}

export interface SeedArticle {
  id: string;
  authorId: string;
  channelId: number;
  title: string;
  status: number;
  /** UTC, `YYYY-MM-DD HH:MM:SS`. */
  createdAt: string;
  cover?: { type: number; images: string[] };
  content?: string;
}

/** The real user and news gRPC services and a gateway on a private database, Redis prefix and trace file. */
export interface ArticleStack {
  database: TestDatabase;
  redis: TestRedis;
  keys: TestKeys;
  env: NodeJS.ProcessEnv;
  /** State-role client with the prefix (sessions, counters, histories). */
  state: Redis;
  /** Cache-role client with the prefix. */
  cache: Redis;
  traceFile: string;
  userService: INestMicroservice;
  newsService: INestMicroservice | undefined;
  gateway: NestFastifyApplication;
  /** Another gateway replica on the same services (started on demand). */
  startGateway(): Promise<NestFastifyApplication>;
  /** The media platform on the same services (started on demand, closed with the stack). */
  startMediaPlatform(): Promise<NestFastifyApplication>;
  /** An access token of a new session; an author's media-platform token with `{ scope: 'mp', verified: true }`. */
  signIn(userId: string, options?: SignInOptions): Promise<string>;
  sql(statement: string, params?: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

export type SignInOptions = Parameters<typeof signInForTest>[3];

export async function seedUsers(
  stack: Pick<ArticleStack, 'sql'>,
  users: readonly SeedUser[],
): Promise<void> {
  for (const [index, user] of users.entries()) {
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, profile_photo, status) VALUES (?, ?, ?, ?, 1)`,
      [user.id, `139${String(index).padStart(8, '0')}`, user.name, user.photo ?? null],
    );
  }
}

export async function seedArticles(
  stack: Pick<ArticleStack, 'sql'>,
  articles: readonly SeedArticle[],
): Promise<void> {
  for (const article of articles) {
    await stack.sql(
      `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, create_time, update_time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        article.id,
        article.authorId,
        article.channelId,
        article.title,
        JSON.stringify(article.cover ?? { type: 0, images: [] }),
        article.status,
        article.createdAt,
        article.createdAt,
      ],
    );
    await stack.sql('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
      article.id,
      article.content ?? `<p>${article.title}</p>`,
    ]);
  }
}

export async function startArticleStack(
  overrides: Record<string, string | number> = {},
  redis: TestRedis = createTestRedis(),
  mysqlServer: TestMysqlServer = TEST_MYSQL_SERVER,
): Promise<ArticleStack> {
  const database = await createTestDatabase([USER_SCHEMA, NEWS_SCHEMA], mysqlServer);
  const keys = createTestKeys();
  const traceDir = mkdtempSync(join(tmpdir(), 'tt-trace-'));
  const traceFile = join(traceDir, 'trace', 'userClick.log');
  const [userPort, newsPort, recommendPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env = testEnv(database.settings, redis, {
    USER_GRPC_PORT: userPort,
    NEWS_GRPC_PORT: newsPort,
    USER_GRPC_URL: `127.0.0.1:${userPort}`,
    NEWS_GRPC_URL: `127.0.0.1:${newsPort}`,
    // Nothing listens here unless a test starts a fake recommend service on it.
    RECOMMEND_GRPC_URL: `127.0.0.1:${recommendPort}`,
    STORAGE_PUBLIC_URL: IMG,
    JWT_KEYS_DIR: keys.dir,
    JWT_SIGNING_KID: keys.kid,
    TRACE_LOG_FILE: traceFile,
    TZ: 'Asia/Shanghai',
    ...overrides,
  });
  const state = createRedisClient(redis.stateUrl, redis.prefix);
  const cache = createRedisClient(redis.cacheUrl, redis.prefix);
  const sql = (statement: string, params?: unknown[]) =>
    withTestConnection(database.settings, (query) => query(statement, params));
  const httpApps: NestFastifyApplication[] = [];
  const ready = async (app: NestFastifyApplication): Promise<NestFastifyApplication> => {
    httpApps.push(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  };
  const startGateway = async () => ready(await createGateway(loadConfig(gatewayEnvSchema, env)));
  const startMediaPlatform = async () =>
    ready(await createMediaPlatform(loadConfig(mediaPlatformEnvSchema, env)));
  const userService = await startUserService(loadConfig(userEnvSchema, env));
  const stack: ArticleStack = {
    database,
    redis,
    keys,
    env,
    state,
    cache,
    traceFile,
    userService,
    newsService: await startNewsService(loadConfig(newsEnvSchema, env)),
    gateway: await startGateway(),
    startGateway,
    startMediaPlatform,
    signIn: async (userId, options) => (await signInForTest(keys, state, userId, options)).token,
    sql,
    close: async () => {
      for (const app of httpApps) await app.close();
      await stack.newsService?.close();
      await userService.close();
      await Promise.all([state.quit(), cache.quit()]);
      await redis.cleanup();
      await database.drop();
      keys.remove();
      rmSync(traceDir, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Server-wide MariaDB statement count (`Questions`), read on its own connection. */
export async function questionsNow(stack: Pick<ArticleStack, 'sql'>): Promise<number> {
  const rows = (await stack.sql("SHOW GLOBAL STATUS LIKE 'Questions'")) as Array<{ Value: string }>;
  return Number(rows[0].Value);
}

/**
 * The real recommend service on the stack's RECOMMEND_GRPC_URL, its pools built from the tables
 * as they are now; no scheduled rebuild follows within a test.
 */
export async function startRecommendOnStack(
  stack: Pick<ArticleStack, 'env'>,
): Promise<INestApplicationContext> {
  const recommend = await startRecommendService(
    loadConfig(recommendEnvSchema, {
      ...stack.env,
      RECOMMEND_GRPC_PORT: new URL(`http://${stack.env.RECOMMEND_GRPC_URL}`).port,
      RECO_REFRESH_INTERVAL_MS: '3600000',
    }),
  );
  await recommend.get(CandidateRefresher).refresh();
  return recommend;
}
