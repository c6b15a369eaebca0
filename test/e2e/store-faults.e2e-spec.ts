import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CounterKeys, queueConnectionOptions, StateKeys } from '@app/cache';
import { loadConfig } from '@app/config';
import {
  createTestRedis,
  eventually,
  freePort,
  nextEvent,
  type RedisServer,
  startRedisServer,
  storeSmsCode,
  withTestConnection,
} from '@app/testing';
import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, JobName, jobId, QueueName, queuePrefix } from '@app/queue';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { io, type Socket } from 'socket.io-client';

import { HotCounters } from '../../apps/gateway/src/articles/hot-counters';
import { imEnvSchema } from '../../apps/im/src/config/im.config';
import { createIm } from '../../apps/im/src/main';
import { AuthoringService } from '../../apps/news/src/authoring/authoring.service';
import { RelationType } from '../../apps/user/src/relations/relation.entity';
import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { startWorker } from '../../apps/worker/src/main';
import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
  startRecommendOnStack,
} from './support/article-stack';
import { articleIdAt, sqlTime } from './support/article-times';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const T0 = Date.parse('2024-01-01T00:00:00Z');
const TIMES = Array.from({ length: 60 }, (_, index) => T0 + (index + 1) * 60_000);
const ARTICLES = TIMES.map(articleIdAt);

/**
 * Far more than a request waits while Redis is down (two reconnection attempts, at most
 * REDIS_RECONNECT_MAX_MS apart), far less than a hang.
 */
const DOWN_ANSWER_MS = 5_000;
/**
 * What a request answers while a store is down: 503, or 504 when the gateway's deadline on a
 * service passed first (a service that met several failing commands in a row, on a busy machine).
 */
const DOWN_ANSWERS: Array<[number, string]> = [
  [503, '{"message":"Service unavailable."}'],
  [504, '{"message":"Service timed out."}'],
];

interface FeedBody {
  data: { results: Array<{ art_id: string }> };
}

/** Each answer is one a request gets while a store is down, in time. */
function expectRefusedWhileDown(
  answers: Record<string, { status: number; body: string; ms: number }>,
): void {
  for (const [request, answer] of Object.entries(answers)) {
    expect(DOWN_ANSWERS.map((expected) => [request, ...expected])).toContainEqual([
      request,
      answer.status,
      answer.body,
    ]);
    expect(answer.ms).toBeLessThan(DOWN_ANSWER_MS);
  }
}

/**
 * The cache role on a Redis that keeps nothing (as deployed: it may evict and may be lost), the
 * state and queue roles on one that keeps an append-only file (as deployed), and the user, news
 * and recommend services and a gateway on them and on a database of their own.
 */
