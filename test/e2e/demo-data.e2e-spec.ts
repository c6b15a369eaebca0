import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';

import { CounterKeys, StateKeys } from '@app/cache';
import { DEFAULT_PHOTO_KEY, loadConfig } from '@app/config';
import { GRPC_LOADER_OPTIONS, protoFile } from '@app/grpc';
import { queueConnectionOptions } from '@app/cache';
import { QueueName, queuePrefix } from '@app/queue';
import { signInForTest } from '@app/testing';
import {
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  type ServiceClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';

import { newsEnvSchema } from '../../apps/news/src/config/news.config';
import { seedDemoNews } from '../../apps/news/src/seed';
import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { seedDemoUsers } from '../../apps/user/src/seed';
import { type ArticleStack, IMG, startArticleStack } from './support/article-stack';
import { pinsAndStoredFiles } from './support/demo-snapshot';

const AUTHOR = '1294287382374383616';
const XIAOMING = '1294287382374383617';

/** What `decodePng` learns from a file that is a whole, readable PNG; it throws for anything else. */
function decodePng(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8)).toEqual(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  );
  let offset = 8;
  let header: Buffer | undefined;
  const data: Buffer[] = [];
  for (;;) {
    const length = bytes.readUInt32BE(offset);
    const typed = bytes.subarray(offset + 4, offset + 8 + length);
    expect(bytes.readUInt32BE(offset + 8 + length)).toBe(crc32(typed));
    const type = typed.subarray(0, 4).toString('latin1');
    if (type === 'IHDR') header = typed.subarray(4);
    if (type === 'IDAT') data.push(typed.subarray(4));
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  expect(offset).toBe(bytes.length);
  if (!header) throw new Error('no IHDR');
  const [width, height] = [header.readUInt32BE(0), header.readUInt32BE(4)];
  expect([header[8], header[9]]).toEqual([8, 2]); // 8-bit truecolour
  expect(inflateSync(Buffer.concat(data)).length).toBe(height * (1 + width * 3));
  return { width, height };
}

/** The rows a repair would leave: every counter zset, and the count columns. */
async function countsNow(stack: ArticleStack): Promise<Record<string, unknown>> {
  const counts: Record<string, unknown> = {};
  for (const key of Object.values(CounterKeys))
    counts[key] = await stack.state.zrange(key, 0, -1, 'WITHSCORES');
  counts.fansComments = await stack.sql(
    'SELECT article_id, fans_comment_count FROM news_article_statistic WHERE fans_comment_count > 0 ORDER BY article_id',
  );
  return counts;
}

/** RepairCounters of the service listening on `port`, as the worker's repair job calls it. */
async function repairCounters(port: number): Promise<void> {
  const definition = loadPackageDefinition(
    loadSync(protoFile('toutiao/counters/v1/counter_repair_service.proto'), GRPC_LOADER_OPTIONS),
  );
  const v1 = ((definition.toutiao as GrpcObject).counters as GrpcObject).v1 as GrpcObject;
  const Client = v1.CounterRepairService as ServiceClientConstructor;
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const call = client.RepairCounters as (
    request: object,
    done: (error: Error | null) => void,
  ) => void;
  try {
    await new Promise<void>((resolve, reject) =>
      call.call(client, {}, (error) => (error ? reject(error) : resolve())),
    );
  } finally {
    client.close();
  }
}

/** Tables whose rows the demo data names by a unique key, not by their auto-increment id. */
const KEYED_BY = {
  user_relation: 'user_id, target_user_id',
  news_attitude: 'user_id, article_id',
  news_collection: 'user_id, article_id',
  news_comment_liking: 'user_id, comment_id',
};

/** Every row of the tables the demo data writes (without auto-increment ids), the pins, counters and stored files. */
async function everything(stack: ArticleStack, uploads: string): Promise<Record<string, unknown>> {
  const tables = [
    'user_basic',
    'user_profile',
    'news_channel',
    'news_article_basic',
    'news_article_content',
    'news_article_statistic',
    'news_comment',
    'global_announcement',
    'news_article_search',
  ];
  const found: Record<string, unknown> = {};
  for (const table of tables) found[table] = await stack.sql(`SELECT * FROM ${table} ORDER BY 1`);
  for (const [table, key] of Object.entries(KEYED_BY)) {
    const rows = (await stack.sql(`SELECT * FROM ${table} ORDER BY ${key}`)) as Array<
      Record<string, unknown>
    >;
    found[table] = rows.map((row) => Object.fromEntries(Object.entries(row).slice(1)));
  }
  found.counts = await countsNow(stack);
  return { ...found, ...(await pinsAndStoredFiles(stack.state, uploads)) };
}

