import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import type { authoringV1 } from '@app/contracts';
import { AUTHORING_GRPC, grpcClientToken, unary } from '@app/grpc';

import { TraceLogWriter } from '../../apps/gateway/src/articles/trace-log.writer';

import { type ArticleStack, IMG, startArticleStack } from './support/article-stack';
import { type NotificationTap, tapNotifications, waitFor } from './support/notifications';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const OTHER = '1294287382374383618';
const ART1 = '1300000000000000001';
const ART2 = '1300000000000000002';
const ART3 = '1300000000000000003';
const READERS_OWN = '1300000000000000004';
const DRAFT = '1300000000000000005';
const DELETED = '1300000000000000006';
const NOWHERE = '1300000000000000099';
const NOT_FOUND = { message: 'The article does not exist.' };
const BAD_TARGET = { message: { target: 'Invalid target article id.' } };

type Method = 'GET' | 'POST' | 'DELETE';

interface Card {
  art_id: string;
  title: string;
  aut_id: string;
  like_count: number;
  collect_count: number;
  is_liking: boolean;
}

interface CardPage {
  total_count: number;
  page: number;
  per_page: number;
  results: Card[];
}

interface CollectionRow {
  collection_id: string;
  user_id: string;
  article_id: string;
  is_deleted: number;
}

interface AttitudeRow {
  user_id: string;
  article_id: string;
  attitude: number | null;
}

interface ReportRow {
  user_id: string;
  article_id: string;
  type: number;
  remark: string | null;
}

