import { CounterKeys } from '@app/cache';
import {
  createTestRedis,
  type RedisServer,
  startRedisServer,
  withTestConnection,
} from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const ARTICLE = '1300000000000000001';

/** What a request answers while a store is down (504 when the deadline on news passed first). */
const DOWN_ANSWERS: Array<[number, string]> = [
  [503, '{"message":"Service unavailable."}'],
  [504, '{"message":"Service timed out."}'],
];

async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The media platform's comment deletion (the only one: the app has none) with the cache and
 * state roles on Redis servers of the test's own, crashed before the deletion or between its
 * commit and the steps after it.
 */
describe('comment deletion with a Redis down (e2e: gateway, media platform, user and news)', () => {
  let cacheServer: RedisServer;
  let stateServer: RedisServer;
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let authorToken: string;
  let readerToken: string;

  const comment = async (content: string): Promise<string> => {
    const response = await stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/comments',
      headers: { authorization: readerToken },
      payload: { target: ARTICLE, content, art_id: null },
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ data: { com_id: string } }>().data.com_id;
  };
  const listed = async (): Promise<string[] | number> => {
    const response = await stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0/comments?type=a&source=${ARTICLE}`,
      headers: { authorization: readerToken },
    });
    if (response.statusCode !== 200) return response.statusCode;
    return response
      .json<{ data: { results: Array<{ com_id: string }> } }>()
      .data.results.map((item) => item.com_id);
  };
  const remove = async (commentId: string) => {
    const response = await mp.inject({
      method: 'DELETE',
      url: `/mp/v1_0/comments/${commentId}`,
      headers: { authorization: authorToken },
    });
    return { status: response.statusCode, body: response.body };
  };
  const status = async (commentId: string) => {
    const sql = 'SELECT status FROM news_comment WHERE comment_id = ?';
    const [row] = (await stack.sql(sql, [commentId])) as Array<{ status: number }>;
    return row.status;
  };
  const comments = async () =>
    Number((await stack.state.zscore(CounterKeys.articleComments, ARTICLE)) ?? 0);
  /**
   * Deletes the comment while the test holds its row: the deletion waits in its transaction
   * (anything it does before the write done), `server` crashes, and the row is let go, so the
   * deletion commits with that Redis down.
   */
  const removeCrashingBeforeCommit = async (commentId: string, server: RedisServer) => {
    const waiting = async () =>
      (await stack.sql(
        "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID() AND info LIKE '%news_comment%' AND info LIKE '%FOR UPDATE%'",
        [stack.database.settings.MYSQL_DATABASE],
      )) as Array<{ id: number }>;
    try {
      return await withTestConnection(stack.database.settings, async (query) => {
        await query('BEGIN');
        await query('SELECT status FROM news_comment WHERE comment_id = ? FOR UPDATE', [commentId]);
        const answer = remove(commentId);
        await eventually(waiting, (ids) => ids.length === 1, 'the deletion waiting');
        await server.crash();
        await query('ROLLBACK');
        return answer;
      });
    } finally {
      await server.start();
    }
  };

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
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'commented article',
        status: 2,
        createdAt: '2024-01-01 00:00:00',
      },
    ]);
    await stack.sql('UPDATE news_article_basic SET allow_comment = 1');
    mp = await stack.startMediaPlatform();
    authorToken = `Bearer ${await stack.signIn(AUTHOR, { verified: true, scope: 'mp' })}`;
    readerToken = `Bearer ${await stack.signIn(READER)}`;
  });

  afterAll(async () => {
    await stack?.close();
    await cacheServer?.remove();
    await stateServer?.remove();
  });

  it('refuses a deletion while the cache Redis is down, having changed nothing', async () => {
    const doomed = await comment('refused while the cache is down');
    const counted = await comments();
    await cacheServer.crash();
    let refused: Awaited<ReturnType<typeof remove>>;
    try {
      refused = await remove(doomed);
    } finally {
      await cacheServer.start();
    }
    expect(DOWN_ANSWERS).toContainEqual([refused.status, refused.body]);
    expect({ status: await status(doomed), comments: await comments() }).toEqual({
      status: 1,
      comments: counted,
    });

    const again = await eventually(
      () => remove(doomed),
      (answer) => answer.status === 204,
      'the deletion after the restart',
    );
    expect(again.status).toBe(204);
    expect({ status: await status(doomed), comments: await comments() }).toEqual({
      status: 3,
      comments: counted - 1,
    });
  });

  it('answers a deletion it committed as done when the cache Redis went down during it', async () => {
    const doomed = await comment('deleted as the cache goes down');
    const kept = await comment('kept');
    expect(await listed()).toEqual([kept, doomed]);
    const counted = await comments();

    const deleted = await removeCrashingBeforeCommit(doomed, cacheServer);
    expect({ answer: deleted, status: await status(doomed), comments: await comments() }).toEqual({
      answer: { status: 204, body: '' },
      status: 3,
      comments: counted - 1,
    });
    expect(
      await eventually(listed, (ids) => Array.isArray(ids), 'the comments after the restart'),
    ).toEqual([kept]);
  });

  it('answers a deletion it committed as done when the state Redis went down before its counters moved, which stay one too high until the counter repair', async () => {
    const doomed = await comment('deleted as the state goes down');
    const counted = await comments();

    const deleted = await removeCrashingBeforeCommit(doomed, stateServer);
    expect(deleted).toEqual({ status: 204, body: '' });
    expect(await status(doomed)).toBe(3);
    expect(await eventually(comments, (count) => count === counted, 'the state Redis back')).toBe(
      counted,
    );
  });
});
