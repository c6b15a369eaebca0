import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { CommentsRepository } from '../../apps/news/src/comments/comments.repository';

import {
  type ArticleStack,
  IMG,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';
import { writeDuringRead } from './support/held-read';

const AUTHOR_A = '1294287382374383616';
const AUTHOR_B = '1294287382374383617';
const READER = '1294287382374383618';

const ART_A = '1300000000000000001';
const STICKY_ART_A = '1300000000000000002';
const PENDING_A = '1300000000000000003';
const ART_B = '1300000000000000004';
const DELETED_A = '1300000000000000005';
const RACED_A = '1300000000000000006';
const MISSING = '1399999999999999999';

const DEFAULT_PHOTO = `${IMG}Fkj6tQi3xJwVXi1u2swCElotfdCi`;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface MpCommentItem {
  com_id: string;
  aut_id: string;
  aut_name: string;
  aut_photo: string;
  like_count: number;
  reply_count: number;
  pubdate: string;
  content: string;
  is_top: 0 | 1;
  is_liking: 0 | 1;
}

interface MpCommentPage {
  total_count: number;
  end_id: string | null;
  last_id: string | null;
  results: MpCommentItem[];
  art_id?: string;
  art_title?: string;
  art_pubdate?: string;
}

describe('media platform comment management', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  const tokens = new Map<string, string>();

  const mpCall = (method: Method, url: string, as: string, payload?: object) =>
    mp.inject({
      method,
      url: `/mp/v1_0${url}`,
      headers: { authorization: `Bearer ${tokens.get(as)}` },
      ...(payload ? { payload } : {}),
    });
  const appCall = (method: Method, url: string, as: string, payload?: object) =>
    stack.gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      headers: { authorization: `Bearer ${tokens.get(`app:${as}`)}` },
      ...(payload ? { payload } : {}),
    });
  const mpPage = async (query: string, as = AUTHOR_A): Promise<MpCommentPage> => {
    const response = await mpCall('GET', `/comments?${query}`, as);
    expect({ query, status: response.statusCode }).toEqual({ query, status: 200 });
    return response.json<{ data: MpCommentPage }>().data;
  };
  const appIds = async (articleId: string): Promise<string[]> => {
    const response = await appCall('GET', `/comments?type=a&source=${articleId}`, READER);
    expect(response.statusCode).toBe(200);
    return response
      .json<{ data: { results: Array<{ com_id: string }> } }>()
      .data.results.map((item) => item.com_id);
  };
  const comment = async (
    articleId: string,
    content: string,
    as = READER,
    target = articleId,
  ): Promise<string> => {
    const payload =
      target === articleId
        ? { target, content, art_id: null }
        : { target, content, art_id: articleId };
    const response = await appCall('POST', '/comments', as, payload);
    expect(response.statusCode).toBe(201);
    return response.json<{ data: { com_id: string } }>().data.com_id;
  };
  const counter = async (key: string, id: string) =>
    Number((await stack.state.zscore(key, id)) ?? 0);
  const cached = (key: string) => stack.cache.exists(key);
  const commentRow = async (id: string) =>
    (
      (await stack.sql(
        'SELECT status, is_top, reply_count FROM news_comment WHERE comment_id = ?',
        [id],
      )) as Array<{
        status: number;
        is_top: number;
        reply_count: number;
      }>
    )[0];

  beforeAll(async () => {
    // The reader posts more comments within a minute than the production burst lets through.
    stack = await startArticleStack({ COMMENT_LIMIT_PER_MINUTE: 100 });
    await seedUsers(stack, [
      { id: AUTHOR_A, name: 'author-a', photo: 'a-photo' },
      { id: AUTHOR_B, name: 'author-b' },
      { id: READER, name: 'reader', photo: 'reader-photo' },
    ]);
    await seedArticles(stack, [
      {
        id: ART_A,
        authorId: AUTHOR_A,
        channelId: 1,
        title: 'article of A',
        status: 2,
        createdAt: '2024-01-01 00:00:00',
      },
      {
        id: STICKY_ART_A,
        authorId: AUTHOR_A,
        channelId: 1,
        title: 'sticky article of A',
        status: 2,
        createdAt: '2024-01-02 00:00:00',
      },
      {
        id: PENDING_A,
        authorId: AUTHOR_A,
        channelId: 1,
        title: 'pending article of A',
        status: 1,
        createdAt: '2024-01-03 00:00:00',
      },
      {
        id: ART_B,
        authorId: AUTHOR_B,
        channelId: 1,
        title: 'article of B',
        status: 2,
        createdAt: '2024-01-04 00:00:00',
      },
      {
        id: DELETED_A,
        authorId: AUTHOR_A,
        channelId: 1,
        title: 'deleted article of A',
        status: 4,
        createdAt: '2024-01-05 00:00:00',
      },
      {
        id: RACED_A,
        authorId: AUTHOR_A,
        channelId: 1,
        title: 'raced article of A',
        status: 2,
        createdAt: '2024-01-06 00:00:00',
      },
    ]);
    await stack.sql('UPDATE news_article_basic SET allow_comment = 1');
    mp = await stack.startMediaPlatform();
    for (const id of [AUTHOR_A, AUTHOR_B, READER]) {
      tokens.set(id, await stack.signIn(id, { verified: true, scope: 'mp' }));
      tokens.set(`app:${id}`, await stack.signIn(id));
    }
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers 403 to app tokens that are not real-info verified', async () => {
    for (const [method, url] of [
      ['GET', `/comments?type=a&source=${ART_A}`],
      ['PUT', `/comments/status?article_id=${ART_A}`],
      ['POST', '/comments'],
      ['DELETE', `/comments/${MISSING}`],
      ['PUT', `/comments/${MISSING}/sticky`],
      ['POST', '/comment/likings'],
    ] as const) {
      const response = await mp.inject({
        method,
        url: `/mp/v1_0${url}`,
        headers: { authorization: `Bearer ${tokens.get(`app:${AUTHOR_A}`)}` },
      });
      expect({ url, status: response.statusCode, body: response.json<unknown>() }).toEqual({
        url,
        status: 403,
        body: { message: 'User must be real info verified.' },
      });
    }
    expect(
      (await mp.inject({ method: 'GET', url: `/mp/v1_0/comments?type=a&source=${ART_A}` }))
        .statusCode,
    ).toBe(401);
  });

  it('lists the comments of an own article as the app does, with the article and is_liking as 0/1', async () => {
    const first = await comment(ART_A, 'first comment');
    const second = await comment(ART_A, 'second comment', AUTHOR_B);
    const page = await mpPage(`type=a&source=${ART_A}`);
    expect(page).toMatchObject({
      total_count: 2,
      art_id: ART_A,
      art_title: 'article of A',
      art_pubdate: '2024-01-01T08:00:00',
    });
    expect(page.results.map((item) => item.com_id).sort()).toEqual([first, second].sort());
    const firstItem = page.results.find((item) => item.com_id === first);
    expect(firstItem).toMatchObject({
      aut_id: READER,
      aut_name: 'reader',
      aut_photo: `${IMG}reader-photo`,
      like_count: 0,
      reply_count: 0,
      content: 'first comment',
      is_top: 0,
      is_liking: 0,
    });
    expect(firstItem?.pubdate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(page.results.find((item) => item.com_id === second)).toMatchObject({
      aut_name: 'author-b',
      aut_photo: DEFAULT_PHOTO,
    });
    expect(typeof page.last_id).toBe('string');

    const replies = await mpPage(`type=c&source=${first}`);
    expect(replies).toEqual({ total_count: 0, end_id: null, last_id: null, results: [] });
  });

  it('refuses bad list queries and other authors’ lists', async () => {
    const badType = await mpCall('GET', `/comments?type=x&source=${ART_A}`, AUTHOR_A);
    expect(badType.statusCode).toBe(400);
    expect(badType.json()).toEqual({ message: 'Invalid type param.' });
    const badLimit = await mpCall('GET', `/comments?type=a&source=${ART_A}&limit=5`, AUTHOR_A);
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json()).toEqual({
      message: { limit: 'limit must be within the range 10 - 50' },
    });

    // The reference answers 400 for a list it cannot show; a foreign one is one of those here.
    const [aComment] = (await mpPage(`type=a&source=${ART_A}`)).results;
    for (const [as, query] of [
      [AUTHOR_B, `type=a&source=${ART_A}`],
      [AUTHOR_B, `type=c&source=${aComment.com_id}`],
      [AUTHOR_A, `type=a&source=${MISSING}`],
      [AUTHOR_A, `type=a&source=${PENDING_A}`],
      [AUTHOR_A, `type=a&source=${DELETED_A}`],
      [AUTHOR_A, `type=c&source=${MISSING}`],
    ]) {
      const refused = await mpCall('GET', `/comments?${query}`, as);
      expect({ query, status: refused.statusCode, body: refused.json<unknown>() }).toEqual({
        query,
        status: 400,
        body: { message: 'Invalid source param.' },
      });
    }
  });

  it('closes and reopens comments on an own approved article, clearing art:{id}:info', async () => {
    await appIds(ART_A);
    expect(await cached(`art:${ART_A}:info`)).toBe(1);
    const closed = await mpCall('PUT', `/comments/status?article_id=${ART_A}`, AUTHOR_A, {
      allow_comment: false,
      status: 0,
      user_id: AUTHOR_B,
    });
    expect(closed.statusCode).toBe(201);
    expect(closed.json()).toEqual({
      message: 'OK',
      data: { article_id: ART_A, allow_comment: false },
    });
    expect(await cached(`art:${ART_A}:info`)).toBe(0);
    expect(
      await stack.sql(
        'SELECT allow_comment, status, user_id FROM news_article_basic WHERE article_id = ?',
        [ART_A],
      ),
    ).toEqual([{ allow_comment: 0, status: 2, user_id: AUTHOR_A }]);

    const appComment = await appCall('POST', '/comments', READER, {
      target: ART_A,
      content: 'closed?',
      art_id: null,
    });
    expect(appComment.statusCode).toBe(400);
    expect(appComment.json()).toEqual({ message: 'Article denied comment.' });
    const [target] = (await mpPage(`type=a&source=${ART_A}`)).results;
    const mpReply = await mpCall('POST', '/comments', AUTHOR_A, {
      target: target.com_id,
      content: 'reply',
      art_id: ART_A,
    });
    expect(mpReply.statusCode).toBe(403);
    expect(mpReply.json()).toEqual({ message: 'Article denied comment.' });
    // The reference judges the content before the article.
    const emptyReply = await mpCall('POST', '/comments', AUTHOR_A, {
      target: target.com_id,
      content: ' ',
      art_id: ART_A,
    });
    expect({ status: emptyReply.statusCode, body: emptyReply.json<unknown>() }).toEqual({
      status: 400,
      body: { message: 'Empty content.' },
    });

    const reopened = await mpCall('PUT', `/comments/status?article_id=${ART_A}`, AUTHOR_A, {
      allow_comment: true,
    });
    expect(reopened.json()).toEqual({
      message: 'OK',
      data: { article_id: ART_A, allow_comment: true },
    });
    expect(reopened.statusCode).toBe(201);
    await comment(ART_A, 'open again');
  });

  it('refuses to change the comment status of pending, foreign, deleted and missing articles with 400 Invalid article status., as the reference, and bad input', async () => {
    const refused: Array<[string, string]> = [
      [PENDING_A, AUTHOR_A],
      [ART_A, AUTHOR_B],
      [MISSING, AUTHOR_A],
      [DELETED_A, AUTHOR_A],
    ];
    for (const [id, author] of refused) {
      const before = await stack.sql(
        'SELECT allow_comment FROM news_article_basic WHERE article_id = ?',
        [id],
      );
      const response = await mpCall('PUT', `/comments/status?article_id=${id}`, author, {
        allow_comment: false,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message: 'Invalid article status.' });
      expect(
        await stack.sql('SELECT allow_comment FROM news_article_basic WHERE article_id = ?', [id]),
      ).toEqual(before);
    }
    const badBody = await mpCall('PUT', `/comments/status?article_id=${ART_A}`, AUTHOR_A, {
      allow_comment: 'maybe',
    });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json<{ message: Record<string, string> }>().message).toHaveProperty(
      'allow_comment',
    );
    const badQuery = await mpCall('PUT', '/comments/status?article_id=abc', AUTHOR_A, {
      allow_comment: false,
    });
    expect(badQuery.statusCode).toBe(400);
    expect(
      await stack.sql(
        'SELECT allow_comment FROM news_article_basic WHERE article_id IN (?, ?) ORDER BY article_id',
        [ART_A, PENDING_A],
      ),
    ).toEqual([{ allow_comment: 1 }, { allow_comment: 1 }]);
  });

  it('replies to a comment on an own article, counting it on the article and the comment', async () => {
    const target = await comment(ART_A, 'please answer');
    const [comms, replies] = [
      await counter('count:art:comm', ART_A),
      await counter('count:art:reply', target),
    ];
    const response = await mpCall('POST', '/comments', AUTHOR_A, {
      target,
      content: 'an answer',
      art_id: ART_A,
      is_top: 1,
    });
    expect(response.statusCode).toBe(201);
    const data = response.json<{ data: { com_id: string; target: string; art_id: string } }>().data;
    expect(data.com_id).toMatch(/^[1-9]\d+$/);
    expect(data).toEqual({ com_id: data.com_id, target, art_id: ART_A });
    expect(await counter('count:art:comm', ART_A)).toBe(comms + 1);
    expect(await counter('count:art:reply', target)).toBe(replies + 1);
    const listed = await mpPage(`type=c&source=${target}`);
    expect(listed.results).toEqual([
      expect.objectContaining({
        com_id: data.com_id,
        aut_name: 'author-a',
        content: 'an answer',
        is_top: 0,
      }),
    ]);
    expect(listed).not.toHaveProperty('art_id');
    expect(await commentRow(data.com_id)).toEqual({ status: 1, is_top: 0, reply_count: 0 });
  });

  it('refuses replies on foreign articles, to missing comments, and empty ones', async () => {
    const target = await comment(ART_B, 'comment on B');
    const comms = await counter('count:art:comm', ART_B);
    const foreign = await mpCall('POST', '/comments', AUTHOR_A, {
      target,
      content: 'not mine',
      art_id: ART_B,
    });
    // The reference answers a reply 400 unless the article is closed (403 Article denied comment.).
    expect({ status: foreign.statusCode, body: foreign.json<unknown>() }).toEqual({
      status: 400,
      body: { message: 'Invalid target comment id.' },
    });
    const close = (allow_comment: boolean) =>
      mpCall('PUT', `/comments/status?article_id=${ART_B}`, AUTHOR_B, { allow_comment });
    expect((await close(false)).statusCode).toBe(201);
    const foreignClosed = await mpCall('POST', '/comments', AUTHOR_A, {
      target,
      content: 'not mine either',
      art_id: ART_B,
    });
    expect({ status: foreignClosed.statusCode, body: foreignClosed.json<unknown>() }).toEqual({
      status: 400,
      body: { message: 'Invalid target comment id.' },
    });
    expect((await close(true)).statusCode).toBe(201);
    expect(await counter('count:art:comm', ART_B)).toBe(comms);
    for (const art_id of [MISSING, PENDING_A, DELETED_A]) {
      const nowhere = await mpCall('POST', '/comments', AUTHOR_A, { target, content: 'x', art_id });
      expect({ art_id, status: nowhere.statusCode, body: nowhere.json<unknown>() }).toEqual({
        art_id,
        status: 400,
        body: { message: 'Invalid target comment id.' },
      });
    }
    expect(
      await stack.sql('SELECT comment_id FROM news_comment WHERE parent_id = ?', [target]),
    ).toEqual([]);
    const missing = await mpCall('POST', '/comments', AUTHOR_A, {
      target: MISSING,
      content: 'nobody',
      art_id: ART_A,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ message: 'Invalid target comment id.' });
    const empty = await mpCall('POST', '/comments', AUTHOR_B, {
      target,
      content: '   ',
      art_id: ART_B,
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ message: 'Empty content.' });
    const noArticle = await mpCall('POST', '/comments', AUTHOR_B, { target, content: 'where?' });
    expect(noArticle.statusCode).toBe(400);
    expect(noArticle.json()).toEqual({ message: { art_id: 'Invalid article id.' } });
    const topLevel = await mpCall('POST', '/comments', AUTHOR_B, {
      target: ART_B,
      content: 'top level',
      art_id: ART_B,
    });
    expect(topLevel.statusCode).toBe(400);
    expect(await counter('count:art:reply', target)).toBe(0);
  });

  it('deletes a comment once: status 3, caches cleared, counters down once even when called twice', async () => {
    const doomed = await comment(ART_A, 'doomed');
    const reply = await mpCall('POST', '/comments', AUTHOR_A, {
      target: doomed,
      content: 'doomed reply',
      art_id: ART_A,
    });
    const replyId = reply.json<{ data: { com_id: string } }>().data.com_id;
    expect(await appIds(ART_A)).toContain(doomed);
    await mpPage(`type=c&source=${doomed}`);
    expect(await cached(`art:${ART_A}:comm`)).toBe(1);
    expect(await cached(`comm:${doomed}`)).toBe(1);
    expect(await cached(`comm:${doomed}:reply`)).toBe(1);
    const comms = await counter('count:art:comm', ART_A);

    const foreign = await mpCall('DELETE', `/comments/${doomed}`, AUTHOR_B);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toEqual({ message: 'User has no permission to delete this comment.' });
    expect((await commentRow(doomed)).status).toBe(1);

    const replyDeleted = await mpCall('DELETE', `/comments/${replyId}`, AUTHOR_A);
    expect(replyDeleted.statusCode).toBe(204);
    expect(replyDeleted.body).toBe('');
    expect(await counter('count:art:comm', ART_A)).toBe(comms - 1);
    expect(await counter('count:art:reply', doomed)).toBe(0);
    expect(await commentRow(doomed)).toMatchObject({ reply_count: 0 });
    expect(await cached(`comm:${doomed}:reply`)).toBe(0);
    expect((await mpPage(`type=c&source=${doomed}`)).results).toEqual([]);

    for (let attempt = 0; attempt < 2; attempt += 1) {
      const deleted = await mpCall('DELETE', `/comments/${doomed}`, AUTHOR_A);
      expect(deleted.statusCode).toBe(204);
      expect(await counter('count:art:comm', ART_A)).toBe(comms - 2);
      expect(await cached(`art:${ART_A}:comm`)).toBe(0);
      expect(await cached(`comm:${doomed}`)).toBe(0);
    }
    expect(await commentRow(doomed)).toMatchObject({ status: 3 });
    expect(await appIds(ART_A)).not.toContain(doomed);
    expect(
      (await mpPage(`type=a&source=${ART_A}`)).results.map((item) => item.com_id),
    ).not.toContain(doomed);

    const missing = await mpCall('DELETE', `/comments/${MISSING}`, AUTHOR_A);
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ message: 'Invalid target comment id.' });
  });

  it('counts concurrent deletes of one comment once', async () => {
    const raced = await comment(ART_A, 'raced');
    const comms = await counter('count:art:comm', ART_A);
    const replies = await Promise.all(
      Array.from({ length: 4 }, () => mpCall('DELETE', `/comments/${raced}`, AUTHOR_A)),
    );
    expect(replies.map((reply) => reply.statusCode)).toEqual([204, 204, 204, 204]);
    expect(await counter('count:art:comm', ART_A)).toBe(comms - 1);
    expect((await commentRow(raced)).status).toBe(3);
  });

  it('makes a comment sticky (first in the list) and back, for the article author only', async () => {
    const oldest = await comment(STICKY_ART_A, 'oldest');
    await stack.sql('UPDATE news_comment SET create_time = ? WHERE comment_id = ?', [
      '2024-01-02 00:00:00',
      oldest,
    ]);
    await stack.cache.del(`art:${STICKY_ART_A}:comm`, `comm:${oldest}`);
    const others = [await comment(STICKY_ART_A, 'newer 1'), await comment(STICKY_ART_A, 'newer 2')];
    expect((await appIds(STICKY_ART_A)).at(-1)).toBe(oldest);
    expect(await cached(`art:${STICKY_ART_A}:comm`)).toBe(1);

    const foreign = await mpCall('PUT', `/comments/${oldest}/sticky`, AUTHOR_B, { sticky: true });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toEqual({ message: 'User has no permission to delete this comment.' });

    const sticky = await mpCall('PUT', `/comments/${oldest}/sticky`, AUTHOR_A, {
      sticky: true,
      status: 3,
    });
    expect(sticky.statusCode).toBe(200);
    expect(sticky.json()).toEqual({ message: 'OK', data: { target: oldest, sticky: true } });
    expect(await cached(`art:${STICKY_ART_A}:comm`)).toBe(0);
    expect(await commentRow(oldest)).toMatchObject({ status: 1, is_top: 1 });
    expect(await appIds(STICKY_ART_A)).toEqual([oldest, others[1], others[0]]);
    const mpListed = await mpPage(`type=a&source=${STICKY_ART_A}`);
    expect(mpListed.results[0]).toMatchObject({ com_id: oldest, is_top: 1 });
    expect(BigInt(mpListed.last_id ?? '0')).toBeLessThan(20_000_000_000_000_000_000n);

    const plain = await mpCall('PUT', `/comments/${oldest}/sticky`, AUTHOR_A, { sticky: false });
    expect(plain.json()).toEqual({ message: 'OK', data: { target: oldest, sticky: false } });
    expect((await appIds(STICKY_ART_A)).at(-1)).toBe(oldest);
    expect((await mpPage(`type=a&source=${STICKY_ART_A}`)).results[0].is_top).toBe(0);

    const bad = await mpCall('PUT', `/comments/${oldest}/sticky`, AUTHOR_A, { sticky: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect((await commentRow(oldest)).is_top).toBe(0);
  });

  it('does not cache a list as it was read when a comment is deleted, made sticky or posted meanwhile', async () => {
    const listKey = `art:${RACED_A}:comm`;
    const [first, second, third] = [
      await comment(RACED_A, 'one'),
      await comment(RACED_A, 'two'),
      await comment(RACED_A, 'three'),
    ];
    const newsService = stack.newsService;
    if (!newsService) throw new Error('the news service is not running');
    const repository = newsService.get(CommentsRepository);
    const appPage = async () => {
      const response = await appCall('GET', `/comments?type=a&source=${RACED_A}`, READER);
      const data = response.json<{
        data: { total_count: number; results: Array<{ com_id: string }> };
      }>().data;
      return { total: data.total_count, ids: data.results.map((item) => item.com_id) };
    };
    /** Runs `write` after a rebuild of the list has read its rows from MySQL and before it is cached. */
    const duringRebuild = async (write: () => Promise<unknown>) => {
      await stack.cache.del(listKey);
      await writeDuringRead(repository, 'listedInChunks', appPage, write);
    };

    await duringRebuild(async () =>
      expect((await mpCall('DELETE', `/comments/${second}`, AUTHOR_A)).statusCode).toBe(204),
    );
    expect(await appPage()).toEqual({ total: 2, ids: [third, first] });
    expect(await stack.cache.zscore(listKey, second)).toBeNull();

    await duringRebuild(async () =>
      expect(
        (await mpCall('PUT', `/comments/${first}/sticky`, AUTHOR_A, { sticky: true })).statusCode,
      ).toBe(200),
    );
    expect(await appPage()).toEqual({ total: 2, ids: [first, third] });

    let fourth = '';
    await duringRebuild(async () => (fourth = await comment(RACED_A, 'four')));
    expect(await appPage()).toEqual({ total: 3, ids: [first, fourth, third] });
  });

  it('reads a cached list again when it holds comments that are gone, rather than answer an empty page', async () => {
    const listKey = `art:${RACED_A}:comm`;
    const before = await appIds(RACED_A);
    expect(await stack.cache.exists(listKey)).toBe(1);
    // Comments the list missed the removal of (no such rows), newer than every real one.
    const gone = Array.from({ length: 12 }, (_, index) =>
      String(1_398_000_000_000_000_000n + BigInt(index)),
    );
    await stack.cache.zadd(
      listKey,
      ...gone.flatMap((id, index) => [String(1_800_000_000 + index), id]),
    );
    const response = await appCall('GET', `/comments?type=a&source=${RACED_A}&limit=10`, READER);
    const data = response.json<{
      data: { total_count: number; results: Array<{ com_id: string }> };
    }>().data;
    expect({ total: data.total_count, ids: data.results.map((item) => item.com_id) }).toEqual({
      total: before.length,
      ids: before,
    });
    expect(await stack.cache.zmscore(listKey, ...gone)).toEqual(gone.map(() => null));
  });

  it('answers 404 for comment ids that are no positive integer, as the reference had no route for them', async () => {
    for (const id of ['abc', '0', '-1', '1e3']) {
      const replies = [
        await mpCall('DELETE', `/comments/${id}`, AUTHOR_A),
        await mpCall('PUT', `/comments/${id}/sticky`, AUTHOR_A, { sticky: true }),
        await mpCall('DELETE', `/comment/likings/${id}`, AUTHOR_A),
      ];
      expect(replies.map((reply) => [id, reply.statusCode, reply.json<unknown>()])).toEqual(
        replies.map(() => [id, 404, { message: 'The comment does not exist.' }]),
      );
    }
  });

  it('likes and unlikes comments with the app’s rules, showing is_liking as 1/0', async () => {
    const liked = await comment(STICKY_ART_A, 'likeable');
    const like = await mpCall('POST', '/comment/likings', AUTHOR_A, { target: liked });
    expect(like.statusCode).toBe(201);
    expect(like.json()).toEqual({ message: 'OK', data: { target: liked } });
    expect(await counter('count:comm:liking', liked)).toBe(1);
    expect((await mpCall('POST', '/comment/likings', AUTHOR_A, { target: liked })).statusCode).toBe(
      201,
    );
    expect(await counter('count:comm:liking', liked)).toBe(1);
    let item = (await mpPage(`type=a&source=${STICKY_ART_A}`)).results.find(
      (result) => result.com_id === liked,
    );
    expect(item).toMatchObject({ is_liking: 1, like_count: 1 });

    const unlike = await mpCall('DELETE', `/comment/likings/${liked}`, AUTHOR_A);
    expect(unlike.statusCode).toBe(204);
    expect(await counter('count:comm:liking', liked)).toBe(0);
    item = (await mpPage(`type=a&source=${STICKY_ART_A}`)).results.find(
      (result) => result.com_id === liked,
    );
    expect(item).toMatchObject({ is_liking: 0, like_count: 0 });

    const missing = await mpCall('POST', '/comment/likings', AUTHOR_A, { target: MISSING });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ message: 'Invalid target comment id.' });
  });
});