describe('collections, likes, dislikes and reports through the gateway', () => {
  let stack: ArticleStack;
  let notifications: NotificationTap;
  const tokens = new Map<string, string>();

  const call = (
    method: Method,
    url: string,
    as?: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) =>
    stack.gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      headers: { ...headers, ...(as ? { authorization: `Bearer ${tokens.get(as)}` } : {}) },
      ...(payload ? { payload } : {}),
    });
  const counter = async (key: string, id: string) =>
    Number((await stack.redis.client('state').zscore(`${stack.redis.prefix}${key}`, id)) ?? 0);
  const sql = <T>(statement: string, params: unknown[] = []) =>
    stack.sql(statement, params) as Promise<T[]>;
  const collections = () =>
    sql<CollectionRow>(
      'SELECT collection_id, user_id, article_id, is_deleted FROM news_collection ORDER BY user_id, article_id',
    );
  const attitudes = () =>
    sql<AttitudeRow>(
      'SELECT user_id, article_id, attitude FROM news_attitude ORDER BY user_id, article_id',
    );
  const reports = () =>
    sql<ReportRow>('SELECT user_id, article_id, type, remark FROM news_report ORDER BY article_id');
  const cacheKey = (kind: 'collection' | 'attitude', user: string) =>
    `${stack.redis.prefix}user:${user}:art:${kind}`;
  const cached = (kind: 'collection' | 'attitude', user = READER) =>
    stack.redis.client('cache').exists(cacheKey(kind, user));
  const list = async (as: string, query = '') => {
    const response = await call('GET', `/article/collections${query}`, as);
    expect(response.statusCode).toBe(200);
    return response.json<{ message: string; data: CardPage }>().data;
  };
  // The article detail asks ReactionService.GetViewerState, which fills both per-user caches.
  const primeCaches = async (user = READER) => {
    expect((await call('GET', `/articles/${ART3}`, user)).statusCode).toBe(200);
    expect(await cached('collection', user)).toBe(1);
    expect(await cached('attitude', user)).toBe(1);
  };
  const likingNotifications = (room: string) =>
    notifications.published.filter(
      ({ channel, message }) =>
        channel === notifications.roomChannel(room) && message.includes('liking notify'),
    );

  beforeAll(async () => {
    stack = await startArticleStack();
    notifications = await tapNotifications(stack.redis);
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, profile_photo, status, is_media) VALUES
       (?, '13900000001', 'author', NULL, 1, 1),
       (?, '13900000002', 'reader', 'reader-photo', 1, 0),
       (?, '13900000003', 'other', NULL, 1, 0)`,
      [AUTHOR, READER, OTHER],
    );
    await stack.sql(`INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES
       (1, 'html', 1, 1, 1), (7, 'python', 2, 1, 0)`);
    const articles: Array<[string, string, number, string, number]> = [
      [ART1, AUTHOR, 1, 'first', 2],
      [ART2, AUTHOR, 7, 'second', 2],
      [ART3, AUTHOR, 1, 'third', 2],
      [READERS_OWN, READER, 1, 'mine', 2],
      [DRAFT, AUTHOR, 1, 'draft', 0],
      [DELETED, AUTHOR, 1, 'deleted', 4],
    ];
    for (const [id, author, channel, title, status] of articles) {
      await stack.sql(
        `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment)
         VALUES (?, ?, ?, ?, '{"type":0,"images":[]}', ?, 1)`,
        [id, author, channel, title, status],
      );
      await stack.sql('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
        id,
        `<p>${title}</p>`,
      ]);
    }
    for (const id of [AUTHOR, READER, OTHER]) tokens.set(id, await stack.signIn(id));
  });

  afterAll(async () => {
    await stack?.close();
    await notifications?.close();
  });

  it('answers 401 on every route without a token and stores nothing', async () => {
    const routes: Array<[Method, string, object?]> = [
      ['POST', '/article/collections', { target: ART1 }],
      ['GET', '/article/collections'],
      ['DELETE', `/article/collections/${ART1}`],
      ['POST', '/article/likings', { target: ART1 }],
      ['DELETE', `/article/likings/${ART1}`],
      ['POST', '/article/dislikes', { target: ART1 }],
      ['DELETE', `/article/dislikes/${ART1}`],
      ['POST', '/article/reports', { target: ART1, type: 1 }],
    ];
    for (const [method, url, payload] of routes) {
      const response = await call(method, url, undefined, payload);
      expect({ method, url, status: response.statusCode, body: response.json<unknown>() }).toEqual({
        method,
        url,
        status: 401,
        body: { message: 'User must be authorized.' },
      });
    }
    expect(await collections()).toEqual([]);
    expect(await attitudes()).toEqual([]);
    expect(await reports()).toEqual([]);
  });

  it('refuses targets that are not snowflake id strings with 400, numbers included, and answers 404 to such a path id', async () => {
    const bodies: object[] = [
      {},
      { target: 'abc' },
      { target: '0' },
      { target: '-5' },
      { target: Number(ART1) },
      { target: 12 },
      { target: null },
    ];
    for (const url of ['/article/collections', '/article/likings', '/article/dislikes']) {
      for (const payload of bodies) {
        const response = await call('POST', url, READER, payload);
        expect({
          url,
          payload,
          status: response.statusCode,
          body: response.json<unknown>(),
        }).toEqual({
          url,
          payload,
          status: 400,
          body: BAD_TARGET,
        });
      }
      // The reference routed `{t}` as int(min=1); other values name no route.
      for (const target of ['abc', '0', '1.5', '-5']) {
        const response = await call('DELETE', `${url}/${target}`, READER);
        expect({
          url,
          target,
          status: response.statusCode,
          body: response.json<unknown>(),
        }).toEqual({
          url,
          target,
          status: 404,
          body: { message: 'The article does not exist.' },
        });
      }
    }
    const report = await call('POST', '/article/reports', READER, { target: 'abc', type: 1 });
    expect(report.statusCode).toBe(400);
    expect(report.json()).toEqual(BAD_TARGET);
    expect(await collections()).toEqual([]);
    expect(await attitudes()).toEqual([]);
  });

  it('answers an id no article can have (20 digits, 19 past 2^63-1) as an unknown article: POST 404, DELETE 204, as the routes of users, comments and the article page', async () => {
    const ids = [
      `${ART1}0`,
      '99999999999999999999',
      '9223372036854775808',
      '9999999999999999999',
      NOWHERE,
    ];
    const seen: unknown[] = [];
    const expected: unknown[] = [];
    for (const target of ids) {
      for (const url of ['/article/collections', '/article/likings', '/article/dislikes']) {
        const posted = await call('POST', url, READER, { target });
        const deleted = await call('DELETE', `${url}/${target}`, READER);
        seen.push([
          url,
          target,
          posted.statusCode,
          posted.json<unknown>(),
          deleted.statusCode,
          deleted.body,
        ]);
        expected.push([url, target, 404, NOT_FOUND, 204, '']);
      }
      const report = await call('POST', '/article/reports', READER, { target, type: 1 });
      seen.push(['/article/reports', target, report.statusCode, report.json<unknown>()]);
      expected.push(['/article/reports', target, 404, NOT_FOUND]);
      const page = await call('GET', `/articles/${target}`, READER);
      seen.push(['/articles', target, page.statusCode, page.json<unknown>()]);
      expected.push(['/articles', target, 404, NOT_FOUND]);
      for (const url of ['/user/followings', '/user/blacklists', '/comment/likings']) {
        const deleted = await call('DELETE', `${url}/${target}`, READER);
        seen.push([url, target, deleted.statusCode]);
        expected.push([url, target, 204]);
      }
    }
    expect(seen).toEqual(expected);
    expect(await collections()).toEqual([]);
    expect(await attitudes()).toEqual([]);
    expect(await reports()).toEqual([]);
  });

  it('answers 404 "The article does not exist." for drafts, deleted and unknown articles, changing nothing', async () => {
    for (const target of [DRAFT, DELETED, NOWHERE]) {
      for (const [url, payload] of [
        ['/article/collections', { target }],
        ['/article/likings', { target }],
        ['/article/dislikes', { target }],
        ['/article/reports', { target, type: 1 }],
      ] as const) {
        const response = await call('POST', url, READER, payload);
        expect({
          url,
          target,
          status: response.statusCode,
          body: response.json<unknown>(),
        }).toEqual({
          url,
          target,
          status: 404,
          body: NOT_FOUND,
        });
      }
    }
    expect(await collections()).toEqual([]);
    expect(await attitudes()).toEqual([]);
    expect(await reports()).toEqual([]);
    expect(await counter('count:art:collecting', DRAFT)).toBe(0);
    expect(await counter('count:art:liking', DRAFT)).toBe(0);
    expect(notifications.published).toEqual([]);
  });

  it('collects with 201 {target}, ignores unknown fields, counts once even when repeated, and logs the trace', async () => {
    await primeCaches();
    const response = await call(
      'POST',
      '/article/collections',
      READER,
      { target: ART1, user_id: OTHER, is_deleted: true, collection_id: '1' },
      { trace: '{"action":"collect","userId":"r","articleId":"1"}' },
    );
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ message: 'OK', data: { target: ART1 } });
    expect(response.body).toContain(`"target":"${ART1}"`);
    expect(await cached('collection')).toBe(0);

    const again = await call('POST', '/article/collections', READER, { target: ART1 });
    expect(again.statusCode).toBe(201);
    expect(
      (await collections()).map(({ user_id, article_id, is_deleted }) => ({
        user_id,
        article_id,
        is_deleted,
      })),
    ).toEqual([{ user_id: READER, article_id: ART1, is_deleted: 0 }]);
    expect(await counter('count:art:collecting', ART1)).toBe(1);
    expect(await counter('count:user:art:collecting', READER)).toBe(1);
    expect(await counter('count:user:art:collecting', OTHER)).toBe(0);

    await stack.gateway.get(TraceLogWriter).flush();
    const lines = readFileSync(stack.traceFile, 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line) as object)).toEqual([
      expect.objectContaining({
        channelId: 1,
        readTime: '',
        param: '{"action":"collect","userId":"r","articleId":"1"}',
      }),
    ]);
  });

  it('collects with a Trace header that is no tracking string, and logs no trace line for it', async () => {
    await primeCaches();
    const traceLog = stack.gateway.get(TraceLogWriter);
    await traceLog.flush();
    const linesBefore = existsSync(stack.traceFile) ? readFileSync(stack.traceFile, 'utf8') : '';
    const response = await call(
      'POST',
      '/article/collections',
      READER,
      { target: ART1 },
      { trace: 'garbage' },
    );
    expect(response.statusCode).toBe(201);
    expect(await counter('count:art:collecting', ART1)).toBe(1);
    await traceLog.flush();
    const linesAfter = existsSync(stack.traceFile) ? readFileSync(stack.traceFile, 'utf8') : '';
    expect(linesAfter).toBe(linesBefore);
  });

  it('lists only the caller’s collections, newest first, as cards with is_liking', async () => {
    for (const target of [ART2, ART3]) {
      expect((await call('POST', '/article/collections', READER, { target })).statusCode).toBe(201);
    }
    expect((await call('POST', '/article/collections', OTHER, { target: ART2 })).statusCode).toBe(
      201,
    );
    await sql(
      "UPDATE news_collection SET update_time = '2026-01-01 00:00:00' WHERE user_id = ? AND article_id = ?",
      [READER, ART2],
    );
    await sql(
      "UPDATE news_collection SET update_time = '2026-01-03 00:00:00' WHERE user_id = ? AND article_id = ?",
      [READER, ART1],
    );
    await sql(
      "UPDATE news_collection SET update_time = '2026-01-02 00:00:00' WHERE user_id = ? AND article_id = ?",
      [READER, ART3],
    );
    await stack.redis.client('cache').del(cacheKey('collection', READER));
    expect((await call('POST', '/article/likings', READER, { target: ART3 })).statusCode).toBe(201);

    // A user id in the query is not a thing: it is ignored.
    const page = await list(READER, `?user_id=${OTHER}`);
    expect(page).toMatchObject({ total_count: 3, page: 1, per_page: 10 });
    expect(
      page.results.map(({ art_id, title, aut_id, collect_count, is_liking }) => ({
        art_id,
        title,
        aut_id,
        collect_count,
        is_liking,
      })),
    ).toEqual([
      { art_id: ART1, title: 'first', aut_id: AUTHOR, collect_count: 1, is_liking: false },
      { art_id: ART3, title: 'third', aut_id: AUTHOR, collect_count: 1, is_liking: true },
      { art_id: ART2, title: 'second', aut_id: AUTHOR, collect_count: 2, is_liking: false },
    ]);
    expect(
      await stack.redis.client('cache').zrevrange(cacheKey('collection', READER), 0, -1),
    ).toEqual([ART1, ART3, ART2]);
    // Served again from the zset the first call filled.
    expect(await list(READER)).toEqual(page);

    const others = await list(OTHER, `?user_id=${READER}`);
    expect(others.total_count).toBe(1);
    expect(others.results.map((card) => card.art_id)).toEqual([ART2]);
    const authors = await list(AUTHOR);
    expect(authors).toEqual({ total_count: 0, page: 1, per_page: 10, results: [] });
    expect(await stack.redis.client('cache').zrange(cacheKey('collection', AUTHOR), 0, -1)).toEqual(
      ['-1'],
    );
  });

  it('pages collections with per_page 10-50 and rejects values outside the range', async () => {
    expect(await list(READER, '?page=2&per_page=10&perPage=1')).toEqual({
      total_count: 3,
      page: 2,
      per_page: 10,
      results: [],
    });
    expect((await list(READER, '?per_page=50')).per_page).toBe(50);
    const perPageError = { message: { per_page: 'per_page must be within the range 10 - 50' } };
    for (const [query, body] of [
      ['per_page=9', perPageError],
      ['per_page=51', perPageError],
      ['per_page=x', perPageError],
      ['page=0', { message: { page: 'page must be a positive integer' } }],
    ] as const) {
      const response = await call('GET', `/article/collections?${query}`, READER);
      expect({ query, status: response.statusCode, body: response.json<unknown>() }).toEqual({
        query,
        status: 400,
        body,
      });
    }
  });

  it("lets a user's DELETE touch only their own row: B uncollecting A's article leaves A's collection", async () => {
    const before = await collections();
    const byOther = await call('DELETE', `/article/collections/${ART1}`, OTHER);
    expect(byOther.statusCode).toBe(204);
    expect(byOther.body).toBe('');
    expect(await collections()).toEqual(before);
    expect(await counter('count:art:collecting', ART1)).toBe(1);
    expect(await counter('count:user:art:collecting', READER)).toBe(3);
    expect((await list(READER)).results.map((card) => card.art_id)).toContain(ART1);
  });

  it('uncollects with 204 (idempotent), drops the cache, and re-collecting flips the same row back', async () => {
    await primeCaches();
    const rowId = (await collections()).find(
      (row) => row.user_id === READER && row.article_id === ART1,
    )?.collection_id;
    const response = await call('DELETE', `/article/collections/${ART1}`, READER);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await cached('collection')).toBe(0);
    expect((await call('DELETE', `/article/collections/${ART1}`, READER)).statusCode).toBe(204);
    expect((await call('DELETE', `/article/collections/${NOWHERE}`, READER)).statusCode).toBe(204);
    expect(await counter('count:art:collecting', ART1)).toBe(0);
    expect(await counter('count:user:art:collecting', READER)).toBe(2);
    expect((await list(READER)).results.map((card) => card.art_id)).toEqual([ART3, ART2]);

    expect((await call('POST', '/article/collections', READER, { target: ART1 })).statusCode).toBe(
      201,
    );
    const rows = (await collections()).filter(
      (row) => row.user_id === READER && row.article_id === ART1,
    );
    expect(rows).toEqual([
      { collection_id: rowId, user_id: READER, article_id: ART1, is_deleted: 0 },
    ]);
    expect(await counter('count:art:collecting', ART1)).toBe(1);
    expect(await counter('count:user:art:collecting', READER)).toBe(3);
    expect((await list(READER)).results[0].art_id).toBe(ART1);
  });

  it('likes with 201, counts the like for the article and its AUTHOR (not the liker), and notifies the author', async () => {
    await primeCaches();
    notifications.published.length = 0;
    const response = await call('POST', '/article/likings', READER, {
      target: ART1,
      attitude: 0,
      user_id: OTHER,
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ message: 'OK', data: { target: ART1 } });
    expect(await cached('attitude')).toBe(0);
    expect(await counter('count:art:liking', ART1)).toBe(1);
    expect(await counter('count:user:liked', AUTHOR)).toBe(2);
    expect(await counter('count:user:liked', READER)).toBe(0);
    expect((await attitudes()).filter((row) => row.article_id === ART1)).toEqual([
      { user_id: READER, article_id: ART1, attitude: 1 },
    ]);

    await waitFor(() => likingNotifications(AUTHOR).length > 0);
    const [notification] = likingNotifications(AUTHOR);
    for (const part of [
      'liking notify',
      'user_id',
      READER,
      'user_name',
      'reader',
      'user_photo',
      `${IMG}reader-photo`,
      'art_id',
      ART1,
      'art_title',
      'first',
      'timestamp',
    ]) {
      expect(notification.message.includes(part)).toBe(true);
    }

    // Liking again changes nothing and notifies nobody.
    expect((await call('POST', '/article/likings', READER, { target: ART1 })).statusCode).toBe(201);
    await sleep(300);
    expect(await counter('count:art:liking', ART1)).toBe(1);
    expect(await counter('count:user:liked', AUTHOR)).toBe(2);
    expect(likingNotifications(AUTHOR)).toHaveLength(1);
  });

  it('shows the attitude and the collection on the article detail', async () => {
    const response = await call('GET', `/articles/${ART1}`, READER);
    expect(response.statusCode).toBe(200);
    expect(response.json<{ data: object }>().data).toMatchObject({
      art_id: ART1,
      attitude: 1,
      is_collected: true,
    });
    const other = await call('GET', `/articles/${ART1}`, OTHER);
    expect(other.json<{ data: object }>().data).toMatchObject({
      art_id: ART1,
      attitude: -1,
      is_collected: false,
    });
  });

  it('keeps like and dislike exclusive: a dislike gives the like back and counts one dislike', async () => {
    await primeCaches();
    const response = await call('POST', '/article/dislikes', READER, { target: ART1 });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ message: 'OK', data: { target: ART1 } });
    expect(await cached('attitude')).toBe(0);
    expect(await counter('count:art:liking', ART1)).toBe(0);
    expect(await counter('count:art:dislike', ART1)).toBe(1);
    expect(await counter('count:user:liked', AUTHOR)).toBe(1);
    expect((await attitudes()).filter((row) => row.article_id === ART1)).toEqual([
      { user_id: READER, article_id: ART1, attitude: 0 },
    ]);
    expect((await list(READER)).results.find((card) => card.art_id === ART1)).toMatchObject({
      like_count: 0,
      is_liking: false,
    });

    // Cancelling a like that is not there leaves the dislike alone.
    expect((await call('DELETE', `/article/likings/${ART1}`, READER)).statusCode).toBe(204);
    expect(await counter('count:art:dislike', ART1)).toBe(1);
    expect(
      (await attitudes()).find((row) => row.user_id === READER && row.article_id === ART1)
        ?.attitude,
    ).toBe(0);

    expect((await call('POST', '/article/likings', READER, { target: ART1 })).statusCode).toBe(201);
    expect(await counter('count:art:liking', ART1)).toBe(1);
    expect(await counter('count:art:dislike', ART1)).toBe(0);
    expect(await counter('count:user:liked', AUTHOR)).toBe(2);
  });

  it('cancels with 204: unlike and undislike set the attitude to NULL and move the counters once', async () => {
    await primeCaches();
    const unlike = await call('DELETE', `/article/likings/${ART1}`, READER);
    expect(unlike.statusCode).toBe(204);
    expect(unlike.body).toBe('');
    expect(await cached('attitude')).toBe(0);
    expect((await call('DELETE', `/article/likings/${ART1}`, READER)).statusCode).toBe(204);
    expect(await counter('count:art:liking', ART1)).toBe(0);
    expect(await counter('count:user:liked', AUTHOR)).toBe(1);
    expect(
      (await attitudes()).find((row) => row.user_id === READER && row.article_id === ART1)
        ?.attitude,
    ).toBeNull();

    expect((await call('POST', '/article/dislikes', READER, { target: ART1 })).statusCode).toBe(
      201,
    );
    expect(await counter('count:art:dislike', ART1)).toBe(1);
    await primeCaches();
    const undislike = await call('DELETE', `/article/dislikes/${ART1}`, READER);
    expect(undislike.statusCode).toBe(204);
    expect(await cached('attitude')).toBe(0);
    expect((await call('DELETE', `/article/dislikes/${ART1}`, READER)).statusCode).toBe(204);
    expect(await counter('count:art:dislike', ART1)).toBe(0);
    expect(
      (await attitudes()).filter((row) => row.user_id === READER && row.article_id === ART1),
    ).toEqual([{ user_id: READER, article_id: ART1, attitude: null }]);
  });

  it('counts 20 concurrent likes by one user once, with one row and one notification', async () => {
    notifications.published.length = 0;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => call('POST', '/article/likings', OTHER, { target: ART2 })),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(
      Array.from({ length: 20 }, () => 201),
    );
    expect(await counter('count:art:liking', ART2)).toBe(1);
    expect(await counter('count:user:liked', AUTHOR)).toBe(2);
    expect((await attitudes()).filter((row) => row.article_id === ART2)).toEqual([
      { user_id: OTHER, article_id: ART2, attitude: 1 },
    ]);
    await waitFor(() => likingNotifications(AUTHOR).length > 0);
    await sleep(300);
    expect(likingNotifications(AUTHOR)).toHaveLength(1);

    const dislikes = await Promise.all(
      Array.from({ length: 10 }, () => call('POST', '/article/dislikes', OTHER, { target: ART2 })),
    );
    expect(dislikes.every((response) => response.statusCode === 201)).toBe(true);
    expect(await counter('count:art:liking', ART2)).toBe(0);
    expect(await counter('count:art:dislike', ART2)).toBe(1);
    expect(await counter('count:user:liked', AUTHOR)).toBe(1);
  });

  it('likes again after an unlike: 10 concurrent likes bring the row back and count it once', async () => {
    expect((await call('DELETE', `/article/likings/${ART1}`, READER)).statusCode).toBe(204);
    expect((await call('DELETE', `/article/dislikes/${ART1}`, READER)).statusCode).toBe(204);
    const likesBefore = await counter('count:art:liking', ART1);
    const likedBefore = await counter('count:user:liked', AUTHOR);
    expect(
      (await attitudes()).find((row) => row.user_id === READER && row.article_id === ART1)
        ?.attitude,
    ).toBeNull();

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => call('POST', '/article/likings', READER, { target: ART1 })),
    );
    expect(responses.every((response) => response.statusCode === 201)).toBe(true);
    expect(await counter('count:art:liking', ART1)).toBe(likesBefore + 1);
    expect(await counter('count:user:liked', AUTHOR)).toBe(likedBefore + 1);
    expect(
      (await attitudes()).filter((row) => row.user_id === READER && row.article_id === ART1),
    ).toEqual([{ user_id: READER, article_id: ART1, attitude: 1 }]);
  });

  it('counts a self-like for its author without notifying them', async () => {
    notifications.published.length = 0;
    expect(
      (await call('POST', '/article/likings', READER, { target: READERS_OWN })).statusCode,
    ).toBe(201);
    expect(await counter('count:art:liking', READERS_OWN)).toBe(1);
    expect(await counter('count:user:liked', READER)).toBe(1);
    // A like by someone else is notified; the self-like before it was not.
    expect(
      (await call('POST', '/article/likings', OTHER, { target: READERS_OWN })).statusCode,
    ).toBe(201);
    await waitFor(() => likingNotifications(READER).length > 0);
    await sleep(200);
    expect(likingNotifications(READER)).toHaveLength(1);
    expect(likingNotifications(READER)[0].message.includes(OTHER)).toBe(true);
    expect(await counter('count:user:liked', READER)).toBe(2);
  });

  it('sends no liking notify to an author who blacklisted the liker, whose likes still count; lifted, the next like notifies', async () => {
    const likeAgain = async () => {
      expect((await call('DELETE', `/article/likings/${ART3}`, OTHER)).statusCode).toBe(204);
      expect((await call('POST', '/article/likings', OTHER, { target: ART3 })).statusCode).toBe(
        201,
      );
    };
    expect((await call('POST', '/user/blacklists', AUTHOR, { target: OTHER })).statusCode).toBe(
      201,
    );
    const likesBefore = await counter('count:art:liking', ART3);
    notifications.published.length = 0;
    // A like and an unlike over and over, each like a change.
    for (let round = 0; round < 3; round++) await likeAgain();
    await sleep(300);
    expect(likingNotifications(AUTHOR)).toHaveLength(0);
    expect(await counter('count:art:liking', ART3)).toBe(likesBefore + 1);

    expect((await call('DELETE', `/user/blacklists/${OTHER}`, AUTHOR)).statusCode).toBe(204);
    await likeAgain();
    await waitFor(() => likingNotifications(AUTHOR).length > 0);
    expect(likingNotifications(AUTHOR)[0].message.includes(OTHER)).toBe(true);
  });

  it('reports once with 201 {target, type}, keeping the remark only for type 0', async () => {
    const other = await call('POST', '/article/reports', READER, {
      target: ART1,
      type: 0,
      remark: 'spam links',
      user_id: OTHER,
    });
    expect(other.statusCode).toBe(201);
    expect(other.json()).toEqual({ message: 'OK', data: { target: ART1, type: 0 } });
    const typo = await call('POST', '/article/reports', READER, {
      target: ART2,
      type: 3,
      remark: 'not kept',
    });
    expect(typo.statusCode).toBe(201);
    expect(typo.json()).toEqual({ message: 'OK', data: { target: ART2, type: 3 } });
    const plain = await call('POST', '/article/reports', OTHER, { target: ART1, type: 8 });
    expect(plain.statusCode).toBe(201);
    expect(await reports()).toEqual([
      { user_id: READER, article_id: ART1, type: 0, remark: 'spam links' },
      { user_id: OTHER, article_id: ART1, type: 8, remark: null },
      { user_id: READER, article_id: ART2, type: 3, remark: null },
    ]);

    const twice = await call('POST', '/article/reports', READER, { target: ART1, type: 2 });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toEqual({ message: 'User has reported this article.' });
    expect(await reports()).toHaveLength(3);
  });

  it('refuses report types outside 0..8 with 400 "Invalid report type."', async () => {
    for (const payload of [
      { target: ART3 },
      { target: ART3, type: 9 },
      { target: ART3, type: -1 },
      { target: ART3, type: '1' },
      { target: ART3, type: 1.5 },
      { target: ART3, type: null },
    ]) {
      const response = await call('POST', '/article/reports', READER, payload);
      expect({ payload, status: response.statusCode, body: response.json<unknown>() }).toEqual({
        payload,
        status: 400,
        body: { message: { type: 'Invalid report type.' } },
      });
    }
    const longRemark = await call('POST', '/article/reports', READER, {
      target: ART3,
      type: 0,
      remark: 'x'.repeat(201),
    });
    expect(longRemark.statusCode).toBe(400);
    expect(longRemark.json()).toEqual({ message: { remark: 'Invalid remark.' } });
    expect((await reports()).filter((row) => row.article_id === ART3)).toEqual([]);
  });

  it('counts a remark in characters, as the column does: 200 emoji are kept, 201 refused', async () => {
    const tooLong = await call('POST', '/article/reports', READER, {
      target: ART3,
      type: 0,
      remark: '😀'.repeat(201),
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toEqual({ message: { remark: 'Invalid remark.' } });

    const remark = `标题党${'😀'.repeat(197)}`;
    const kept = await call('POST', '/article/reports', OTHER, { target: ART3, type: 0, remark });
    expect(kept.statusCode).toBe(201);
    expect(kept.json()).toEqual({ message: 'OK', data: { target: ART3, type: 0 } });
    expect((await reports()).filter((row) => row.article_id === ART3)).toEqual([
      { user_id: OTHER, article_id: ART3, type: 0, remark },
    ]);
  });

  it('stops counting a collected article once it is no longer approved, in the total as in the page', async () => {
    const edited = '1300000000000000010';
    await stack.sql(
      `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment)
       VALUES (?, ?, 1, 'edited later', '{"type":0,"images":[]}', 2, 1)`,
      [edited, AUTHOR],
    );
    await stack.sql('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
      edited,
      '<p>edited later</p>',
    ]);
    const before = await list(READER);
    expect(
      (await call('POST', '/article/collections', READER, { target: edited })).statusCode,
    ).toBe(201);
    const collected = await list(READER);
    expect(collected.total_count).toBe(before.total_count + 1);
    expect(collected.results[0].art_id).toBe(edited);

    // The author edits it: it goes back to review and leaves the app's lists.
    const mp = await stack.startMediaPlatform();
    const authorization = `Bearer ${await stack.signIn(AUTHOR, { scope: 'mp', verified: true })}`;
    const loaded = await mp.inject({
      method: 'GET',
      url: `/mp/v1_0/articles/${edited}`,
      headers: { authorization },
    });
    const article = loaded.json<{ data: Record<string, unknown> }>().data;
    const saved = await mp.inject({
      method: 'PUT',
      url: `/mp/v1_0/articles/${edited}?draft=false`,
      headers: { authorization },
      payload: { ...article, title: 'edited title now' },
    });
    expect(saved.statusCode).toBe(201);

    const after = await list(READER);
    expect({ total: after.total_count, ids: after.results.map((card) => card.art_id) }).toEqual({
      total: before.total_count,
      ids: before.results.map((card) => card.art_id),
    });
    expect(await cached('collection')).toBe(1);
  });

  it('lists a collected article again, and shows it collected, as soon as it is approved again after a review or a ban', async () => {
    const back = '1300000000000000011';
    await stack.sql(
      `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment)
       VALUES (?, ?, 1, 'back again', '{"type":0,"images":[]}', 2, 1)`,
      [back, AUTHOR],
    );
    await stack.sql('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
      back,
      '<p>back again</p>',
    ]);
    const mp = await stack.startMediaPlatform();
    const authoring = mp.get<authoringV1.AuthoringServiceClient>(grpcClientToken(AUTHORING_GRPC));
    const review = (status: number) =>
      unary(authoring.reviewArticle({ articleId: back, status, reviewerId: 7, rejectReason: '' }));
    /** Waits until the gateway answers the article as it now is (its copies are dropped asynchronously). */
    const visible = async (expected: boolean) => {
      const deadline = Date.now() + 3000;
      while (((await call('GET', `/articles/${back}`)).statusCode === 200) !== expected) {
        if (Date.now() > deadline)
          throw new Error(`article still ${expected ? 'hidden' : 'visible'}`);
        await sleep(20);
      }
    };
    const seen = async () => {
      const page = await list(READER);
      const detail = await call('GET', `/articles/${back}`, READER);
      return {
        total: page.total_count,
        first: page.results[0].art_id,
        listed: page.results.some((card) => card.art_id === back),
        detail: detail.statusCode,
        collected: detail.json<{ data?: { is_collected: boolean } }>().data?.is_collected,
      };
    };
    const before = await list(READER);
    expect((await call('POST', '/article/collections', READER, { target: back })).statusCode).toBe(
      201,
    );
    const shown = {
      total: before.total_count + 1,
      first: back,
      listed: true,
      detail: 200,
      collected: true,
    };
    expect(await seen()).toEqual(shown);
    const hidden = {
      total: before.total_count,
      first: before.results[0].art_id,
      listed: false,
      detail: 404,
      collected: undefined,
    };

    for (const [hide, status] of [
      ['pending review', 1],
      ['banned', 5],
    ] as const) {
      if (status === 1) {
        const authorization = `Bearer ${await stack.signIn(AUTHOR, { scope: 'mp', verified: true })}`;
        const loaded = await mp.inject({
          method: 'GET',
          url: `/mp/v1_0/articles/${back}`,
          headers: { authorization },
        });
        const article = loaded.json<{ data: Record<string, unknown> }>().data;
        const saved = await mp.inject({
          method: 'PUT',
          url: `/mp/v1_0/articles/${back}?draft=false`,
          headers: { authorization },
          payload: article,
        });
        expect(saved.statusCode).toBe(201);
      } else await review(status);
      await visible(false);
      // Listed while hidden: the reader's collections are cached meanwhile.
      expect({ hide, ...(await seen()) }).toEqual({ hide, ...hidden });
      expect(await cached('collection')).toBe(1);
      await review(2);
      await visible(true);
      expect({ hide, ...(await seen()) }).toEqual({ hide, ...shown });
    }
  });

  it("stops counting a collected article hidden since the reader's collections were cached, on a page that does not show it, and counts it again once approved", async () => {
    const far = '1300000000000000012';
    const newer = Array.from({ length: 10 }, (_, index) => `130000000000000013${index}`);
    for (const id of [far, ...newer]) {
      await stack.sql(
        `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment)
         VALUES (?, ?, 1, 'collected long ago', '{"type":0,"images":[]}', 2, 1)`,
        [id, AUTHOR],
      );
      await stack.sql('INSERT INTO news_article_content (article_id, content) VALUES (?, ?)', [
        id,
        '<p>collected</p>',
      ]);
    }
    // Collected before everything else, so it is on the last page, past ten newer ones.
    await stack.sql(
      "INSERT INTO news_collection (user_id, article_id, is_deleted, update_time) VALUES (?, ?, 0, '2000-01-01 00:00:00')",
      [OTHER, far],
    );
    for (const id of newer) {
      expect((await call('POST', '/article/collections', OTHER, { target: id })).statusCode).toBe(
        201,
      );
    }
    const mp = await stack.startMediaPlatform();
    const authoring = mp.get<authoringV1.AuthoringServiceClient>(grpcClientToken(AUTHORING_GRPC));
    const review = (status: number) =>
      unary(authoring.reviewArticle({ articleId: far, status, reviewerId: 7, rejectReason: '' }));
    const firstPage = async () => {
      const page = await list(OTHER);
      return { total: page.total_count, listed: page.results.length };
    };
    const lastPage = async (total: number) =>
      (await list(OTHER, `?page=${Math.ceil(total / 10)}`)).results.map((card) => card.art_id);

    const before = await firstPage();
    expect(before.listed).toBe(10);
    expect(await lastPage(before.total)).toContain(far);
    expect(await cached('collection', OTHER)).toBe(1);

    await review(5);
    expect(await firstPage()).toEqual({ total: before.total - 1, listed: 10 });
    expect(await lastPage(before.total - 1)).not.toContain(far);

    await review(2);
    expect(await firstPage()).toEqual(before);
    // The gateway's copy of its card is dropped asynchronously.
    const deadline = Date.now() + 3000;
    while ((await call('GET', `/articles/${far}`)).statusCode !== 200) {
      if (Date.now() > deadline) throw new Error('article still hidden');
      await sleep(20);
    }
    expect(await lastPage(before.total)).toContain(far);
  });
});
