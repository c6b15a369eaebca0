import { CacheKeys, CounterKeys, TwoLevelCache } from '@app/cache';
import type { authoringV1 } from '@app/contracts';
import { AUTHORING_GRPC, grpcClientToken, unary } from '@app/grpc';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { COMMENT_POLICY } from '../../apps/news/src/comments/comment.mapper';

import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { recordSql } from './support/sql-recorder';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const ART = '1300000000000000001';
const MISSING_COMMENT = '1399999999999999999';

interface Answer {
  status: number;
  body: unknown;
}

describe('comments of an article readers cannot see', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  let authoring: authoringV1.AuthoringServiceClient;
  const tokens = new Map<string, string>();
  let comment: string;
  let reply: string;

  const app = async (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    as?: string,
    payload?: object,
  ): Promise<Answer> => {
    const response = await stack.gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      headers: as ? { authorization: `Bearer ${tokens.get(as)}` } : {},
      ...(payload ? { payload } : {}),
    });
    return {
      status: response.statusCode,
      body: response.body === '' ? undefined : response.json<unknown>(),
    };
  };
  const replies = (commentId: string) => app('GET', `/comments?type=c&source=${commentId}`);
  const like = (commentId: string) =>
    app('POST', '/comment/likings', READER, { target: commentId });
  const likes = () =>
    stack.sql('SELECT user_id, is_deleted FROM news_comment_liking WHERE comment_id = ?', [
      comment,
    ]);
  const review = (status: number) =>
    unary(authoring.reviewArticle({ articleId: ART, status, reviewerId: 7, rejectReason: '' }));
  /** Waits for the article list to answer as the article now is (caches are dropped asynchronously). */
  const articleListAnswers = async (status: number) => {
    const deadline = Date.now() + 3000;
    while ((await app('GET', `/comments?type=a&source=${ART}`)).status !== status) {
      if (Date.now() > deadline)
        throw new Error(`the article's comment list did not answer ${status} in time`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  /** The thread answers as one of a comment that does not exist, and a like of it is not stored. */
  const expectRefusedAsMissing = async () => {
    const missing = { replies: await replies(MISSING_COMMENT), like: await like(MISSING_COMMENT) };
    expect(missing).toEqual({
      replies: {
        status: 200,
        body: { message: 'OK', data: { total_count: 0, end_id: null, last_id: null, results: [] } },
      },
      like: { status: 400, body: { message: 'Invalid target comment id.' } },
    });
    // Twice: the second reads whatever the first left cached.
    for (let round = 0; round < 2; round += 1) {
      expect({ round, replies: await replies(comment), like: await like(comment) }).toEqual({
        round,
        ...missing,
      });
    }
    expect(await likes()).toEqual([]);
  };

  /** The thread lists the reply and the comment can be liked (then the like is taken back). */
  const expectWorking = async () => {
    const thread = await replies(comment);
    expect(thread).toMatchObject({
      status: 200,
      body: { data: { total_count: 1, results: [expect.objectContaining({ com_id: reply })] } },
    });
    expect(await like(comment)).toEqual({
      status: 201,
      body: { message: 'OK', data: { target: comment } },
    });
    expect(await likes()).toEqual([{ user_id: READER, is_deleted: 0 }]);
    expect((await app('DELETE', `/comment/likings/${comment}`, READER)).status).toBe(204);
    await stack.sql('DELETE FROM news_comment_liking WHERE comment_id = ?', [comment]);
  };

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
    ]);
    await stack.sql(
      "INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, 'html', 1, 1, 1)",
    );
    await seedArticles(stack, [
      {
        id: ART,
        authorId: AUTHOR,
        channelId: 1,
        title: 'A title that is fine',
        status: 2,
        createdAt: '2024-01-01 00:00:00',
      },
    ]);
    mp = await stack.startMediaPlatform();
    authoring = mp.get<authoringV1.AuthoringServiceClient>(grpcClientToken(AUTHORING_GRPC));
    for (const id of [AUTHOR, READER]) tokens.set(id, await stack.signIn(id));
    tokens.set(`${AUTHOR}:mp`, await stack.signIn(AUTHOR, { verified: true, scope: 'mp' }));

    const posted = await app('POST', '/comments', READER, { target: ART, content: 'a comment' });
    expect(posted.status).toBe(201);
    comment = (posted.body as { data: { com_id: string } }).data.com_id;
    const answered = await app('POST', '/comments', AUTHOR, {
      target: comment,
      content: 'a reply',
      art_id: ART,
    });
    expect(answered.status).toBe(201);
    reply = (answered.body as { data: { com_id: string } }).data.com_id;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('lists the replies and takes likes while the article is approved', async () => {
    await expectWorking();
    // Again with every part of the thread cached.
    await expectWorking();
  });

  it('reads a cached thread of an approved article without MySQL', async () => {
    await replies(comment);
    const sql = recordSql(stack.newsService!);
    try {
      expect((await replies(comment)).status).toBe(200);
      expect(sql.statements).toEqual([]);
    } finally {
      sql.stop();
    }
  });

  it("refuses them once the author's edit sends the article back to review, and takes them again once it is approved", async () => {
    const edited = await mp.inject({
      method: 'PUT',
      url: `/mp/v1_0/articles/${ART}?draft=false`,
      payload: {
        title: 'A title that is fine',
        content: '<p>edited</p>',
        cover: { type: 0, images: [] },
        channel_id: 1,
      },
      headers: { authorization: `Bearer ${tokens.get(`${AUTHOR}:mp`)}` },
    });
    expect(edited.statusCode).toBe(201);
    expect(
      await stack.sql('SELECT status FROM news_article_basic WHERE article_id = ?', [ART]),
    ).toEqual([{ status: 1 }]);
    await articleListAnswers(404);
    await expectRefusedAsMissing();

    await review(2);
    await articleListAnswers(200);
    await expectWorking();
  });

  it('refuses them while the article is banned, and takes them again once it is unbanned', async () => {
    await review(5);
    await articleListAnswers(404);
    await expectRefusedAsMissing();

    await review(2);
    await articleListAnswers(200);
    await expectWorking();
  });

  it("takes back a like of one of its comments while readers cannot see the article: it only removes the reader's own like, as the reference's unlike checked nothing", async () => {
    expect((await like(comment)).status).toBe(201);
    await review(5);
    await articleListAnswers(404);

    expect(await app('DELETE', `/comment/likings/${comment}`, READER)).toEqual({
      status: 204,
      body: undefined,
    });
    expect(await likes()).toEqual([{ user_id: READER, is_deleted: 1 }]);
    expect(Number(await stack.state.zscore(CounterKeys.commentLikes, comment))).toBe(0);

    await review(2);
    await articleListAnswers(200);
    const thread = await app('GET', `/comments?type=a&source=${ART}`, READER);
    expect(thread).toMatchObject({
      status: 200,
      body: {
        data: {
          results: [expect.objectContaining({ com_id: comment, like_count: 0, is_liking: false })],
        },
      },
    });
    await stack.sql('DELETE FROM news_comment_liking WHERE comment_id = ?', [comment]);
  });

  it('follows the article for a comment cached before cached comments held their article', async () => {
    const posted = await app('POST', '/comments', READER, {
      target: ART,
      content: 'another comment',
    });
    expect(posted.status).toBe(201);
    comment = (posted.body as { data: { com_id: string } }).data.com_id;
    // As a news service before this change cached it, in Redis and in that process.
    const cache = stack.newsService!.get(TwoLevelCache, { strict: false });
    const cached = await cache.peek<Record<string, unknown>>(CacheKeys.comment(comment));
    expect(cached).toMatchObject({ com_id: comment, art_id: ART });
    const { art_id: _articleId, ...older } = cached!;
    await cache.set(CacheKeys.comment(comment), older, COMMENT_POLICY);
    const answered = await app('POST', '/comments', AUTHOR, {
      target: comment,
      content: 'a reply',
      art_id: ART,
    });
    expect(answered.status).toBe(201);
    reply = (answered.body as { data: { com_id: string } }).data.com_id;

    await expectWorking();
    await review(5);
    await articleListAnswers(404);
    await expectRefusedAsMissing();
    await review(2);
    await articleListAnswers(200);
    await expectWorking();
  });
});
