import {
  CacheKeys,
  CacheTtl,
  createRedisClient,
  NULL_MARKER,
  REDIS_CACHE,
  REDIS_STATE,
  TwoLevelCache,
} from '@app/cache';
import type { articleV1 } from '@app/contracts';
import {
  ARTICLE_GRPC,
  GRPC_MAX_MESSAGE_BYTES,
  grpcClientToken,
  REACTION_GRPC,
  RELATION_GRPC,
  USER_GRPC,
} from '@app/grpc';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type Redis from 'ioredis';

import {
  type ArticleStack,
  questionsNow,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { recordRedis } from './support/redis-recorder';
import { recordSql, type SqlRecorder } from './support/sql-recorder';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const HOT = '1300000000000000001';
const COLD = '1300000000000000002';
const EDITED = '1300000000000000003';
/** The detail query of the news service (basic JOIN content). */
const DETAIL_SQL = /news_article_content/;
/** Batches of normal-size articles: GetArticles with the reply limit the gateway sends. */
const NORMAL = Array.from({ length: 6 }, (_, index) => `130000000000000050${index}`);

interface Detail {
  title: string;
  attitude: number | null;
  is_collected: boolean;
  is_followed: boolean;
}

/** Counts the calls of each method of a gRPC client the gateway holds. */
function spyClient(
  gateway: NestFastifyApplication,
  service: Parameters<typeof grpcClientToken>[0],
): Map<string, number> {
  const client = gateway.get<Record<string, (...args: unknown[]) => unknown>>(
    grpcClientToken(service),
  );
  const calls = new Map<string, number>();
  for (const name of Object.keys(client)) {
    const original = client[name];
    if (typeof original !== 'function') continue;
    client[name] = (...args: unknown[]) => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return original.apply(client, args);
    };
  }
  return calls;
}

/** Waits until `count` replicas listen for invalidations (a subscriber may still be connecting). */
async function waitForSubscribers(redis: Redis, channel: string, count: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const [, listeners] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
    if (Number(listeners) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Seen when a TwoLevelCache subscribes while its connection is between TCP connect and ready:
  // ioredis then fails its ready check and the subscription is lost for good (libs/cache).
  throw new Error(`fewer than ${count} replicas subscribed to ${channel}`);
}

const total = (calls: Map<string, number>): number =>
  [...calls.values()].reduce((sum, n) => sum + n, 0);

/**
 * MariaDB `Questions` is server-wide, and other suites may run at the same time: measure `run`
 * in up to `attempts` windows and answer the smallest increase, minus what the probe itself adds.
 */
async function quietestQuestionDelta(
  stack: ArticleStack,
  run: () => Promise<void>,
  attempts = 8,
): Promise<number> {
  const probeBefore = await questionsNow(stack);
  const probeCost = (await questionsNow(stack)) - probeBefore;
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < attempts && best > 0; attempt += 1) {
    const before = await questionsNow(stack);
    await run();
    best = Math.min(best, (await questionsNow(stack)) - before - probeCost);
  }
  return best;
}