describe('store faults (e2e: gateway, user, news, recommend, worker and im on Redis servers of their own)', () => {
  let cacheServer: RedisServer;
  let stateServer: RedisServer;
  let stack: ArticleStack;
  let recommend: INestApplicationContext;
  let token: string;

  const call = async (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: Record<string, unknown>,
  ) => {
    const started = Date.now();
    const response = await stack.gateway.inject({
      method,
      url,
      headers: { authorization: token },
      payload,
    });
    return { status: response.statusCode, ms: Date.now() - started, body: response.body };
  };
  const detail = (articleId: string) => call('GET', `/app/v1_0/articles/${articleId}`);
  const like = (articleId: string) =>
    call('POST', '/app/v1_0/article/likings', { target: articleId });
  const feed = (channelId = 1) =>
    call('GET', `/app/v1_1/articles?channel_id=${channelId}&timestamp=${Date.now()}&with_top=1`);
  const fallbacks = async () =>
    [
      ...(await call('GET', '/metrics')).body.matchAll(
        /^feed_recommend_fallback_total\{[^}]*\} (\d+)$/gm,
      ),
    ].reduce((sum, match) => sum + Number(match[1]), 0);
  const feedIds = (body: string) =>
    (JSON.parse(body) as FeedBody).data.results.map((card) => card.art_id);
  const counter = async (key: string, articleId: string) =>
    Number((await stack.state.zscore(key, articleId)) ?? 0);
  /** Whether MySQL holds the reader's like of the article (an unliked row holds no attitude). */
  const liked = async (articleId: string) => {
    const sql = 'SELECT 1 FROM news_attitude WHERE user_id = ? AND article_id = ? AND attitude = 1';
    return ((await stack.sql(sql, [READER, articleId])) as unknown[]).length === 1;
  };

  beforeAll(async () => {
    [cacheServer, stateServer] = await Promise.all([
      startRedisServer({ appendOnly: false }),
      startRedisServer({ appendOnly: true }),
    ]);
    stack = await startArticleStack(
      { COUNTER_FLUSH_MS: 500 },
      createTestRedis({ cache: cacheServer.url, state: stateServer.url }),
    );
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
    ]);
    await stack.sql(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)`,
    );
    await seedArticles(
      stack,
      ARTICLES.map((id, index) => ({
        id,
        authorId: AUTHOR,
        channelId: 1,
        title: `article ${index}`,
        status: 2,
        createdAt: sqlTime(TIMES[index]),
      })),
    );
    // Started on the seeded tables, so that its pools hold them.
    recommend = await startRecommendOnStack(stack);
    token = `Bearer ${await stack.signIn(READER)}`;
    // A reader with a reading history is dealt batches the recommend service draws (not a cold start).
    expect((await detail(ARTICLES[59])).status).toBe(200);
    await eventually(
      () => stack.state.exists(StateKeys.readingHistory(READER)),
      (exists) => exists === 1,
      'the reading history',
    );
    // The first calls to the recommend service may pay for connecting and fall back: ask until
    // one batch came from the service (its run is queued; the test takes the batches after it).
    await eventually(
      async () => {
        const counted = await fallbacks();
        await feed();
        return (await fallbacks()) === counted;
      },
      (served) => served,
      'a batch from the recommend service',
    );
  });

  afterAll(async () => {
    await recommend?.close();
    await stack?.close();
    await cacheServer?.remove();
    await stateServer?.remove();
  });

  it('answers 503 quickly while Redis is down and changes nothing; after its restart every app serves again and nothing acknowledged is lost', async () => {
    expect((await like(ARTICLES[0])).status).toBe(201);
    const counted = await fallbacks();
    const shownBefore = feedIds((await feed()).body);
    expect(shownBefore).toHaveLength(10);
    expect(await fallbacks()).toBe(counted);
    // Read just before the crash: the read is counted in the gateway's buffer, not yet in Redis.
    expect((await detail(ARTICLES[1])).status).toBe(200);
    expect(await counter(CounterKeys.articleReads, ARTICLES[1])).toBe(0);

    await Promise.all([cacheServer.crash(), stateServer.crash()]);
    try {
      const whileDown = {
        detail: await detail(ARTICLES[2]),
        like: await like(ARTICLES[3]),
        feed: await feed(),
        profile: await call('GET', '/app/v1_0/user'),
      };
      expectRefusedWhileDown(whileDown);
      expect(await liked(ARTICLES[3])).toBe(false);
      // The buffer's write comes due while Redis is down.
      await new Promise((resolve) => setTimeout(resolve, 600));
    } finally {
      await Promise.all([cacheServer.start(), stateServer.start()]);
    }
    // The session was acknowledged before the crash: the same token still signs the reader in.
    await eventually(
      () => call('GET', '/app/v1_0/user'),
      (answer) => answer.status === 200,
      'the profile after the restart',
    );
    expect(
      await eventually(
        () => counter(CounterKeys.articleReads, ARTICLES[1]),
        (reads) => reads > 0,
        'the buffered read',
      ),
    ).toBe(1);
    expect(await counter(CounterKeys.articleLikes, ARTICLES[0])).toBe(1);
    expect(JSON.parse((await detail(ARTICLES[0])).body)).toMatchObject({
      data: { art_id: ARTICLES[0], attitude: 1 },
    });
    expect((await like(ARTICLES[3])).status).toBe(201);
    expect(await counter(CounterKeys.articleLikes, ARTICLES[3])).toBe(1);
    // The gateway's queued batches were in the cache and are gone; what the reader was shown is
    // the recommend service's, on the state role, and is not shown again.
    const fallbacksAfter = await fallbacks();
    const shownAfter = feedIds((await feed()).body);
    expect(shownAfter).toHaveLength(10);
    expect(await fallbacks()).toBe(fallbacksAfter);
    expect(shownAfter.filter((id) => shownBefore.includes(id))).toEqual([]);
  });

  it('takes back likes of an article and a comment and a follow whose counters could not move while the state Redis alone was down', async () => {
    const follow = () => call('POST', '/app/v1_0/user/followings', { target: AUTHOR });
    const follows = async () => {
      const sql =
        'SELECT 1 FROM user_relation WHERE user_id = ? AND target_user_id = ? AND relation = ?';
      return (
        ((await stack.sql(sql, [READER, AUTHOR, RelationType.Follow])) as unknown[]).length === 1
      );
    };
    // Read once, so that the writes get past their reads on the cache role.
    expect((await detail(ARTICLES[20])).status).toBe(200);
    const posted = await call('POST', '/app/v1_0/comments', {
      target: ARTICLES[20],
      content: 'first',
    });
    expect(posted.status).toBe(201);
    const commentId = (JSON.parse(posted.body) as { data: { com_id: string } }).data.com_id;
    const likeComment = () => call('POST', '/app/v1_0/comment/likings', { target: commentId });
    const commentLiked = async () => {
      const sql =
        'SELECT 1 FROM news_comment_liking WHERE user_id = ? AND comment_id = ? AND is_deleted = 0';
      return ((await stack.sql(sql, [READER, commentId])) as unknown[]).length === 1;
    };

    // The gateway trusts a session status it read for SESSION_STATUS_CACHE_MS: sent together right
    // after one was read, the three writes pass its guard and reach their services while Redis is down.
    expect((await call('GET', '/app/v1_0/user')).status).toBe(200);
    await stateServer.crash();
    try {
      const [articleLike, followed, commentLike] = await Promise.all([
        like(ARTICLES[20]),
        follow(),
        likeComment(),
      ]);
      expectRefusedWhileDown({ like: articleLike, follow: followed, commentLike });
      expect(await liked(ARTICLES[20])).toBe(false);
      expect(await follows()).toBe(false);
      expect(await commentLiked()).toBe(false);
    } finally {
      await stateServer.start();
    }
    await eventually(
      () => like(ARTICLES[20]),
      (answer) => answer.status === 201,
      'the like after the restart',
    );
    expect((await follow()).status).toBe(201);
    expect((await likeComment()).status).toBe(201);
    expect(await liked(ARTICLES[20])).toBe(true);
    expect(await follows()).toBe(true);
    expect(await commentLiked()).toBe(true);
    expect(await counter(CounterKeys.articleLikes, ARTICLES[20])).toBe(1);
    expect(await counter(CounterKeys.userFollowers, AUTHOR)).toBe(1);
    expect(await counter(CounterKeys.commentLikes, commentId)).toBe(1);
  });

  it('lists after the restart every comment it acknowledged while the state Redis was down, and stores none it refused', async () => {
    const ARTICLE = ARTICLES[30];
    const comments = async () =>
      (await stack.sql('SELECT comment_id FROM news_comment WHERE article_id = ?', [
        ARTICLE,
      ])) as unknown[];
    // Read once, so that the comment gets past its read of the article on the cache role.
    expect((await detail(ARTICLE)).status).toBe(200);
    expect((await call('GET', '/app/v1_0/user')).status).toBe(200);
    await stateServer.crash();
    let posted: Awaited<ReturnType<typeof call>>;
    try {
      posted = await call('POST', '/app/v1_0/comments', { target: ARTICLE, content: 'while down' });
    } finally {
      await stateServer.start();
    }
    await eventually(
      () => call('GET', '/app/v1_0/user'),
      (answer) => answer.status === 200,
      'the profile after the restart',
    );
    const listed = async () =>
      (
        JSON.parse((await call('GET', `/app/v1_0/comments?type=a&source=${ARTICLE}`)).body) as {
          data: { results: Array<{ com_id: string }> };
        }
      ).data.results.map((comment) => comment.com_id);
    const acknowledged =
      posted.status === 201
        ? [(JSON.parse(posted.body) as { data: { com_id: string } }).data.com_id]
        : [];
    expect(await listed()).toEqual(acknowledged);
    expectRefusedWhileDown({ comment: posted });
    expect(await comments()).toEqual([]);

    const again = await call('POST', '/app/v1_0/comments', { target: ARTICLE, content: 'again' });
    expect(again.status).toBe(201);
    expect(await listed()).toEqual([
      (JSON.parse(again.body) as { data: { com_id: string } }).data.com_id,
    ]);
    expect(await counter(CounterKeys.articleComments, ARTICLE)).toBe(1);
  });

  it('counts after the restart the reading-time report and the read origin it acknowledged while the state Redis was down', async () => {
    const ARTICLE = ARTICLES[50];
    const click = JSON.stringify({
      action: 'click',
      userId: '0',
      articleId: ARTICLE,
      algorithmCombine: 'latest',
    });
    const anonymously = (method: 'GET' | 'POST', url: string, payload?: object) =>
      stack.gateway.inject({
        method,
        url,
        headers: { trace: click },
        ...(payload ? { payload } : {}),
      });
    const readingStats = () => stack.state.hgetall(StateKeys.articleReadingStats(ARTICLE));
    // Read once, so that the report and the view find the article on the cache role.
    expect((await anonymously('GET', `/app/v1_0/articles/${ARTICLE}`)).statusCode).toBe(200);
    await eventually(readingStats, (stats) => stats.from_channel === '1', 'the first view counted');

    await stateServer.crash();
    try {
      const report = await anonymously('POST', '/app/v1_0/reading/durations', {
        art_id: ARTICLE,
        duration: 30,
      });
      expect([report.statusCode, report.body]).toEqual([201, '{"message":"OK"}']);
      expect((await anonymously('GET', `/app/v1_0/articles/${ARTICLE}`)).statusCode).toBe(200);
      // The gateway's write of them meets the state Redis down: refused, its sums stay buffered.
      const counters = stack.gateway.get(HotCounters);
      await counters.flush();
      expect(counters.size).toBeGreaterThan(0);
    } finally {
      await stateServer.start();
    }
    expect(
      await eventually(
        readingStats,
        (stats) => stats.reports === '1',
        'the report acknowledged while down',
      ),
    ).toMatchObject({ reports: '1', seconds: '30', from_channel: '2' });
  });

  it('answers 503 for a comment whose MySQL connection was killed before its commit, and stores and counts nothing of it', async () => {
    const ARTICLE = ARTICLES[31];
    expect((await call('POST', '/app/v1_0/user/followings', { target: AUTHOR })).status).toBe(201);
    expect((await detail(ARTICLE)).status).toBe(200);
    await stack.sql(
      'INSERT IGNORE INTO news_article_statistic (article_id, fans_comment_count) VALUES (?, 0)',
      [ARTICLE],
    );
    const waiting = async () =>
      (await stack.sql(
        "SELECT id FROM information_schema.processlist WHERE db = ? AND info LIKE 'INSERT INTO news_article_statistic%'",
        [stack.database.settings.MYSQL_DATABASE],
      )) as Array<{ id: number }>;
    // A fan's comment moves the article's statistic row last in its transaction: held here, the
    // comment waits there, its other rows written and its counters moved.
    const posted = await withTestConnection(stack.database.settings, async (query) => {
      await query('BEGIN');
      await query(
        'SELECT fans_comment_count FROM news_article_statistic WHERE article_id = ? FOR UPDATE',
        [ARTICLE],
      );
      const answer = call('POST', '/app/v1_0/comments', { target: ARTICLE, content: 'killed' });
      const [blocked] = await eventually(waiting, (ids) => ids.length === 1, 'the comment waiting');
      await stack.sql(`KILL CONNECTION ${Number(blocked.id)}`);
      const answered = await answer;
      await query('ROLLBACK');
      return answered;
    });
    expect([posted.status, posted.body]).toEqual([503, '{"message":"Service unavailable."}']);
    expect(
      await stack.sql('SELECT comment_id FROM news_comment WHERE article_id = ?', [ARTICLE]),
    ).toEqual([]);
    expect(await counter(CounterKeys.articleComments, ARTICLE)).toBe(0);
    expect(
      await stack.sql(
        'SELECT fans_comment_count FROM news_article_statistic WHERE article_id = ?',
        [ARTICLE],
      ),
    ).toEqual([{ fans_comment_count: 0 }]);

    expect(
      (await call('POST', '/app/v1_0/comments', { target: ARTICLE, content: 'again' })).status,
    ).toBe(201);
    expect(await counter(CounterKeys.articleComments, ARTICLE)).toBe(1);
  });

  it('changes nothing for a like, a collection or a follow it refuses while the cache Redis alone is down', async () => {
    const ARTICLE = ARTICLES[32];
    const FOLLOWED = '1294287382374383620';
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status) VALUES (?, '13900000099', 'followed', 1)`,
      [FOLLOWED],
    );
    const follows = async () =>
      (await stack.sql(
        'SELECT 1 FROM user_relation WHERE user_id = ? AND target_user_id = ? AND relation = ?',
        [READER, FOLLOWED, RelationType.Follow],
      )) as unknown[];
    const collected = async () =>
      (await stack.sql(
        'SELECT 1 FROM news_collection WHERE user_id = ? AND article_id = ? AND is_deleted = 0',
        [READER, ARTICLE],
      )) as unknown[];
    // Read just before: the services still hold the article's card in process.
    expect((await detail(ARTICLE)).status).toBe(200);
    expect((await call('GET', '/app/v1_0/user')).status).toBe(200);
    await cacheServer.crash();
    let answers: Record<string, Awaited<ReturnType<typeof call>>>;
    try {
      const [liking, collecting, following] = await Promise.all([
        like(ARTICLE),
        call('POST', '/app/v1_0/article/collections', { target: ARTICLE }),
        call('POST', '/app/v1_0/user/followings', { target: FOLLOWED }),
      ]);
      answers = { like: liking, collect: collecting, follow: following };
    } finally {
      await cacheServer.start();
    }
    const refused = Object.entries(answers).filter(([, answer]) => answer.status !== 201);
    const changed = {
      liked: await liked(ARTICLE),
      likes: await counter(CounterKeys.articleLikes, ARTICLE),
      collected: (await collected()).length,
      collections: await counter(CounterKeys.articleCollections, ARTICLE),
      followed: (await follows()).length,
      followers: await counter(CounterKeys.userFollowers, FOLLOWED),
    };
    expect({ refused: refused.map(([name]) => name), changed }).toEqual({
      refused: refused.map(([name]) => name),
      changed: {
        liked: answers.like.status === 201,
        likes: answers.like.status === 201 ? 1 : 0,
        collected: answers.collect.status === 201 ? 1 : 0,
        collections: answers.collect.status === 201 ? 1 : 0,
        followed: answers.follow.status === 201 ? 1 : 0,
        followers: answers.follow.status === 201 ? 1 : 0,
      },
    });
    expectRefusedWhileDown(Object.fromEntries(refused));
  });

  it('changes nothing for a review it refuses while the cache Redis is down', async () => {
    const PENDING = articleIdAt(T0 + 7_260_000);
    await seedArticles(stack, [
      {
        id: PENDING,
        authorId: AUTHOR,
        channelId: 1,
        title: 'reviewed while the cache is down',
        status: 1,
        createdAt: sqlTime(T0 + 7_260_000),
      },
    ]);
    const status = async () =>
      (
        (await stack.sql('SELECT status FROM news_article_basic WHERE article_id = ?', [
          PENDING,
        ])) as Array<{ status: number }>
      )[0].status;
    await cacheServer.crash();
    let outcome: unknown;
    try {
      outcome = await stack
        .newsService!.get(AuthoringService)
        .review({ articleId: PENDING, status: 2, reviewerId: 1, rejectReason: '' })
        .catch((error: unknown) => error);
    } finally {
      await cacheServer.start();
    }
    const approved = !(outcome instanceof Error);
    expect({ approved, status: await status() }).toEqual({ approved, status: approved ? 2 : 1 });
  });

  it('changes nothing for a profile save it refuses while the cache Redis is down', async () => {
    const intro = async () => {
      const sql = 'SELECT introduction FROM user_basic WHERE user_id = ?';
      const [row] = (await stack.sql(sql, [READER])) as Array<{ introduction: string | null }>;
      return row.introduction;
    };
    const before = await intro();
    const save = (text: string) => call('PATCH', '/app/v1_0/user/profile', { intro: text });
    await cacheServer.crash();
    let saved: Awaited<ReturnType<typeof call>>;
    try {
      saved = await save('saved while the cache is down');
    } finally {
      await cacheServer.start();
    }
    const accepted = saved.status === 201;
    expect({ status: saved.status, intro: await intro() }).toEqual({
      status: saved.status,
      intro: accepted ? 'saved while the cache is down' : before,
    });
    if (!accepted) expectRefusedWhileDown({ save: saved });

    const again = await eventually(
      () => save('saved after the restart'),
      (answer) => answer.status === 201,
      'the save after the restart',
    );
    expect(again.status).toBe(201);
    expect(JSON.parse((await call('GET', '/app/v1_0/user')).body)).toMatchObject({
      data: { intro: 'saved after the restart' },
    });
  });

  it('answers a channel change it committed as done when the cache Redis went down during it', async () => {
    const sequences = async () =>
      (
        (await stack.sql(
          'SELECT sequence FROM news_user_channel WHERE user_id = ? AND channel_id = 1 AND is_deleted = 0',
          [READER],
        )) as Array<{ sequence: number }>
      ).map((row) => row.sequence);
    await stack.sql(
      'INSERT INTO news_user_channel (user_id, channel_id, sequence, is_deleted) VALUES (?, 1, 1, 0)',
      [READER],
    );
    const waiting = async () =>
      (await stack.sql(
        "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID() AND info LIKE '%news_user_channel%'",
        [stack.database.settings.MYSQL_DATABASE],
      )) as Array<{ id: number }>;
    // Held here, the change waits in its transaction, its cached list dropped before it; the cache
    // Redis goes down before the change commits, so the drop after it fails.
    let moved: Awaited<ReturnType<typeof call>>;
    try {
      moved = await withTestConnection(stack.database.settings, async (query) => {
        await query('BEGIN');
        await query(
          'SELECT sequence FROM news_user_channel WHERE user_id = ? AND channel_id = 1 FOR UPDATE',
          [READER],
        );
        const answer = call('PATCH', '/app/v1_0/user/channels', { channels: [{ id: 1, seq: 5 }] });
        await eventually(waiting, (ids) => ids.length === 1, 'the change waiting');
        await cacheServer.crash();
        await query('ROLLBACK');
        return answer;
      });
    } finally {
      await cacheServer.start();
    }
    expect({ status: moved.status, sequences: await sequences() }).toEqual({
      status: 201,
      sequences: [5],
    });
    const listed = await eventually(
      () => call('GET', '/app/v1_0/user/channels'),
      (answer) => answer.status === 200,
      'the channels after the restart',
    );
    expect(JSON.parse(listed.body)).toMatchObject({
      data: { channels: [{ id: 0 }, { id: 1 }] },
    });
  });

  it('lets the worker finish a job it was running when Redis crashed, and take new ones, sending each SMS once', async () => {
    const inboxDir = mkdtempSync(join(tmpdir(), 'tt-sms-'));
    const inbox = join(inboxDir, 'sms.jsonl');
    const sent = () =>
      existsSync(inbox) ? readFileSync(inbox, 'utf8').trim().split('\n').filter(Boolean) : [];
    const worker = await startWorker(
      loadConfig(workerEnvSchema, {
        ...stack.env,
        WORKER_PORT: String(await freePort()),
        HTTP_HOST: '127.0.0.1',
        WORKER_QUEUES: 'sms',
        SMS_LOG_FILE: inbox,
        // The provider call outlasts the crash below.
        SMS_LOG_LATENCY_MS: '1500',
      }),
    );
    const queue = new Queue(JOB_QUEUE[JobName.SendSmsCode], {
      connection: queueConnectionOptions(stack.redis.queueUrl),
      prefix: queuePrefix(stack.redis.prefix),
    });
    const send = async (mobile: string) => {
      const id = jobId(JobName.SendSmsCode, 'app', mobile, 'restart');
      await storeSmsCode(stack.redis, 'app', mobile, '482913');
      await queue.add(
        JobName.SendSmsCode,
        { mobile, code: '482913', scope: 'app' },
        { ...DEFAULT_JOB_OPTIONS, jobId: id },
      );
      return id;
    };
    try {
      const during = await send('13911111111');
      await eventually(
        () => queue.getJobState(during),
        (state) => state === 'active',
        'the job running',
      );
      await stateServer.crash();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await stateServer.start();
      const after = await send('13911111112');

      for (const id of [during, after]) {
        expect(
          await eventually(
            () => queue.getJobState(id),
            (state) => state === 'completed',
            `job ${id}`,
            60_000,
          ),
        ).toBe('completed');
      }
      const mobiles = sent().map((line) => (JSON.parse(line) as { mobile: string }).mobile);
      expect(mobiles.sort()).toEqual(['13911111111', '13911111112']);
    } finally {
      await queue.close();
      await worker.close();
      rmSync(inboxDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('keeps the search and candidate jobs of a review committed while the queue Redis was down, and enqueues them once it is back', async () => {
    const REVIEWED = articleIdAt(T0 + 7_200_000);
    await seedArticles(stack, [
      {
        id: REVIEWED,
        authorId: AUTHOR,
        channelId: 1,
        title: 'reviewed while down',
        status: 1,
        createdAt: sqlTime(T0 + 7_200_000),
      },
    ]);
    const queues = [QueueName.SearchIndex, QueueName.Candidates].map(
      (name) =>
        new Queue(name, {
          connection: queueConnectionOptions(stack.redis.queueUrl),
          prefix: queuePrefix(stack.redis.prefix),
        }),
    );
    const jobsOfReviewed = async () =>
      (
        await Promise.all(
          queues.map((queue) =>
            queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'], 0, -1),
          ),
        )
      )
        .flat()
        .filter((job) => (job.data as { articleId?: string }).articleId === REVIEWED)
        .map((job) => job.name)
        .sort();
    try {
      await stateServer.crash();
      try {
        const review = await stack.newsService!.get(AuthoringService).review({
          articleId: REVIEWED,
          status: 2,
          reviewerId: 1,
          rejectReason: '',
        });
        expect(review).toEqual({ articleId: REVIEWED, status: 2 });
        const outbox = await stack.sql('SELECT job_name FROM news_job_outbox ORDER BY outbox_id');
        expect(outbox).toEqual([
          { job_name: JobName.IndexArticle },
          { job_name: JobName.RefreshCandidate },
        ]);
      } finally {
        await stateServer.start();
      }
      // The relay's next round (every OUTBOX_RELAY_INTERVAL_MS) takes them.
      expect(
        await eventually(jobsOfReviewed, (names) => names.length === 2, 'the jobs of the review'),
      ).toEqual([JobName.IndexArticle, JobName.RefreshCandidate]);
      // A relayed row is deleted once its job is enqueued, so a moment after the job is seen.
      expect(
        await eventually(
          async () => (await stack.sql('SELECT job_name FROM news_job_outbox')) as unknown[],
          (rows) => rows.length === 0,
          'the outbox emptied',
        ),
      ).toEqual([]);
    } finally {
      await Promise.all(queues.map((queue) => queue.close()));
    }
  });

  it('delivers a follow notification to a reader connected through the restart, and lets new readers in', async () => {
    const im = await createIm(loadConfig(imEnvSchema, stack.env));
    const port = await freePort();
    await im.listen(port, '127.0.0.1');
    const sockets: Socket[] = [];
    const connect = (query: Record<string, string>) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = io(`http://127.0.0.1:${port}`, {
          transports: ['websocket'],
          query,
          reconnection: false,
          forceNew: true,
        });
        sockets.push(socket);
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      });
    // The adapter of every replica listens on this channel once its subscription is live.
    const subscribed = async () => {
      const reply = await stack.redis
        .client('state')
        .call('PUBSUB', 'NUMSUB', `${stack.redis.prefix}socket.io-request#/#`);
      return Array.isArray(reply) && Number(reply[1]) >= 1;
    };
    try {
      const reader = await connect({ token: token.replace('Bearer ', '') });
      await stateServer.crash();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await stateServer.start();
      await eventually(subscribed, (live) => live, "im's adapter subscribed again");
      expect(reader.connected).toBe(true);

      const author = `Bearer ${await stack.signIn(AUTHOR)}`;
      const notified = nextEvent(reader, 'following notify');
      const followed = await stack.gateway.inject({
        method: 'POST',
        url: '/app/v1_0/user/followings',
        headers: { authorization: author },
        payload: { target: READER },
      });
      expect(followed.statusCode).toBe(201);
      expect(await notified).toMatchObject({ user_id: AUTHOR, user_name: 'author' });
      expect((await connect({ token: author.replace('Bearer ', '') })).connected).toBe(true);
    } finally {
      for (const socket of sockets) socket.disconnect();
      await im.close();
    }
  });

  it('serves reads and writes right after every MySQL connection of the apps was killed', async () => {
    const ours = async () =>
      (await stack.sql(
        'SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()',
        [stack.database.settings.MYSQL_DATABASE],
      )) as Array<{ id: number }>;
    // Both services hold pooled connections (the user service read the profile, news the articles).
    expect((await call('GET', `/app/v1_0/users/${AUTHOR}`)).status).toBe(200);
    const killed = await ours();
    expect(killed.length).toBeGreaterThan(0);
    for (const { id } of killed) await stack.sql(`KILL CONNECTION ${Number(id)}`);

    // A miss of news' caches (never read before) needs a MySQL read.
    const miss = await detail(ARTICLES[40]);
    expect(miss.status).toBe(200);
    expect(JSON.parse(miss.body)).toMatchObject({ data: { art_id: ARTICLES[40] } });
    expect((await like(ARTICLES[41])).status).toBe(201);
    expect(await liked(ARTICLES[41])).toBe(true);
    expect(await counter(CounterKeys.articleLikes, ARTICLES[41])).toBe(1);
    expect((await call('GET', `/app/v1_0/users/${READER}`)).status).toBe(200);
    const ids = new Set((await ours()).map(({ id }) => id));
    expect(killed.some(({ id }) => ids.has(id))).toBe(false);
  });
});