describe('demo data: what `npm run dev` loads keeps the promise the clients rely on', () => {
  let stack: ArticleStack;
  let uploads: string;
  let mp: NestFastifyApplication;
  let candidates: Queue;

  const load = async (): Promise<void> => {
    await seedDemoUsers(loadConfig(userEnvSchema, stack.env));
    await seedDemoNews(loadConfig(newsEnvSchema, stack.env));
  };
  const count = async (statement: string): Promise<number> =>
    Number(((await stack.sql(statement)) as Array<{ n: string | number }>)[0].n);
  const asUser = async (userId: string) => ({
    authorization: `Bearer ${await stack.signIn(userId)}`,
  });

  beforeAll(async () => {
    uploads = mkdtempSync(join(tmpdir(), 'tt-demo-uploads-'));
    stack = await startArticleStack({ STORAGE_LOCAL_DIR: uploads });
    await load();
    mp = await stack.startMediaPlatform();
    candidates = new Queue(QueueName.Candidates, {
      connection: queueConnectionOptions(stack.redis.queueUrl),
      prefix: queuePrefix(stack.redis.prefix),
    });
  }, 120_000);

  afterAll(async () => {
    await candidates?.close();
    await stack?.close();
    rmSync(uploads, { recursive: true, force: true });
  });

  it('has the 25 channels and at least 200 approved articles by the verified author, ten or more in every channel', async () => {
    expect(await count('SELECT COUNT(*) AS n FROM news_channel')).toBe(25);
    expect(
      await count('SELECT COUNT(*) AS n FROM news_channel WHERE is_default = 1'),
    ).toBeGreaterThanOrEqual(5);
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM news_article_basic WHERE status = 2 AND user_id = ${AUTHOR}`,
      ),
    ).toBeGreaterThanOrEqual(200);
    const perChannel = (await stack.sql(
      'SELECT c.channel_id, COUNT(a.article_id) AS n FROM news_channel c LEFT JOIN news_article_basic a ON a.channel_id = c.channel_id AND a.status = 2 GROUP BY c.channel_id',
    )) as Array<{ n: string }>;
    expect(perChannel).toHaveLength(25);
    expect(Math.min(...perChannel.map((row) => Number(row.n)))).toBeGreaterThanOrEqual(10);
    expect(await count('SELECT COUNT(DISTINCT title) AS n FROM news_article_basic')).toBe(
      await count('SELECT COUNT(*) AS n FROM news_article_basic'),
    );
    expect(
      await count(
        "SELECT COUNT(*) AS n FROM news_article_content WHERE content NOT LIKE '%</p><p>%</p><p>%'",
      ),
    ).toBe(0);
    const users = (await stack.sql(
      "SELECT mobile, is_media, is_verified FROM user_basic WHERE mobile IN ('13611111111', '13911111111') ORDER BY mobile",
    )) as Array<{ mobile: string; is_media: number; is_verified: number }>;
    expect(users).toEqual([
      { mobile: '13611111111', is_media: 0, is_verified: 0 },
      { mobile: '13911111111', is_media: 1, is_verified: 1 },
    ]);
  });

  it('gives articles one- and three-picture covers whose files the gateway serves as valid PNGs, taken from their content', async () => {
    const articles = (await stack.sql(
      'SELECT a.article_id, a.cover, c.content FROM news_article_basic a JOIN news_article_content c USING (article_id)',
    )) as Array<{
      article_id: string;
      cover: { type: number; images: string[] } | string;
      content: string;
    }>;
    const covers = articles.map((row) => ({
      ...row,
      cover:
        typeof row.cover === 'string'
          ? (JSON.parse(row.cover) as { type: number; images: string[] })
          : row.cover,
    }));
    const byType = (type: number) => covers.filter((row) => row.cover.type === type).length;
    expect(byType(1)).toBeGreaterThanOrEqual(50);
    expect(byType(3)).toBeGreaterThanOrEqual(25);
    const urls = new Set<string>();
    for (const { cover, content } of covers) {
      expect(cover.images).toHaveLength(cover.type);
      for (const url of cover.images) {
        expect(url.startsWith(IMG)).toBe(true);
        expect(content).toContain(`src="${url}"`);
        urls.add(url);
      }
    }
    expect(urls.size).toBe(75);
    for (const url of urls) {
      const key = url.slice(IMG.length);
      const file = join(uploads, key);
      expect(existsSync(file)).toBe(true);
      expect(decodePng(readFileSync(file))).toEqual({ width: 360, height: 240 });
    }
    const served = await stack.gateway.inject({
      method: 'GET',
      url: `/static/${[...urls][0].slice(IMG.length)}`,
    });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    decodePng(served.rawPayload);
  });

  it("has comments with replies on most articles, likes, collections and follows, fans' comments marked as such", async () => {
    expect(
      await count(
        'SELECT COUNT(DISTINCT article_id) AS n FROM news_comment WHERE parent_id IS NOT NULL',
      ),
    ).toBeGreaterThanOrEqual(100);
    expect(
      await count('SELECT COUNT(DISTINCT article_id) AS n FROM news_comment'),
    ).toBeGreaterThanOrEqual(200);
    expect(
      await count('SELECT COUNT(*) AS n FROM news_attitude WHERE attitude = 1'),
    ).toBeGreaterThanOrEqual(200);
    expect(await count('SELECT COUNT(*) AS n FROM news_collection')).toBeGreaterThanOrEqual(100);
    expect(await count('SELECT COUNT(*) AS n FROM news_comment_liking')).toBeGreaterThanOrEqual(
      100,
    );
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM user_relation WHERE relation = 1 AND target_user_id = ${AUTHOR}`,
      ),
    ).toBe(6);
    // by_fan says the commenter followed the author before commenting (the user seed's follows).
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM news_comment c JOIN news_article_basic a USING (article_id)
         LEFT JOIN user_relation r ON r.user_id = c.user_id AND r.target_user_id = a.user_id AND r.relation = 1 AND r.create_time <= c.create_time
         WHERE c.by_fan <> (r.relation_id IS NOT NULL)`,
      ),
    ).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM news_comment WHERE by_fan = 1')).toBeGreaterThan(
      0,
    );
    // The count columns the comment writes keep, as those writes would have left them.
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM news_comment c WHERE
           c.reply_count <> (SELECT COUNT(*) FROM news_comment r WHERE r.parent_id = c.comment_id AND r.status = 1)
           OR c.like_count <> (SELECT COUNT(*) FROM news_comment_liking l WHERE l.comment_id = c.comment_id AND l.is_deleted = 0)`,
      ),
    ).toBe(0);
  });

  it('sets every counter to what the counter repair computes from the rows', async () => {
    const loaded = await countsNow(stack);
    expect(loaded[CounterKeys.userFollowers]).toContain(AUTHOR);
    expect((loaded.fansComments as unknown[]).length).toBeGreaterThan(0);
    await repairCounters(Number(stack.env.USER_GRPC_PORT));
    await repairCounters(Number(stack.env.NEWS_GRPC_PORT));
    expect(await countsNow(stack)).toEqual(loaded);
  });

  it('shows the demo reader and the author non-zero numbers, and the media platform non-zero statistics', async () => {
    const me = await stack.gateway.inject({
      method: 'GET',
      url: '/app/v1_0/user',
      headers: await asUser(XIAOMING),
    });
    expect(me.statusCode).toBe(200);
    expect(me.json<{ data: Record<string, unknown> }>().data).toMatchObject({
      name: '小明',
      follow_count: 2,
      fans_count: 4,
    });
    const author = await stack.gateway.inject({ method: 'GET', url: `/app/v1_0/users/${AUTHOR}` });
    const card = author.json<{
      data: { art_count: number; fans_count: number; like_count: number; is_media: boolean };
    }>().data;
    expect(card).toMatchObject({ is_media: true, art_count: 300, fans_count: 6 });
    expect(card.like_count).toBe(
      await count('SELECT COUNT(*) AS n FROM news_attitude WHERE attitude = 1'),
    );

    const authorMp = {
      authorization: `Bearer ${(await signInForTest(stack.keys, stack.state, AUTHOR, { verified: true, scope: 'mp' })).token}`,
    };
    const totals = await mp.inject({
      method: 'GET',
      url: '/mp/v1_0/statistics/articles',
      headers: authorMp,
    });
    expect(totals.statusCode).toBe(200);
    const { data } = totals.json<{ data: { comment_count: number; collect_count: number } }>();
    expect(data.comment_count).toBe(await count('SELECT COUNT(*) AS n FROM news_comment'));
    expect(data.collect_count).toBe(await count('SELECT COUNT(*) AS n FROM news_collection'));
    const fans = await mp.inject({ method: 'GET', url: '/mp/v1_0/followers', headers: authorMp });
    expect(fans.json<{ data: { total_count: number } }>().data.total_count).toBe(6);
  });

  it("pages a channel's feed through more than ten articles with pictures, its pinned article on top", async () => {
    const seen: Array<{
      art_id: string;
      is_top: number;
      cover: { type: number; images: string[] };
    }> = [];
    let timestamp = Date.now();
    let pages = 0;
    for (; pages < 5; pages += 1) {
      const reply = await stack.gateway.inject({
        method: 'GET',
        url: `/app/v1_1/articles?channel_id=1&timestamp=${timestamp}&with_top=1`,
      });
      expect(reply.statusCode).toBe(200);
      const { data } = reply.json<{ data: { pre_timestamp: number; results: typeof seen } }>();
      if (data.results.length === 0) break;
      // The first page leads with the channel's pinned article; the next goes on below it.
      if (pages === 0) {
        expect(data.results[0].is_top).toBe(1);
        seen.push(...data.results.slice(1));
      } else seen.push(...data.results);
      timestamp = data.pre_timestamp;
    }
    expect(pages).toBe(2);
    expect(seen.map((card) => card.is_top)).not.toContain(1);
    expect(new Set(seen.map((card) => card.art_id)).size).toBe(11);
    expect(seen.filter((card) => card.cover.type > 0).length).toBeGreaterThanOrEqual(8);
    const search = await stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0/search?q=${encodeURIComponent('Redis')}`,
    });
    expect(search.json<{ data: { total_count: number } }>().data.total_count).toBeGreaterThan(0);
  });

  /** The candidates jobs the news service relayed from its outbox, once it has relayed them all. */
  const relayedCandidateJobs = async (): Promise<string[]> => {
    const deadline = Date.now() + 10_000;
    while ((await count('SELECT COUNT(*) AS n FROM news_job_outbox')) > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const jobs = await candidates.getJobs(['waiting', 'prioritized', 'delayed']);
    return jobs.map((job) => (job.data as { articleId: string }).articleId).sort();
  };

  it('puts every demo article in the recommend pools the way an approval does: one candidates job each', async () => {
    const ids = (
      (await stack.sql('SELECT article_id FROM news_article_basic ORDER BY article_id')) as Array<{
        article_id: string;
      }>
    )
      .map((row) => String(row.article_id))
      .sort();
    expect(await relayedCandidateJobs()).toEqual(ids);
  });

  it('changes nothing when loaded again, and completes a database that holds part of it', async () => {
    const before = await everything(stack, uploads);
    await load();
    expect(await everything(stack, uploads)).toEqual(before);
    expect(await count('SELECT COUNT(*) AS n FROM news_job_outbox')).toBe(0);

    // As a database loaded by an earlier, smaller demo seed: rows, files and counters missing.
    await stack.sql('DELETE FROM news_article_basic WHERE MOD(article_id, 3) = 0');
    await stack.sql('DELETE FROM news_comment WHERE MOD(comment_id, 2) = 0');
    await stack.sql(`DELETE FROM user_relation WHERE user_id = ${XIAOMING}`);
    await stack.state.zadd(CounterKeys.userArticles, 75, AUTHOR);
    await stack.state.del(CounterKeys.articleLikes, StateKeys.channelTopArticles(0));
    rmSync(join(uploads, readdirSync(uploads).filter((file) => file !== DEFAULT_PHOTO_KEY)[0]));
    await load();
    expect(await everything(stack, uploads)).toEqual(before);
  }, 60_000);
});