describe('the article read path and its two-level cache', () => {
  let stack: ArticleStack;
  let sql: SqlRecorder;
  let userSql: SqlRecorder;
  let articleCalls: Map<string, number>;
  let reactionCalls: Map<string, number>;
  let relationCalls: Map<string, number>;
  let userCalls: Map<string, number>;
  let readerToken: string;
  /** Gateways started beside `stack.gateway`; each runs a TwoLevelCache subscriber, as does news. */
  let replicas = 0;
  const startReplica = async () => {
    replicas += 1;
    return stack.startGateway();
  };
  const get = (url: string, token?: string, gateway?: NestFastifyApplication) =>
    (gateway ?? stack.gateway).inject({
      method: 'GET',
      url: `/app/v1_0${url}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  const newsCalls = () => total(articleCalls) + total(reactionCalls);

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author', photo: 'Fauthor' },
      { id: READER, name: 'reader' },
    ]);
    await seedArticles(stack, [
      {
        id: HOT,
        authorId: AUTHOR,
        channelId: 1,
        title: 'hot',
        status: 2,
        createdAt: '2020-01-01 00:00:00',
      },
      {
        id: COLD,
        authorId: AUTHOR,
        channelId: 1,
        title: 'cold',
        status: 2,
        createdAt: '2020-01-02 00:00:00',
      },
      {
        id: EDITED,
        authorId: AUTHOR,
        channelId: 1,
        title: 'before',
        status: 2,
        createdAt: '2020-01-03 00:00:00',
      },
      ...NORMAL.map((id) => ({
        id,
        authorId: AUTHOR,
        channelId: 1,
        title: `normal ${id}`,
        status: 2,
        createdAt: '2020-01-04 00:00:00',
        content: `<p>${'x'.repeat(3000)}</p>`,
      })),
    ]);
    await stack.sql(
      'INSERT INTO user_relation (user_id, target_user_id, relation) VALUES (?, ?, 1)',
      [READER, AUTHOR],
    );
    await stack.sql('INSERT INTO news_attitude (user_id, article_id, attitude) VALUES (?, ?, 1)', [
      READER,
      HOT,
    ]);
    readerToken = await stack.signIn(READER);
    sql = recordSql(stack.newsService!);
    userSql = recordSql(stack.userService);
    articleCalls = spyClient(stack.gateway, ARTICLE_GRPC);
    reactionCalls = spyClient(stack.gateway, REACTION_GRPC);
    relationCalls = spyClient(stack.gateway, RELATION_GRPC);
    userCalls = spyClient(stack.gateway, USER_GRPC);
  });

  afterAll(async () => {
    sql?.stop();
    userSql?.stop();
    await stack?.close();
  });

  describe('a detail cache hit', () => {
    beforeAll(async () => {
      // Warm every cache the page reads: the detail, the author profile, the reader's relations,
      // attitudes and collections.
      expect((await get(`/articles/${HOT}`)).statusCode).toBe(200);
      expect((await get(`/articles/${HOT}`, readerToken)).statusCode).toBe(200);
      sql.reset();
      articleCalls.clear();
      reactionCalls.clear();
    });

    it('is answered by the gateway alone: no SQL (TypeORM and MariaDB Questions), no gRPC to news', async () => {
      const delta = await quietestQuestionDelta(stack, async () => {
        for (let i = 0; i < 20; i += 1)
          expect((await get(`/articles/${HOT}`)).statusCode).toBe(200);
        for (let i = 0; i < 20; i += 1)
          expect((await get(`/articles/${HOT}`, readerToken)).statusCode).toBe(200);
      });
      expect(delta).toBe(0);
      expect(sql.statements).toEqual([]);
      expect(newsCalls()).toBe(0);
    });

    it('is answered from Redis by a replica whose process cache is empty, still without SQL or news calls', async () => {
      const replica = await startReplica();
      const replicaArticleCalls = spyClient(replica, ARTICLE_GRPC);
      const replicaReactionCalls = spyClient(replica, REACTION_GRPC);
      const response = await get(`/articles/${HOT}`, readerToken, replica);
      expect(response.statusCode).toBe(200);
      expect(response.json<{ data: Detail }>().data).toMatchObject({
        title: 'hot',
        attitude: 1,
        is_followed: true,
      });
      expect(sql.statements).toEqual([]);
      expect(total(replicaArticleCalls) + total(replicaReactionCalls)).toBe(0);
    });

    it('costs a bounded number of Redis round trips (measured per request)', async () => {
      const cache = recordRedis(stack.gateway.get<Redis>(REDIS_CACHE));
      const state = recordRedis(stack.gateway.get<Redis>(REDIS_STATE));
      const measure = async (token?: string) => {
        // the previous request put the detail back into the process cache
        expect((await get(`/articles/${HOT}`, token)).statusCode).toBe(200);
        cache.reset();
        state.reset();
        userSql.reset();
        relationCalls.clear();
        userCalls.clear();
        expect((await get(`/articles/${HOT}`, token)).statusCode).toBe(200);
        return {
          cacheCommands: cache.commands.length,
          cacheRoundTrips: cache.writes,
          stateCommands: state.commands.length,
          stateRoundTrips: state.writes,
          grpcToUser: total(relationCalls) + total(userCalls),
          userSql: userSql.statements.length,
        };
      };
      const anonymous = await measure();
      const signedIn = await measure(readerToken);
      cache.stop();
      state.stop();
      process.stdout.write(
        `detail hit, anonymous: ${JSON.stringify(anonymous)}\ndetail hit, signed in: ${JSON.stringify(signedIn)}\n`,
      );
      // L1 holds the detail and the previous anonymous answer is reused; the read counters wait in process for the next flush.
      expect(anonymous).toEqual({
        cacheCommands: 0,
        cacheRoundTrips: 0,
        stateCommands: 0,
        stateRoundTrips: 0,
        grpcToUser: 0,
        userSql: 0,
      });
      // + relationship, attitude and collection (6 commands in one pipeline) and the history (2 commands).
      expect(signedIn.cacheCommands).toBe(7);
      expect(signedIn.cacheRoundTrips).toBeLessThanOrEqual(2);
      expect(signedIn.stateCommands).toBe(2);
      expect(signedIn.stateRoundTrips).toBe(1);
      expect([signedIn.grpcToUser, signedIn.userSql]).toEqual([0, 0]);
      expect(sql.statements).toEqual([]);
    });
  });

  it('loads a cold article at most once per process for 500 concurrent requests', async () => {
    sql.reset();
    articleCalls.clear();
    const responses = await Promise.all(
      Array.from({ length: 500 }, () => get(`/articles/${COLD}`)),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(
      Array.from({ length: 500 }, () => 200),
    );
    expect(
      new Set(responses.map((response) => response.json<{ data: Detail }>().data.title)),
    ).toEqual(new Set(['cold']));
    expect(sql.count(DETAIL_SQL, COLD)).toBe(1);
    expect(articleCalls.get('getArticles')).toBe(1);
  });

  it('sends 10k requests for missing articles to SQL at most once per id (null markers)', async () => {
    const missing = Array.from(
      { length: 100 },
      (_, index) => `1399999999999999${String(index).padStart(3, '0')}`,
    );
    sql.reset();
    articleCalls.clear();
    for (let round = 0; round < 20; round += 1) {
      const batch = Array.from({ length: 500 }, (_, index) =>
        get(`/articles/${missing[(round * 500 + index) % missing.length]}`),
      );
      const statuses = (await Promise.all(batch)).map((response) => response.statusCode);
      expect(new Set(statuses)).toEqual(new Set([404]));
    }
    for (const id of missing) expect(sql.count(DETAIL_SQL, id)).toBe(1);
    // The misses of requests served together are read with one statement.
    expect(sql.count(DETAIL_SQL)).toBeLessThan(missing.length / 10);
    expect(await stack.cache.get(CacheKeys.articleDetail(missing[0]))).toBe(NULL_MARKER);
    const ttl = await stack.cache.ttl(CacheKeys.articleDetail(missing[0]));
    const { baseSeconds, maxJitterSeconds } = CacheTtl.articleInfoMissing;
    expect(ttl).toBeGreaterThan(baseSeconds - 30);
    expect(ttl).toBeLessThanOrEqual(baseSeconds + maxJitterSeconds);
  }, 120_000);

  it('reads a batch of normal-size articles news does not hold with one statement, or none when Redis holds them', async () => {
    const client = stack.gateway.get<articleV1.ArticleServiceClient>(grpcClientToken(ARTICLE_GRPC));
    const getArticles = (articleIds: string[]) =>
      new Promise<articleV1.GetArticlesResponse>((resolve, reject) =>
        client
          .getArticles({ articleIds, maxReplyBytes: GRPC_MAX_MESSAGE_BYTES })
          .subscribe({ next: resolve, error: reject }),
      );
    const [cold, inRedis] = [NORMAL.slice(0, 3), NORMAL.slice(3)];
    // In Redis (as another news replica filled it), never read by this news process.
    for (const id of inRedis) {
      const detail: articleV1.ArticleDetail = {
        artId: id,
        title: `normal ${id}`,
        pubdate: '2020-01-04T00:00:00.000Z',
        content: `<p>${'x'.repeat(3000)}</p>`,
        autId: AUTHOR,
        chId: 1,
      };
      await stack.cache.set(CacheKeys.articleDetail(id), JSON.stringify(detail), 'EX', 600);
    }
    sql.reset();
    const fromRedis = await getArticles(inRedis);
    expect([
      fromRedis.articles.map((article) => article.artId),
      fromRedis.leftOutArticleIds,
    ]).toEqual([inRedis, []]);
    expect(sql.statements).toEqual([]);
    const fromMysql = await getArticles(cold);
    expect([
      fromMysql.articles.map((article) => article.artId),
      fromMysql.leftOutArticleIds,
    ]).toEqual([cold, []]);
    expect(sql.statements.length).toBe(1);
  });

  it('fills card markers for ids that are not approved, so cards of missing ids stop reaching SQL', async () => {
    const ids = ['1399999999999998001', '1399999999999998002'];
    sql.reset();
    const client = stack.gateway.get<articleV1.ArticleServiceClient>(grpcClientToken(ARTICLE_GRPC));
    const { articles } = await new Promise<articleV1.GetArticleCardsResponse>((resolve, reject) =>
      client
        .getArticleCards({ articleIds: [HOT, ...ids] })
        .subscribe({ next: resolve, error: reject }),
    );
    expect(articles.map((article) => article.artId)).toEqual([HOT]);
    expect(await stack.cache.mget(ids.map((id) => CacheKeys.articleInfo(id)))).toEqual([
      NULL_MARKER,
      NULL_MARKER,
    ]);
    expect(sql.count(/news_article_basic/, ids[0])).toBe(1);
    for (let i = 0; i < 20; i += 1) {
      await new Promise<articleV1.GetArticleCardsResponse>((resolve, reject) =>
        client.getArticleCards({ articleIds: ids }).subscribe({ next: resolve, error: reject }),
      );
    }
    expect(sql.count(/news_article_basic/, ids[0])).toBe(1);
  });

  describe('invalidation', () => {
    let replica: NestFastifyApplication;
    const clients: Redis[] = [];
    let writer: TwoLevelCache;

    beforeAll(async () => {
      replica = await startReplica();
      const [redis, subscriber] = [
        createRedisClient(stack.redis.cacheUrl, stack.redis.prefix),
        createRedisClient(stack.redis.cacheUrl, stack.redis.prefix),
      ];
      clients.push(redis, subscriber);
      writer = new TwoLevelCache(redis, subscriber, {
        channel: `${stack.redis.prefix}cache:invalidate`,
      });
    });

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.quit()));
    });

    it('reaches a second gateway instance: its next answer changes', async () => {
      await waitForSubscribers(stack.cache, `${stack.redis.prefix}cache:invalidate`, 2 + replicas);
      const title = async () =>
        (await get(`/articles/${EDITED}`, undefined, replica)).json<{ data: Detail }>().data.title;
      const warmedAt = Date.now();
      expect(await title()).toBe('before');
      await stack.sql('UPDATE news_article_basic SET title = ? WHERE article_id = ?', [
        'after',
        EDITED,
      ]);
      // Without a broadcast the replica keeps its process copy even when Redis loses the key.
      await stack.cache.del(CacheKeys.articleDetail(EDITED));
      expect(await title()).toBe('before');

      await writer.invalidate(CacheKeys.articleDetail(EDITED));
      let seen = await title();
      for (let attempt = 0; attempt < 20 && seen !== 'after'; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        seen = await title();
      }
      expect(seen).toBe('after');
      // well inside the process cache's 5 s lifetime: the broadcast did it, not expiry
      expect(Date.now() - warmedAt).toBeLessThan(4_000);
    });
  });

  describe('with the news service stopped', () => {
    beforeAll(async () => {
      // the detail of HOT and the reader's caches are warm from the tests above
      await stack.newsService?.close();
      stack.newsService = undefined;
    });

    it('still answers a cached detail with 200, anonymous and signed in', async () => {
      const anonymous = await get(`/articles/${HOT}`);
      expect(anonymous.statusCode).toBe(200);
      expect(anonymous.json<{ data: Detail }>().data.title).toBe('hot');
      const reader = await get(`/articles/${HOT}`, readerToken);
      expect(reader.statusCode).toBe(200);
      expect(reader.json<{ data: Detail }>().data).toMatchObject({
        title: 'hot',
        attitude: 1,
        is_collected: false,
        is_followed: true,
      });
    });

    it('answers 503 for an article it has never cached', async () => {
      const response = await get('/articles/1300000000000000077');
      expect(response.statusCode).toBe(503);
    });
  });
});
