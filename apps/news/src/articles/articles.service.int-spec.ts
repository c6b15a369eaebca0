import { CacheKeys, createRedisClient, TwoLevelCache } from '@app/cache';
import { mysqlDataSourceOptions } from '@app/database';
import { GRPC_MAX_MESSAGE_BYTES } from '@app/grpc';
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  withTestConnection,
} from '@app/testing';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../database/news-schema';
import { ArticleEntity } from './article.entity';
import { ArticlesRepository } from './articles.repository';
import { ArticlesService } from './articles.service';
import { UserArticlesCache } from './user-articles.cache';

const AUTHOR = '1294287382374383616';
/** Articles of 1.5 MB: two fit one reply. */
const LARGE = Array.from({ length: 6 }, (_, index) => `130000000000000070${index}`);
const CONTENT_BYTES = 1_500_000;
/** Batches of seven normal-size articles: one the cache Redis holds, one neither level holds. */
const IN_REDIS = Array.from({ length: 7 }, (_, index) => `130000000000000080${index}`);
const COLD = Array.from({ length: 7 }, (_, index) => `130000000000000090${index}`);

/** Commands `redis` sends while `work` runs, and the socket writes (round trips) that carry them. */
async function sent(
  redis: Redis,
  work: () => Promise<unknown>,
): Promise<{ commands: number; roundTrips: number }> {
  const send = jest.spyOn(redis, 'sendCommand');
  const write = jest.spyOn(redis.stream, 'write');
  try {
    await work();
    return { commands: send.mock.calls.length, roundTrips: write.mock.calls.length };
  } finally {
    send.mockRestore();
    write.mockRestore();
  }
}

describe('ArticlesService GetArticles within a reply (real MariaDB and Redis)', () => {
  let database: TestDatabase;
  let testRedis: TestRedis;
  let dataSource: DataSource;
  const clients: Redis[] = [];
  let cache: TwoLevelCache;
  let repository: ArticlesRepository;
  let service: ArticlesService;

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    await withTestConnection(database.settings, async (query) => {
      for (const [index, id] of LARGE.entries()) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, create_time, update_time)
           VALUES (?, ?, 1, ?, '{"type":0,"images":[]}', 2, NOW(), NOW())`,
          [id, AUTHOR, `large ${index}`],
        );
        await query('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
          id,
          'x'.repeat(CONTENT_BYTES),
        ]);
      }
      for (const [index, id] of [...IN_REDIS, ...COLD].entries()) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, create_time, update_time)
           VALUES (?, ?, 1, ?, '{"type":0,"images":[]}', 2, NOW(), NOW())`,
          [id, AUTHOR, `normal ${index}`],
        );
        await query('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
          id,
          `<p>${'x'.repeat(3000)}</p>`,
        ]);
      }
    });
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    testRedis = createTestRedis();
    repository = new ArticlesRepository(dataSource.getRepository(ArticleEntity));
    ({ cache, service } = replica());
  });

  /** A news process: its own connections, its own in-process cache, the Redis and MySQL of the others. */
  function replica(): { redis: Redis; cache: TwoLevelCache; service: ArticlesService } {
    const [redis, subscriber] = [
      createRedisClient(testRedis.cacheUrl, testRedis.prefix),
      createRedisClient(testRedis.cacheUrl, testRedis.prefix, { enableAutoPipelining: false }),
    ];
    clients.push(redis, subscriber);
    const replicaCache = new TwoLevelCache(redis, subscriber, {
      channel: `${testRedis.prefix}cache:invalidate`,
    });
    return {
      redis,
      cache: replicaCache,
      service: new ArticlesService(repository, replicaCache, new UserArticlesCache(redis)),
    };
  }

  afterAll(async () => {
    await dataSource?.destroy();
    await Promise.all(clients.map((client) => client.quit()));
    await testRedis?.cleanup();
    await database?.drop();
  });

  it('answers its first article when a batch read at the same time left out every id it asked for', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const reading = new Promise<void>((resolve) => (entered = resolve));
    const upTo = repository.findApprovedDetailsUpTo.bind(repository);
    jest
      .spyOn(repository, 'findApprovedDetailsUpTo')
      .mockImplementationOnce(async (ids, maxBytes) => {
        entered();
        await held;
        return upTo(ids, maxBytes);
      });
    let peeked!: () => void;
    const joining = new Promise<void>((resolve) => (peeked = resolve));
    const peekManyWithin = cache.peekManyWithin.bind(cache);
    jest.spyOn(cache, 'peekManyWithin').mockImplementation(async (keys, bound) => {
      const values = await peekManyWithin(keys, bound);
      if (keys.includes(CacheKeys.articleDetail(LARGE[5]))) peeked();
      return values;
    });

    const whole = service.getDetailsWithin(LARGE, GRPC_MAX_MESSAGE_BYTES);
    await reading;
    // Its two ids are among those the whole batch's read leaves out, which it joins.
    const last = service.getDetailsWithin(LARGE.slice(4), GRPC_MAX_MESSAGE_BYTES);
    await joining;
    await new Promise((resolve) => setImmediate(resolve));
    release();

    const [wholeReply, lastReply] = await Promise.all([whole, last]);
    expect([wholeReply.articles.map((article) => article.artId), wholeReply.leftOut]).toEqual([
      LARGE.slice(0, 2),
      LARGE.slice(2),
    ]);
    expect([lastReply.articles.map((article) => article.artId), lastReply.leftOut]).toEqual([
      [LARGE[4]],
      [LARGE[5]],
    ]);
    expect(lastReply.articles[0].content).toHaveLength(CONTENT_BYTES);
  });

  it('reads a batch of normal-size articles from Redis in one round trip, and one neither level holds in three', async () => {
    // Cached in Redis by another news process.
    await replica().service.getDetails(IN_REDIS);
    const { redis, service: reader } = replica();
    await redis.ping();
    const read = async (batch: readonly string[]) => {
      let reply!: Awaited<ReturnType<ArticlesService['getDetailsWithin']>>;
      const cost = await sent(
        redis,
        async () => (reply = await reader.getDetailsWithin(batch, GRPC_MAX_MESSAGE_BYTES)),
      );
      return {
        answered: reply.articles.map((article) => article.artId),
        leftOut: reply.leftOut,
        ...cost,
      };
    };
    expect({ inRedis: await read(IN_REDIS), cold: await read(COLD) }).toEqual({
      inRedis: { answered: IN_REDIS, leftOut: [], commands: 1, roundTrips: 1 },
      // The bounded read, then the fill fences read before MySQL and the fills stored behind them.
      cold: { answered: COLD, leftOut: [], commands: 3, roundTrips: 3 },
    });
  });
});
