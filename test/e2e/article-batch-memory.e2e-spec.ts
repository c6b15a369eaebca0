import { readFileSync } from 'node:fs';

import { ARTICLE_GRPC, GRPC_MAX_MESSAGE_BYTES, serviceConstructor } from '@app/grpc';
import {
  createTestDatabase,
  createTestKeys,
  createTestRedis,
  eventually,
  freePort,
  grpcHealthStatus,
  testEnv,
  type TestDatabase,
  type TestKeys,
  type TestRedis,
  withTestConnection,
} from '@app/testing';
import { type Client, credentials, type ServiceError } from '@grpc/grpc-js';

import { NEWS_SCHEMA } from '../../apps/news/src/database/news-schema';
import { type AppProcess, spawnApp } from './support/app-process';

const BOOT_MS = 90_000;
const AUTHOR = '1294287382374383716';
/** GetArticles' most ids a call: a batch of articles of about 1 MB each. */
const BATCH = 100;
const ARTICLE_BYTES = 1_000_000;
/** Batches asked for at once, as by several gateways (or gateway replicas) at the same time. */
const CONCURRENT = 4;
const IDS = Array.from(
  { length: BATCH },
  (_, index) => `13000000000000030${String(index).padStart(2, '0')}`,
);
const contentOf = (index: number): string =>
  `<p>${String.fromCharCode(97 + (index % 26)).repeat(ARTICLE_BYTES)}</p>`;

interface Detail {
  artId: string;
  content: string;
}
interface Reply {
  articles: Detail[];
  leftOutArticleIds: string[];
}
type ArticleClient = Client & {
  GetArticles(
    request: { articleIds: string[]; maxReplyBytes: number },
    callback: (error: ServiceError | null, reply?: Reply) => void,
  ): void;
};

/** Peak resident memory of `pid` so far (VmHWM), in MiB. */
const peakRssMiB = (pid: number): number => {
  const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!line) throw new Error(`no VmHWM for ${pid}`);
  return Math.round(Number(line[1]) / 1024);
};

/**
 * news asked for batches of 100 articles of about 1 MB each, several batches at once: a reply
 * holds 4 MiB, and news reads only what fits one, however large the batch.
 */
describe('GetArticles of large articles in full batches (news in a process of its own)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let keys: TestKeys;
  let news: AppProcess | undefined;
  let client: ArticleClient;

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    redis = createTestRedis();
    keys = createTestKeys();
    await withTestConnection(database.settings, async (query) => {
      for (const [index, id] of IDS.entries()) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, create_time, update_time)
           VALUES (?, ?, 1, ?, '{"type":0,"images":[]}', 2, NOW(), NOW())`,
          [id, AUTHOR, `large ${index}`],
        );
        await query('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
          id,
          contentOf(index),
        ]);
      }
    });
    const port = await freePort();
    news = spawnApp(
      'apps/news/src/main.ts',
      testEnv(database.settings, redis, {
        NEWS_GRPC_PORT: port,
        // The heap cap news is deployed with.
        NODE_OPTIONS: '--max-old-space-size=384',
      }),
    );
    await eventually(
      () => grpcHealthStatus(`127.0.0.1:${port}`).catch(() => 'down'),
      (health) => health === 'SERVING',
      'news serving',
      BOOT_MS,
      200,
    );
    const ArticleService = serviceConstructor(ARTICLE_GRPC);
    client = new ArticleService(
      `127.0.0.1:${port}`,
      credentials.createInsecure(),
    ) as unknown as ArticleClient;
  }, BOOT_MS + 120_000);

  afterAll(async () => {
    client?.close();
    if (news && news.child.exitCode === null && news.child.signalCode === null)
      news.child.kill('SIGKILL');
    await redis?.cleanup();
    await database?.drop();
    keys?.remove();
  });

  const getArticles = (articleIds: string[]): Promise<Reply> =>
    new Promise((resolve, reject) =>
      client.GetArticles({ articleIds, maxReplyBytes: GRPC_MAX_MESSAGE_BYTES }, (error, reply) =>
        error || !reply ? reject(error ?? new Error('no reply')) : resolve(reply),
      ),
    );

  /** Every article of `articleIds`, asking again for those a reply left out. */
  const readAll = async (articleIds: string[]): Promise<{ details: Detail[]; calls: number }> => {
    const details: Detail[] = [];
    let asking = articleIds;
    let calls = 0;
    while (asking.length > 0 && calls <= articleIds.length) {
      const reply = await getArticles(asking);
      calls += 1;
      details.push(...reply.articles);
      asking = reply.leftOutArticleIds;
    }
    return { details, calls };
  };

  const expectEveryArticle = (results: PromiseSettledResult<{ details: Detail[] }>[]): void => {
    expect(results.map((result) => result.status)).toEqual(results.map(() => 'fulfilled'));
    for (const result of results) {
      const { details } = (result as PromiseFulfilledResult<{ details: Detail[] }>).value;
      expect(details.map((detail) => detail.artId).sort()).toEqual([...IDS].sort());
      const byId = new Map(details.map((detail) => [detail.artId, detail.content]));
      expect(IDS.every((id, index) => byId.get(id) === contentOf(index))).toBe(true);
    }
  };

  it('answers every article of concurrent full batches, cold and cached, reading only what each reply holds', async () => {
    const pid = news!.child.pid!;
    const before = peakRssMiB(pid);
    const cold = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => readAll(IDS)));
    const afterCold = peakRssMiB(pid);
    // Now from Redis, where the first round cached them.
    const cached = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => readAll(IDS)));
    const running = news!.child.exitCode === null && news!.child.signalCode === null;
    const after = running ? peakRssMiB(pid) : NaN;
    process.stderr.write(
      `news VmHWM before ${before} MiB, after the cold batches ${afterCold} MiB, after the cached ones ${after} MiB ` +
        `(${CONCURRENT} concurrent batches of ${BATCH} articles of ${ARTICLE_BYTES} bytes)\n`,
    );
    expectEveryArticle(cold);
    expectEveryArticle(cached);
    // The process cache (64 MiB of JSON and its parsed copies) and four replies of 4 MiB at a time
    // with what reading them takes, where four batches read whole took some 600 MiB.
    expect(after - before).toBeLessThan(300);
  }, 300_000);

  it('answers the first articles that fit one reply and names the others, in the order asked', async () => {
    const unknown = '1300000000000009999';
    const asked = [IDS[0], unknown, ...IDS.slice(1, 10)];
    const reply = await getArticles(asked);
    const answered = reply.articles.map((detail) => detail.artId);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length).toBeLessThanOrEqual(GRPC_MAX_MESSAGE_BYTES / ARTICLE_BYTES);
    // The unknown id is answered as none (not left out), the others are all there once.
    expect([...answered, ...reply.leftOutArticleIds]).toEqual(asked.filter((id) => id !== unknown));
  });

  it('answers a caller that predates max_reply_bytes every article in one reply', async () => {
    const ids = IDS.slice(0, 3);
    const reply = await new Promise<Reply>((resolve, reject) =>
      client.GetArticles({ articleIds: ids, maxReplyBytes: 0 }, (error, answer) =>
        error || !answer ? reject(error ?? new Error('no reply')) : resolve(answer),
      ),
    );
    expect(reply.articles.map((detail) => detail.artId)).toEqual(ids);
    expect(reply.leftOutArticleIds).toEqual([]);
  });
});
