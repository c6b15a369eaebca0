import { CacheKeys, createRedisClient, TwoLevelCache } from '@app/cache';
import { mysqlDataSourceOptions } from '@app/database';
import { GRPC_MAX_MESSAGE_BYTES } from '@app/grpc';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis, withTestConnection } from '@app/testing';
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
        await query('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [id, 'x'.repeat(CONTENT_BYTES)]);
      }
    });
    dataSource = await new DataSource(mysqlDataSourceOptions(database.settings, NEWS_SCHEMA)).initialize();
    testRedis = createTestRedis();
    const [redis, subscriber] = [
      createRedisClient(testRedis.cacheUrl, testRedis.prefix),
      createRedisClient(testRedis.cacheUrl, testRedis.prefix, { enableAutoPipelining: false }),
    ];
    clients.push(redis, subscriber);
    cache = new TwoLevelCache(redis, subscriber, { channel: `${testRedis.prefix}cache:invalidate` });
    repository = new ArticlesRepository(dataSource.getRepository(ArticleEntity));
    service = new ArticlesService(repository, cache, new UserArticlesCache(redis));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await Promise.all(clients.map((client) => client.quit()));
    await testRedis?.cleanup();
    await database?.drop();
  });

  it('answers its first article when a batch read at the same time left every id it asked for unread', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const reading = new Promise<void>((resolve) => (entered = resolve));
    const upTo = repository.findApprovedDetailsUpTo.bind(repository);
    jest.spyOn(repository, 'findApprovedDetailsUpTo').mockImplementationOnce(async (ids, maxBytes) => {
      entered();
      await held;
      return upTo(ids, maxBytes);
    });
    let peeked!: () => void;
    const joining = new Promise<void>((resolve) => (peeked = resolve));
    const peekMany = cache.peekMany.bind(cache);
    jest.spyOn(cache, 'peekMany').mockImplementation(async (keys) => {
      const values = await peekMany(keys);
      if (keys.includes(CacheKeys.articleDetail(LARGE[5]))) peeked();
      return values;
    });

    const whole = service.getDetailsWithin(LARGE, GRPC_MAX_MESSAGE_BYTES);
    await reading;
    // Its two ids are among those the whole batch's read leaves unread, which it joins.
    const last = service.getDetailsWithin(LARGE.slice(4), GRPC_MAX_MESSAGE_BYTES);
    await joining;
    await new Promise((resolve) => setImmediate(resolve));
    release();

    const [wholeReply, lastReply] = await Promise.all([whole, last]);
    expect([wholeReply.articles.map((article) => article.artId), wholeReply.leftOut]).toEqual([
      LARGE.slice(0, 2),
      LARGE.slice(2),
    ]);
    expect([lastReply.articles.map((article) => article.artId), lastReply.leftOut]).toEqual([[LARGE[4]], [LARGE[5]]]);
    expect(lastReply.articles[0].content).toHaveLength(CONTENT_BYTES);
  });
});
