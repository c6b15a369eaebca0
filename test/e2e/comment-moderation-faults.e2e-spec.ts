import { CounterKeys } from '@app/cache';
import {
  createTestRedis,
  eventually,
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
const COMMENT_ROW = 'SELECT status FROM news_comment WHERE comment_id = ? FOR UPDATE';
const ARTICLE_ROW = 'SELECT allow_comment FROM news_article_basic WHERE article_id = ? FOR UPDATE';

/** What a request answers while a store is down (504 when the deadline on news passed first). */
const DOWN_ANSWERS: Array<[number, string]> = [
  [503, '{"message":"Service unavailable."}'],
  [504, '{"message":"Service timed out."}'],
];

/**
 * The media platform's comment moderation writes (deleting a comment, the only deletion: the app
 * has none; making one sticky; turning an article's comments on or off) with the cache and state
 * roles on Redis servers of the test's own, crashed before the write or between its commit and
 * the steps after it.
 */
describe('comment moderation with a Redis down (e2e: gateway, media platform, user and news)', () => {
  let cacheServer: RedisServer;
  let stateServer: RedisServer;
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let authorToken: string;
  let readerToken: string;
  let lastArticle = BigInt(ARTICLE);

  /** A new approved article of the author, open for comments. */
  const newArticle = async (title: string): Promise<string> => {
    lastArticle += 1n;
    const id = String(lastArticle);
    await seedArticles(stack, [
      { id, authorId: AUTHOR, channelId: 1, title, status: 2, createdAt: '2024-01-01 00:00:00' },
    ]);
    await stack.sql('UPDATE news_article_basic SET allow_comment = 1 WHERE article_id = ?', [id]);
    return id;
  };
  const post = async (content: string, article: string) => {
    const response = await stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/comments',
      headers: { authorization: readerToken },
      payload: { target: article, content, art_id: null },
    });
    return { status: response.statusCode, body: response.body };
  };
  const comment = async (content: string, article = ARTICLE): Promise<string> => {
    const posted = await post(content, article);
    expect(posted.status).toBe(201);
    return (JSON.parse(posted.body) as { data: { com_id: string } }).data.com_id;
  };
  const listed = async (article = ARTICLE): Promise<string[] | number> => {
    const response = await stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0/comments?type=a&source=${article}`,
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
  const stick = async (commentId: string) => {
    const response = await mp.inject({
      method: 'PUT',
      url: `/mp/v1_0/comments/${commentId}/sticky`,
      headers: { authorization: authorToken },
      payload: { sticky: true },
    });
    return { status: response.statusCode, body: response.body };
  };
  const close = async (article: string) => {
    const response = await mp.inject({
      method: 'PUT',
      url: `/mp/v1_0/comments/status?article_id=${article}`,
      headers: { authorization: authorToken },
      payload: { allow_comment: false },
    });
    return { status: response.statusCode, body: response.body };
  };
  const status = async (commentId: string) => {
    const sql = 'SELECT status FROM news_comment WHERE comment_id = ?';
    const [row] = (await stack.sql(sql, [commentId])) as Array<{ status: number }>;
    return row.status;
  };
  const isTop = async (commentId: string) => {
    const sql = 'SELECT is_top FROM news_comment WHERE comment_id = ?';
    const [row] = (await stack.sql(sql, [commentId])) as Array<{ is_top: number }>;
    return row.is_top;
  };
  const allowComment = async (article: string) => {
    const sql = 'SELECT allow_comment FROM news_article_basic WHERE article_id = ?';
    const [row] = (await stack.sql(sql, [article])) as Array<{ allow_comment: number }>;
    return row.allow_comment;
  };
  const comments = async () =>
    Number((await stack.state.zscore(CounterKeys.articleComments, ARTICLE)) ?? 0);
  /**
   * Sends `request` while the test holds the row that `lock` (a `SELECT ... FOR UPDATE` of one id)
   * selects: the request's write waits for it (anything the request does before the write done),
   * `server` crashes, and the row is let go, so the write commits with that Redis down.
   */
  const answerCrashingBeforeCommit = async <T>(
    server: RedisServer,
    [lock, id]: [string, string],
    request: () => Promise<T>,
  ): Promise<T> => {
    const waiting = async () =>
      (await stack.sql(
        "SELECT p.id FROM information_schema.innodb_trx t JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.db = ? AND t.trx_state = 'LOCK WAIT'",
        [stack.database.settings.MYSQL_DATABASE],
      )) as Array<{ id: number }>;
    try {
      return await withTestConnection(stack.database.settings, async (query) => {
        await query('BEGIN');
        await query(lock, [id]);
        const answer = request();
        await eventually(waiting, (ids) => ids.length === 1, 'the write waiting');
        await server.crash();
        await query('ROLLBACK');
        return answer;
      });
    } finally {
      await server.start();
    }
  };
  const removeCrashingBeforeCommit = (commentId: string, server: RedisServer) =>
    answerCrashingBeforeCommit(server, [COMMENT_ROW, commentId], () => remove(commentId));

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

  it('refuses making a comment sticky while the cache Redis is down, having changed nothing', async () => {
    const stuck = await comment('stuck once the cache is back', await newArticle('sticky later'));
    await cacheServer.crash();
    let refused: Awaited<ReturnType<typeof stick>>;
    try {
      refused = await stick(stuck);
    } finally {
      await cacheServer.start();
    }
    expect(DOWN_ANSWERS).toContainEqual([refused.status, refused.body]);
    expect(await isTop(stuck)).toBe(0);

    const again = await eventually(
      () => stick(stuck),
      (answer) => answer.status === 200,
      'making it sticky after the restart',
    );
    expect(JSON.parse(again.body)).toEqual({
      message: 'OK',
      data: { target: stuck, sticky: true },
    });
    expect(await isTop(stuck)).toBe(1);
  });

  it('answers making a comment sticky as done when the cache Redis went down between its commit and the drop', async () => {
    const article = await newArticle('sticky as the cache goes down');
    const older = await comment('stuck as the cache goes down', article);
    const newer = await comment('newer', article);
    expect(await listed(article)).toEqual([newer, older]);

    const stuck = await answerCrashingBeforeCommit(cacheServer, [COMMENT_ROW, older], () =>
      stick(older),
    );
    expect({ answer: stuck, isTop: await isTop(older) }).toEqual({
      answer: {
        status: 200,
        body: JSON.stringify({ message: 'OK', data: { target: older, sticky: true } }),
      },
      isTop: 1,
    });
    expect(
      await eventually(
        () => listed(article),
        (ids) => Array.isArray(ids),
        'the comments after the restart',
      ),
    ).toEqual([older, newer]);
  });

  it("refuses turning an article's comments off while the cache Redis is down, having changed nothing", async () => {
    const article = await newArticle('closed later');
    await cacheServer.crash();
    let refused: Awaited<ReturnType<typeof close>>;
    try {
      refused = await close(article);
    } finally {
      await cacheServer.start();
    }
    expect(DOWN_ANSWERS).toContainEqual([refused.status, refused.body]);
    expect(await allowComment(article)).toBe(1);

    const again = await eventually(
      () => close(article),
      (answer) => answer.status === 201,
      'turning them off after the restart',
    );
    expect(JSON.parse(again.body)).toEqual({
      message: 'OK',
      data: { article_id: article, allow_comment: false },
    });
    expect(await allowComment(article)).toBe(0);
  });

  it("answers turning an article's comments off as done when the cache Redis went down between its commit and the drop", async () => {
    const article = await newArticle('closed as the cache goes down');
    await comment('before they were turned off', article);

    const closed = await answerCrashingBeforeCommit(cacheServer, [ARTICLE_ROW, article], () =>
      close(article),
    );
    expect({ answer: closed, allowComment: await allowComment(article) }).toEqual({
      answer: {
        status: 201,
        body: JSON.stringify({
          message: 'OK',
          data: { article_id: article, allow_comment: false },
        }),
      },
      allowComment: 0,
    });
    expect(
      await eventually(
        () => post('after they were turned off', article),
        (answer) => answer.status === 400,
        'a comment refused after the restart',
      ),
    ).toEqual({ status: 400, body: '{"message":"Article denied comment."}' });
  });
});
