import { setTimeout as sleep } from 'node:timers/promises';

import { CounterKeys } from '@app/cache';
import { loadConfig } from '@app/config';
import { eventually, freePort, type MariaDbServer, startMariaDbServer } from '@app/testing';

import { AuthoringService } from '../../apps/news/src/authoring/authoring.service';
import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { type RunningWorker, startWorker } from '../../apps/worker/src/main';
import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { articleIdAt, sqlTime } from './support/article-times';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
/** A user whose profile nothing reads before the crash: not in any cache. */
const STRANGER = '1294287382374383618';
const T0 = Date.parse('2024-01-01T00:00:00Z');
const TIMES = Array.from({ length: 6 }, (_, index) => T0 + (index + 1) * 60_000);
const ARTICLES = TIMES.map(articleIdAt);

/** Far more than a request waits on a MySQL that refuses connections, far less than a hang. */
const DOWN_ANSWER_MS = 5_000;
/**
 * What a request that needs MySQL answers while it is down: its connections are refused at once,
 * so not the 504 of a call that waited out its deadline (a hang, which this server does not have).
 */
const DOWN_ANSWERS: Array<[number, string]> = [[503, '{"message":"Service unavailable."}']];
/** The news service's job outbox relay reads MySQL every second (OUTBOX_RELAY_INTERVAL_MS). */
const OUTBOX_RELAY_INTERVAL_MS = 1_000;
/** Connections in each app's pool (testEnv's MYSQL_POOL_SIZE). */
const POOL_SIZE = 4;
/** Well past the apps' pools opening new connections to the restarted server. */
const BACK_WITHIN_MS = 10_000;

interface Answer {
  status: number;
  body: string;
  ms: number;
}

/**
 * The user and news services, a gateway and the worker on a MariaDB server of the test's own,
 * killed with SIGKILL and started again on the same data folder, as a crashed database host is.
 */
