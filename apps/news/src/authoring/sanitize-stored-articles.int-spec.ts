import { CacheKeys, closeRedisClient, createRedisClient, invalidateCached } from '@app/cache';
import { mysqlDataSourceOptions } from '@app/database';
import { JobName } from '@app/queue';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  type TestDatabase,
  type TestRedis,
  withTestConnection,
} from '@app/testing';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../database/news-schema';
import { sanitizeStoredArticles } from './sanitize-stored-articles';

const ARTICLE = '1500000000000000951';
const OTHER = '1500000000000000952';
const EDITED = '1500000000000000953';
const STORED = '<p onclick="alert(1)">正文</p><script>alert(2)</script>';
const SANITISED = '<p>正文</p>';

describe('sanitizeStoredArticles (real MariaDB and Redis)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let redis: TestRedis;
  let cache: Redis;
  let unreachable: Redis;

  const storedContent = async (): Promise<string> =>
    withTestConnection(database.settings, async (query) => {
      const rows = (await query('SELECT content FROM news_article_content WHERE article_id = ?', [
        ARTICLE,
      ])) as Array<{ content: string }>;
      return rows[0].content;
    });
  const dropping =
    (client: Redis) =>
    (articleIds: string[]): Promise<void> =>
      invalidateCached(client, articleIds.map(CacheKeys.articleDetail));

  beforeAll(async () => {
    // The migrations ran on an empty table: nothing was read, no Redis was opened.
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    redis = createTestRedis();
    cache = createRedisClient(redis.cacheUrl, redis.prefix);
    unreachable = createRedisClient(`redis://127.0.0.1:${await freePort()}/0`, redis.prefix);
    await withTestConnection(database.settings, (query) =>
      query('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
        ARTICLE,
        STORED,
      ]),
    );
  });

  afterAll(async () => {
    await Promise.all([unreachable, cache].map((client) => client && closeRedisClient(client)));
    await redis?.cleanup();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('rewrites nothing while the cache is unreachable, so a later run still drops the page it rewrites', async () => {
    await cache.set(CacheKeys.articleDetail(ARTICLE), JSON.stringify({ content: STORED }));

    await expect(sanitizeStoredArticles(dataSource, dropping(unreachable))).rejects.toThrow(
      'Reached the max retries per request limit',
    );
    // Rewritten then, the article would be clean for every later run, which would leave its
    // cached page (the script included) to be served until it expired.
    expect(await storedContent()).toBe(STORED);
    expect(await cache.exists(CacheKeys.articleDetail(ARTICLE))).toBe(1);

    expect(await sanitizeStoredArticles(dataSource, dropping(cache))).toBe(1);
    expect(await storedContent()).toBe(SANITISED);
    expect(await cache.exists(CacheKeys.articleDetail(ARTICLE))).toBe(0);

    expect(await sanitizeStoredArticles(dataSource, dropping(unreachable))).toBe(0);
  });

  it("queues the rewritten article's search indexing with the rewrite, once", async () => {
    const outbox = () =>
      withTestConnection(database.settings, (query) =>
        query('SELECT job_name, job_id, payload FROM news_job_outbox WHERE job_id LIKE ?', [
          `%${OTHER}%`,
        ]),
      ) as Promise<Array<{ job_name: string; job_id: string; payload: string }>>;
    await withTestConnection(database.settings, (query) =>
      query('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
        OTHER,
        '<p>正文</p><textarea>隐藏关键词</textarea>',
      ]),
    );

    expect(await sanitizeStoredArticles(dataSource, dropping(cache))).toBe(1);
    // The search entry held the textarea's words: the job indexes the article again from what is stored.
    const jobs = await outbox();
    expect(jobs.map((job) => job.job_name)).toEqual([JobName.IndexArticle]);
    expect(jobs[0].job_id).toContain(`_${OTHER}_edit_`);
    expect(JSON.parse(jobs[0].payload)).toEqual({ articleId: OTHER, reason: 'edit' });

    expect(await sanitizeStoredArticles(dataSource, dropping(cache))).toBe(0);
    expect(await outbox()).toHaveLength(1);
  });

  it('leaves an article whose HTML an edit changed after it was read, also where the collation takes both as equal', async () => {
    const edited = async (query: string, parameters: unknown[]) =>
      withTestConnection(database.settings, (run) => run(query, parameters));
    await edited('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
      EDITED,
      '<p>Hello\u0001</p>',
    ]);
    let edits = 0;
    const rewritten = await sanitizeStoredArticles(dataSource, async (articleIds) => {
      // The author saves it meanwhile: sanitised HTML the case-insensitive collation, which
      // ignores control characters, compares equal to the HTML read.
      if (edits++ === 0)
        await edited('UPDATE news_article_content SET content = ? WHERE article_id = ?', [
          '<p>HELLO</p>',
          EDITED,
        ]);
      await dropping(cache)(articleIds);
    });

    const rows = (await edited('SELECT content FROM news_article_content WHERE article_id = ?', [
      EDITED,
    ])) as Array<{ content: string }>;
    expect(rows).toEqual([{ content: '<p>HELLO</p>' }]);
    expect(rewritten).toBe(0);
  });
});
