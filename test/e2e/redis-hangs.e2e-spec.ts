import { createTestRedis, type RedisServer, startRedisServer } from '@app/testing';

import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const ARTICLE = '1294287382374383700';
/**
 * Far past the command timeout and a gRPC call's deadline: a request still unanswered then waits
 * for the Redis that hangs, and would wait until the client gives up.
 */
const ANSWER_WITHIN_MS = 15_000;

type Answer = { status: number; body: string } | 'no answer';

/**
 * The cache and state roles on Redis servers of their own, each frozen (SIGSTOP: the connections
 * stay open and nothing is answered, as from a Redis that hangs or behind a network that drops its
 * packets) while readers ask, then thawed.
 */
describe('a Redis that hangs (e2e: gateway, user and news)', () => {
  let cacheServer: RedisServer;
  let stateServer: RedisServer;
  let stack: ArticleStack;
  let readerToken: string;

  const call = async (url: string, token?: string): Promise<Answer> => {
    let timer: NodeJS.Timeout | undefined;
    const request = stack.gateway
      .inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} })
      .then((response) => ({ status: response.statusCode, body: response.body }));
    const gaveUp = new Promise<'no answer'>((resolve) => {
      timer = setTimeout(() => resolve('no answer'), ANSWER_WITHIN_MS);
    });
    try {
      return await Promise.race([request, gaveUp]);
    } finally {
      clearTimeout(timer);
    }
  };
  const detail = (token?: string) => call(`/app/v1_0/articles/${ARTICLE}`, token);
  const feed = () => call('/app/v1_0/articles?channel_id=1&timestamp=1893456000000&with_top=1');
  const answeredOrUnavailable = (answer: Answer) =>
    answer !== 'no answer' &&
    (answer.status === 200 ||
      (answer.status === 503 && answer.body.includes('Service unavailable.')));
  const status = (answer: Answer) => (answer === 'no answer' ? answer : answer.status);

  beforeAll(async () => {
    [cacheServer, stateServer] = await Promise.all([
      startRedisServer({ appendOnly: false }),
      startRedisServer({ appendOnly: true }),
    ]);
    stack = await startArticleStack(
      {},
      createTestRedis({ cache: cacheServer.url, state: stateServer.url }),
    );
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
    ]);
    await stack.sql(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)`,
    );
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'read while Redis hangs',
        status: 2,
        createdAt: '2024-01-01 00:00:00',
      },
    ]);
    readerToken = await stack.signIn(READER);
  }, 60_000);

  afterAll(async () => {
    cacheServer?.thaw();
    stateServer?.thaw();
    await stack?.close();
    await cacheServer?.remove();
    await stateServer?.remove();
  });

  it('answers signed-in requests within a bounded time while the state Redis hangs (503, or from what the process holds), and serves them again once it answers', async () => {
    expect(status(await detail(readerToken))).toBe(200);
    // A session no request of this process has checked yet: nothing of it is held in process.
    const freshToken = await stack.signIn(READER);
    stateServer.freeze();
    try {
      const answers = await Promise.all([
        detail(readerToken),
        call('/app/v1_0/user', readerToken),
        detail(freshToken),
        call('/app/v1_0/user', freshToken),
      ]);
      expect(answers.filter((answer) => !answeredOrUnavailable(answer))).toEqual([]);
    } finally {
      stateServer.thaw();
    }
    expect(status(await detail(readerToken))).toBe(200);
    expect(status(await call('/app/v1_0/user', freshToken))).toBe(200);
  }, 60_000);

  it('answers anonymous article pages and the feed within a bounded time while the cache Redis hangs, and serves them from Redis again once it answers', async () => {
    expect(status(await detail())).toBe(200);
    cacheServer.freeze();
    try {
      const answers = await Promise.all([detail(), feed()]);
      expect(answers.filter((answer) => !answeredOrUnavailable(answer))).toEqual([]);
    } finally {
      cacheServer.thaw();
    }
    expect(status(await detail())).toBe(200);
    expect(status(await feed())).toBe(200);
  }, 60_000);
});