describe('MySQL restart (e2e: gateway, user, news and worker on a MariaDB server of their own)', () => {
  let mariadb: MariaDbServer;
  let stack: ArticleStack;
  let worker: RunningWorker;
  let token: string;

  const call = async (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: Record<string, unknown>,
  ): Promise<Answer> => {
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
  const comment = (articleId: string, content: string) =>
    call('POST', '/app/v1_0/comments', { target: articleId, content });
  const saveIntro = (intro: string) => call('PATCH', '/app/v1_0/user/profile', { intro });
  const workerReadiness = async (): Promise<Answer> => {
    const started = Date.now();
    const response = await fetch(`http://127.0.0.1:${worker.port}/health/ready`);
    return { status: response.status, body: await response.text(), ms: Date.now() - started };
  };

  const counter = async (key: string, id: string) =>
    Number((await stack.state.zscore(key, id)) ?? 0);
  const liked = async (articleId: string) =>
    (
      (await stack.sql(
        'SELECT 1 FROM news_attitude WHERE user_id = ? AND article_id = ? AND attitude = 1',
        [READER, articleId],
      )) as unknown[]
    ).length === 1;
  const commentsOn = async (articleId: string) =>
    (
      (await stack.sql('SELECT content FROM news_comment WHERE article_id = ?', [
        articleId,
      ])) as Array<{ content: string }>
    ).map((row) => row.content);
  const intro = async () =>
    (
      (await stack.sql('SELECT introduction FROM user_basic WHERE user_id = ?', [
        READER,
      ])) as Array<{ introduction: string | null }>
    )[0].introduction;

  beforeAll(async () => {
    mariadb = await startMariaDbServer();
    stack = await startArticleStack({}, undefined, mariadb.address);
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
      { id: STRANGER, name: 'stranger' },
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
        // The last one waits for review.
        status: index === ARTICLES.length - 1 ? 1 : 2,
        createdAt: sqlTime(TIMES[index]),
      })),
    );
    worker = await startWorker(
      loadConfig(workerEnvSchema, {
        ...stack.env,
        WORKER_PORT: String(await freePort()),
        HTTP_HOST: '127.0.0.1',
      }),
    );
    token = `Bearer ${await stack.signIn(READER)}`;
  });

  afterAll(async () => {
    await worker?.close();
    await stack?.close();
    await mariadb?.remove();
  });

  it('answers 503 quickly while MariaDB is down and stores nothing; after its restart every app serves again and every acknowledged write is there', async () => {
    const [LIKED, COMMENTED, LIKED_WHILE_DOWN, COMMENTED_WHILE_DOWN, NEVER_READ, PENDING] =
      ARTICLES;
    // Read once, so that the writes get past their reads of the article on the cache role.
    for (const articleId of [LIKED, COMMENTED, LIKED_WHILE_DOWN, COMMENTED_WHILE_DOWN])
      expect((await detail(articleId)).status).toBe(200);
    expect((await like(LIKED)).status).toBe(201);
    expect((await comment(COMMENTED, 'before the crash')).status).toBe(201);
    expect((await saveIntro('saved before the crash')).status).toBe(201);
    expect((await workerReadiness()).status).toBe(200);

    await mariadb.crash();
    let whileDown: Record<string, Answer>;
    try {
      whileDown = {
        like: await like(LIKED_WHILE_DOWN),
        comment: await comment(COMMENTED_WHILE_DOWN, 'while down'),
        profileSave: await saveIntro('saved while down'),
        // Not in any cache: read from MySQL.
        detail: await detail(NEVER_READ),
        stranger: await call('GET', `/app/v1_0/users/${STRANGER}`),
      };
      // More refused reads than each service's pool has connections: a pool that kept a slot for
      // each connection it failed to open would have none left after the restart.
      for (let attempt = 1; attempt <= POOL_SIZE; attempt++) {
        whileDown[`detail ${attempt}`] = await detail(NEVER_READ);
        whileDown[`stranger ${attempt}`] = await call('GET', `/app/v1_0/users/${STRANGER}`);
      }
      const workerWhileDown = await workerReadiness();
      expect([workerWhileDown.status, workerWhileDown.ms < DOWN_ANSWER_MS]).toEqual([503, true]);
      // Down long enough for the outbox relay's rounds to meet it down.
      await sleep(OUTBOX_RELAY_INTERVAL_MS * 1.5);
    } finally {
      await mariadb.start();
    }
    for (const [request, answer] of Object.entries(whileDown)) {
      expect(DOWN_ANSWERS.map((expected) => [request, ...expected])).toContainEqual([
        request,
        answer.status,
        answer.body,
      ]);
      expect([request, answer.ms < DOWN_ANSWER_MS]).toEqual([request, true]);
    }

    // Acknowledged before the crash: committed, so kept by MariaDB's recovery, and counted.
    expect(await liked(LIKED)).toBe(true);
    expect(await counter(CounterKeys.articleLikes, LIKED)).toBe(1);
    expect(await commentsOn(COMMENTED)).toEqual(['before the crash']);
    expect(await counter(CounterKeys.articleComments, COMMENTED)).toBe(1);
    expect(await intro()).toBe('saved before the crash');
    // Refused while down: neither stored nor counted.
    expect(await liked(LIKED_WHILE_DOWN)).toBe(false);
    expect(await counter(CounterKeys.articleLikes, LIKED_WHILE_DOWN)).toBe(0);
    expect(await commentsOn(COMMENTED_WHILE_DOWN)).toEqual([]);
    expect(await counter(CounterKeys.articleComments, COMMENTED_WHILE_DOWN)).toBe(0);

    // Every app serves again, its reads and the same writes, within a bounded time.
    const back = Date.now();
    expect(
      (
        await eventually(
          () => detail(NEVER_READ),
          (answer) => answer.status === 200,
          'a read of news',
          BACK_WITHIN_MS,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await eventually(
          () => call('GET', `/app/v1_0/users/${STRANGER}`),
          (answer) => answer.status === 200,
          'a read of the user service',
          BACK_WITHIN_MS,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await eventually(
          workerReadiness,
          (answer) => answer.status === 200,
          "the worker's readiness",
          BACK_WITHIN_MS,
        )
      ).status,
    ).toBe(200);
    expect(Date.now() - back).toBeLessThan(BACK_WITHIN_MS);
    expect((await like(LIKED_WHILE_DOWN)).status).toBe(201);
    expect((await comment(COMMENTED_WHILE_DOWN, 'after the restart')).status).toBe(201);
    expect((await saveIntro('saved after the restart')).status).toBe(201);
    expect(JSON.parse((await call('GET', '/app/v1_0/user')).body)).toMatchObject({
      data: { intro: 'saved after the restart' },
    });
    expect(await liked(LIKED_WHILE_DOWN)).toBe(true);
    expect(await counter(CounterKeys.articleLikes, LIKED_WHILE_DOWN)).toBe(1);
    expect(await commentsOn(COMMENTED_WHILE_DOWN)).toEqual(['after the restart']);
    expect(await counter(CounterKeys.articleComments, COMMENTED_WHILE_DOWN)).toBe(1);
    expect(JSON.parse((await detail(LIKED)).body)).toMatchObject({
      data: { art_id: LIKED, attitude: 1 },
    });
    // The outbox relay reads MySQL again: a review's jobs are taken out of the outbox.
    expect(
      await stack.newsService!.get(AuthoringService).review({
        articleId: PENDING,
        status: 2,
        reviewerId: 1,
        rejectReason: '',
      }),
    ).toEqual({ articleId: PENDING, status: 2 });
    expect(
      await eventually(
        () => stack.sql('SELECT job_name FROM news_job_outbox'),
        (rows) => (rows as unknown[]).length === 0,
        'the outbox relayed',
        BACK_WITHIN_MS,
      ),
    ).toEqual([]);
  });
});
