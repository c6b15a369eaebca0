import { setTimeout as sleep } from 'node:timers/promises';

import { CommentsRepository } from '../../apps/news/src/comments/comments.repository';

import { type ArticleStack, IMG, startArticleStack } from './support/article-stack';
import { type NotificationTap, tapNotifications, waitFor } from './support/notifications';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
const OTHER = '1294287382374383618';

const ART = '1300000000000000001';
const STICKY_ART = '1300000000000000002';
const TIE_ART = '1300000000000000003';
const POST_ART = '1300000000000000004';
const EMPTY_ART = '1300000000000000005';
const CLOSED_ART = '1300000000000000006';
const PENDING_ART = '1300000000000000007';
const MISSING_COMMENT = '1399999999999999999';

const DEFAULT_PHOTO = `${IMG}Fkj6tQi3xJwVXi1u2swCElotfdCi`;
/** 2024-01-01T00:00:00Z, in seconds. */
const BASE = 1704067200;

type Method = 'GET' | 'POST' | 'DELETE';

interface CommentItem {
  com_id: string;
  aut_id: string;
  aut_name: string;
  aut_photo: string;
  like_count: number;
  reply_count: number;
  pubdate: string;
  content: string;
  is_top: 0 | 1;
  is_liking: boolean;
}

interface CommentPage {
  total_count: number;
  end_id: string | null;
  last_id: string | null;
  results: CommentItem[];
}

interface SeedComment {
  id: string;
  articleId: string;
  userId: string;
  seconds: number;
  top: boolean;
}

const commentId = (series: number, index: number): string =>
  String(1320000000000000000n + BigInt(series * 1000 + index));

/** ART: 35 comments a minute apart; the 5th and 20th are sticky. */
const ART_COMMENTS: SeedComment[] = Array.from({ length: 35 }, (_, index) => ({
  id: commentId(1, index),
  articleId: ART,
  userId: index % 2 === 0 ? READER : OTHER,
  seconds: BASE + index * 60,
  top: index === 4 || index === 19,
}));

/** STICKY_ART: 12 sticky comments (more than a page; their scores exceed 2^53), then 3 plain ones. */
const STICKY_COMMENTS: SeedComment[] = [
  ...Array.from({ length: 12 }, (_, index) => ({
    id: commentId(2, index),
    articleId: STICKY_ART,
    userId: READER,
    seconds: BASE + index * 10_000,
    top: true,
  })),
  ...Array.from({ length: 3 }, (_, index) => ({
    id: commentId(2, 100 + index),
    articleId: STICKY_ART,
    userId: OTHER,
    seconds: BASE + index,
    top: false,
  })),
];

/** TIE_ART: 8 comments, then 5 posted in the same second across the first page's end, then 6 older ones. */
const TIE_COMMENTS: SeedComment[] = [
  ...Array.from({ length: 8 }, (_, index) => ({
    id: commentId(3, index),
    articleId: TIE_ART,
    userId: READER,
    seconds: BASE + 100 + index,
    top: false,
  })),
  ...Array.from({ length: 5 }, (_, index) => ({
    id: commentId(3, 100 + index),
    articleId: TIE_ART,
    userId: OTHER,
    seconds: BASE + 50,
    top: false,
  })),
  ...Array.from({ length: 6 }, (_, index) => ({
    id: commentId(3, 200 + index),
    articleId: TIE_ART,
    userId: READER,
    seconds: BASE + index,
    top: false,
  })),
];

/** Newest first, sticky first; equal times by id descending. */
function expectedOrder(comments: readonly SeedComment[]): string[] {
  return [...comments]
    .sort(
      (a, b) =>
        Number(b.top) - Number(a.top) ||
        b.seconds - a.seconds ||
        (BigInt(b.id) > BigInt(a.id) ? 1 : -1),
    )
    .map(({ id }) => id);
}

/** `YYYY-MM-DDTHH:MM:SS` in Asia/Shanghai (UTC+8, no daylight saving). */
function shanghai(seconds: number): string {
  return new Date((seconds + 8 * 3600) * 1000).toISOString().slice(0, 19);
}

describe('comments and comment likes through the gateway', () => {
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
      headers: { ...(as ? { authorization: `Bearer ${tokens.get(as)}` } : {}), ...headers },
      ...(payload ? { payload } : {}),
    });
  const pageOf = async (query: string, as?: string): Promise<CommentPage> => {
    const response = await call('GET', `/comments?${query}`, as);
    expect({ query, status: response.statusCode }).toEqual({ query, status: 200 });
    expect(response.json<{ message: string }>().message).toBe('OK');
    return response.json<{ data: CommentPage }>().data;
  };
  /** Pages as the mobile client does: `last_id` back as `offset` until an empty page. */
  const pageThrough = async (
    type: 'a' | 'c',
    source: string,
    limit: number,
    before?: () => Promise<void>,
    as?: string,
  ) => {
    const pages: CommentPage[] = [];
    let offset: string | null = null;
    for (let index = 0; index < 12; index += 1) {
      await before?.();
      const page = await pageOf(
        `type=${type}&source=${source}&limit=${limit}${offset === null ? '' : `&offset=${offset}`}`,
        as,
      );
      pages.push(page);
      if (page.results.length === 0) return pages;
      expect(typeof page.last_id).toBe('string');
      offset = page.last_id;
    }
    throw new Error('the list did not end');
  };
  const ids = (pages: readonly CommentPage[]) =>
    pages.flatMap((page) => page.results.map((item) => item.com_id));
  const cacheKeys = async (pattern: string): Promise<string[]> => {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await stack.redis
        .client('cache')
        .scan(cursor, 'MATCH', `${stack.redis.prefix}${pattern}`, 'COUNT', 500);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return found;
  };
  /** Drops every comment list and comment from the shared cache (a cold cache). */
  const flushCommentCache = async () => {
    const found = [...(await cacheKeys('art:*:comm')), ...(await cacheKeys('comm:*'))];
    if (found.length > 0) await stack.redis.client('cache').del(...found);
  };
  const counter = async (key: string, id: string) =>
    Number((await stack.redis.client('state').zscore(`${stack.redis.prefix}${key}`, id)) ?? 0);
  const query = <T>(sql: string, params: unknown[] = []) => stack.sql(sql, params) as Promise<T>;

  beforeAll(async () => {
    stack = await startArticleStack();
    notifications = await tapNotifications(stack.redis);
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, profile_photo, status, is_media) VALUES
       (?, '13900000001', 'author', 'author-photo', 1, 1),
       (?, '13900000002', 'reader', 'reader-photo', 1, 0),
       (?, '13900000003', 'other', NULL, 1, 0)`,
      [AUTHOR, READER, OTHER],
    );
    const articles: Array<[string, number, number]> = [
      [ART, 2, 1],
      [STICKY_ART, 2, 1],
      [TIE_ART, 2, 1],
      [POST_ART, 2, 1],
      [EMPTY_ART, 2, 1],
      [CLOSED_ART, 2, 0],
      [PENDING_ART, 1, 1],
    ];
    for (const [id, status, allowComment] of articles) {
      await stack.sql(
        `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status, allow_comment)
         VALUES (?, ?, 1, ?, '{"type":0,"images":[]}', ?, ?)`,
        [id, AUTHOR, `title ${id}`, status, allowComment],
      );
    }
    for (const comment of [...ART_COMMENTS, ...STICKY_COMMENTS, ...TIE_COMMENTS]) {
      await stack.sql(
        `INSERT INTO news_comment (comment_id, user_id, article_id, parent_id, content, is_top, status, create_time)
         VALUES (?, ?, ?, NULL, ?, ?, 1, ?)`,
        [
          comment.id,
          comment.userId,
          comment.articleId,
          `comment ${comment.id}`,
          comment.top ? 1 : 0,
          new Date(comment.seconds * 1000),
        ],
      );
    }
    const counters = stack.redis.client('state');
    await counters.zadd(
      `${stack.redis.prefix}count:art:comm`,
      ART_COMMENTS.length,
      ART,
      STICKY_COMMENTS.length,
      STICKY_ART,
      TIE_COMMENTS.length,
      TIE_ART,
    );
    for (const id of [AUTHOR, READER, OTHER]) tokens.set(id, await stack.signIn(id));
  });

  afterAll(async () => {
    await stack?.close();
    await notifications?.close();
  });

  describe('GET /comments', () => {
    it('answers 400 for a bad type, source, limit or offset, and 404 for an article that is not visible', async () => {
      const cases: Array<[string, number, unknown]> = [
        [`source=${ART}`, 400, { message: 'Invalid type param.' }],
        [`type=b&source=${ART}`, 400, { message: 'Invalid type param.' }],
        [`type=ac&source=${ART}`, 400, { message: 'Invalid type param.' }],
        ['type=a', 400, { message: { source: 'Invalid source param.' } }],
        ['type=a&source=abc', 400, { message: { source: 'Invalid source param.' } }],
        [
          `type=a&source=${ART}&limit=9`,
          400,
          { message: { limit: 'limit must be within the range 10 - 50' } },
        ],
        [
          `type=a&source=${ART}&limit=51`,
          400,
          { message: { limit: 'limit must be within the range 10 - 50' } },
        ],
        [`type=a&source=${ART}&offset=-5`, 400, { message: { offset: 'Invalid offset param.' } }],
        [`type=a&source=${ART}&offset=1.5`, 400, { message: { offset: 'Invalid offset param.' } }],
        [`type=a&source=${PENDING_ART}`, 404, { message: 'The article does not exist.' }],
        // Again, now from the gateway's cached "no such article" marker.
        [`type=a&source=${PENDING_ART}`, 404, { message: 'The article does not exist.' }],
        ['type=a&source=1300000000000000099', 404, { message: 'The article does not exist.' }],
      ];
      for (const [search, status, body] of cases) {
        const response = await call('GET', `/comments?${search}`);
        expect({ search, status: response.statusCode, body: response.json<unknown>() }).toEqual({
          search,
          status,
          body,
        });
      }
    });

    it('answers an article without comments with an empty page', async () => {
      expect(await pageOf(`type=a&source=${EMPTY_ART}`)).toEqual({
        total_count: 0,
        end_id: null,
        last_id: null,
        results: [],
      });
    });

    it('pages through 35 comments 10 at a time: each once, sticky first then newest, then an empty page', async () => {
      const pages = await pageThrough('a', ART, 10);
      expect(pages.map((page) => page.results.length)).toEqual([10, 10, 10, 5, 0]);
      expect(ids(pages)).toEqual(expectedOrder(ART_COMMENTS));
      expect(ids(pages).slice(0, 2)).toEqual([commentId(1, 19), commentId(1, 4)]);
      for (const page of pages.slice(0, 4)) {
        expect(page.total_count).toBe(35);
        expect(page.end_id).toBe(String(BASE));
      }
      // The 10th comment is the 8th plain one, index 27: its creation second is the cursor.
      expect(pages[0].last_id).toBe(String(BASE + 27 * 60));
      expect(pages[3].last_id).toBe(String(BASE));

      const first = pages[0].results[0];
      expect(first).toEqual({
        com_id: commentId(1, 19),
        aut_id: OTHER,
        aut_name: 'other',
        aut_photo: DEFAULT_PHOTO,
        like_count: 0,
        reply_count: 0,
        pubdate: shanghai(BASE + 19 * 60),
        content: `comment ${commentId(1, 19)}`,
        is_top: 1,
        is_liking: false,
      });
      expect(pages[0].results[2]).toMatchObject({
        com_id: commentId(1, 34),
        aut_id: READER,
        aut_name: 'reader',
        aut_photo: `${IMG}reader-photo`,
        is_top: 0,
      });
    });

    it('sends ids and cursor values as JSON strings', async () => {
      const response = await call('GET', `/comments?type=a&source=${ART}`);
      expect(response.body).toContain(`"last_id":"${BASE + 27 * 60}"`);
      expect(response.body).toContain(`"end_id":"${BASE}"`);
      expect(response.body).toContain(`"com_id":"${commentId(1, 19)}"`);
      expect(response.body).toContain(`"aut_id":"${OTHER}"`);
    });

    it('round-trips cursor values beyond 2^53 exactly (sticky comments past the first page)', async () => {
      const pages = await pageThrough('a', STICKY_ART, 10);
      expect(pages.map((page) => page.results.length)).toEqual([10, 5, 0]);
      expect(ids(pages)).toEqual(expectedOrder(STICKY_COMMENTS));
      const lastId = pages[0].last_id ?? '';
      expect(lastId).toMatch(/^\d{20}$/);
      const exact = 20_000_000_000_000_000_000n + BigInt(BASE + 2 * 10_000);
      const drift = BigInt(lastId) - exact;
      expect(drift <= 4096n && drift >= -4096n).toBe(true);
      expect(pages[1].end_id).toBe(String(BASE));
    });

    it('never splits comments of the same second across pages', async () => {
      const pages = await pageThrough('a', TIE_ART, 10);
      expect(pages.map((page) => page.results.length)).toEqual([13, 6, 0]);
      expect(ids(pages)).toEqual(expectedOrder(TIE_COMMENTS));
    });

    it('reads offset 0 (or 00) as the cursor below every score: an empty page, as the media platform and the reference answer it', async () => {
      for (const offset of ['0', '00']) {
        const page = await pageOf(`type=a&source=${ART}&limit=10&offset=${offset}`);
        expect({ offset, results: page.results }).toEqual({ offset, results: [] });
        expect(page.total_count).toBe(ART_COMMENTS.length);
      }
    });

    it('answers the same pages from a warm cache and from a cold one (every key flushed before each page)', async () => {
      for (const [source, limit] of [
        [ART, 10],
        [ART, 12],
        [STICKY_ART, 10],
        [TIE_ART, 10],
        [TIE_ART, 11],
      ] as const) {
        const warm = await pageThrough('a', source, limit);
        const again = await pageThrough('a', source, limit);
        const cold = await pageThrough('a', source, limit, flushCommentCache);
        expect(again).toEqual(warm);
        expect(cold).toEqual(warm);
        expect(new Set(ids(cold)).size).toBe(ids(cold).length);
      }
      await flushCommentCache();
      await pageOf(`type=a&source=${ART}&limit=10&offset=${BASE}`);
      expect(await stack.redis.client('cache').zcard(`${stack.redis.prefix}art:${ART}:comm`)).toBe(
        ART_COMMENTS.length,
      );
      const ttl = await stack.redis.client('cache').ttl(`${stack.redis.prefix}art:${ART}:comm`);
      expect(ttl).toBeGreaterThan(1700);
      expect(ttl).toBeLessThanOrEqual(2400);
    });

    it('builds a cold list from MySQL once for all the requests that miss it together', async () => {
      await flushCommentCache();
      const listed = jest.spyOn(stack.newsService!.get(CommentsRepository), 'listedInChunks');
      try {
        const pages = await Promise.all(
          Array.from({ length: 20 }, () => pageOf(`type=a&source=${ART}&limit=10`)),
        );
        expect(listed).toHaveBeenCalledTimes(1);
        expect(pages[0].results).toHaveLength(10);
        expect(pages.every((page) => JSON.stringify(page) === JSON.stringify(pages[0]))).toBe(true);
        expect(
          await stack.redis.client('cache').zcard(`${stack.redis.prefix}art:${ART}:comm`),
        ).toBe(ART_COMMENTS.length);
      } finally {
        listed.mockRestore();
      }
    });

    it('uses a valid token for is_liking but does not require one, and reads as anonymous with any other (reference: token used if valid)', async () => {
      const signedIn = await pageOf(`type=a&source=${ART}`, READER);
      expect(signedIn.results.every((item) => item.is_liking === false)).toBe(true);
      const anonymous = await call('GET', `/comments?type=a&source=${ART}`);
      for (const authorization of ['Bearer nope', `Bearer ${tokens.get(READER)}x`, 'Basic abc']) {
        const reply = await call('GET', `/comments?type=a&source=${ART}`, undefined, undefined, {
          authorization,
        });
        expect({ authorization, status: reply.statusCode, body: reply.json<unknown>() }).toEqual({
          authorization,
          status: 200,
          body: anonymous.json<unknown>(),
        });
      }
    });
  });

  describe('POST /comments', () => {
    let firstComment = '';

    it('answers 401 without a token and stores nothing', async () => {
      const response = await call('POST', '/comments', undefined, {
        target: POST_ART,
        content: 'hello',
      });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ message: 'User must be authorized.' });
      expect(
        await query<unknown[]>('SELECT comment_id FROM news_comment WHERE article_id = ?', [
          POST_ART,
        ]),
      ).toEqual([]);
    });

    it('refuses empty content, closed and invisible articles, and bad bodies, storing nothing', async () => {
      const cases: Array<[object, number, unknown]> = [
        [{ target: POST_ART, content: '' }, 400, { message: 'Empty content.' }],
        [{ target: POST_ART, content: '   ' }, 400, { message: 'Empty content.' }],
        // Nothing that shows: a zero-width space, joiners, a Hangul filler, a blank braille pattern.
        [{ target: POST_ART, content: '\u200b' }, 400, { message: 'Empty content.' }],
        [{ target: POST_ART, content: ' \u200d\u2060\u200c ' }, 400, { message: 'Empty content.' }],
        [{ target: POST_ART, content: '\u3164\u2800' }, 400, { message: 'Empty content.' }],
        [{ target: POST_ART }, 400, { message: { content: 'content must be a string' } }],
        [{ target: POST_ART, content: 'x'.repeat(201) }, 400, { message: 'Content is too long.' }],
        [{ target: CLOSED_ART, content: 'hello' }, 400, { message: 'Article denied comment.' }],
        [
          { target: PENDING_ART, content: 'hello' },
          404,
          { message: 'The article does not exist.' },
        ],
        [
          { target: '1300000000000000099', content: 'hello' },
          404,
          { message: 'The article does not exist.' },
        ],
        [{ target: 'abc', content: 'hello' }, 400, { message: { target: 'Invalid target.' } }],
        [
          { target: POST_ART, content: 'hello', art_id: 'x' },
          400,
          { message: { art_id: 'Invalid article id.' } },
        ],
      ];
      for (const [payload, status, body] of cases) {
        const response = await call('POST', '/comments', READER, payload);
        expect({ payload, status: response.statusCode, body: response.json<unknown>() }).toEqual({
          payload,
          status,
          body,
        });
      }
      expect(
        await query<unknown[]>(
          'SELECT comment_id FROM news_comment WHERE article_id IN (?, ?, ?)',
          [POST_ART, CLOSED_ART, PENDING_ART],
        ),
      ).toEqual([]);
      expect(await counter('count:art:comm', POST_ART)).toBe(0);
    });

    it('comments an article: 201 with new_obj, art_id null and extra fields ignored, counted, and comment notify published', async () => {
      const before = Math.floor(Date.now() / 1000);
      const response = await call('POST', '/comments', READER, {
        target: POST_ART,
        content: 'first!',
        art_id: null,
        status: 0,
        is_top: 1,
        like_count: 99,
        user_id: OTHER,
        com_id: '1',
      });
      expect(response.statusCode).toBe(201);
      const { data } = response.json<{
        data: {
          com_id: string;
          target: string;
          art_id: string;
          new_obj: Omit<CommentItem, 'is_liking'>;
        };
      }>();
      firstComment = data.com_id;
      expect(data.com_id).toMatch(/^\d{18,20}$/);
      expect(response.body).toContain(`"com_id":"${data.com_id}"`);
      expect(data).toEqual({
        com_id: data.com_id,
        target: POST_ART,
        art_id: POST_ART,
        new_obj: {
          com_id: data.com_id,
          aut_id: READER,
          aut_name: 'reader',
          aut_photo: `${IMG}reader-photo`,
          like_count: 0,
          reply_count: 0,
          pubdate: data.new_obj.pubdate,
          content: 'first!',
          is_top: 0,
        },
      });
      const seconds = [before, before + 1, before + 2];
      expect(seconds.map(shanghai)).toContain(data.new_obj.pubdate);

      const rows = await query<Array<Record<string, unknown>>>(
        'SELECT user_id, article_id, parent_id, content, is_top, status, like_count, create_time FROM news_comment WHERE comment_id = ?',
        [data.com_id],
      );
      const [{ create_time: createTime, ...row }] = rows;
      expect(row).toEqual({
        user_id: READER,
        article_id: POST_ART,
        parent_id: null,
        content: 'first!',
        is_top: 0,
        status: 1,
        like_count: 0,
      });
      expect(rows).toHaveLength(1);
      // What a rebuild from MySQL would show is what new_obj showed.
      expect(createTime).toBeInstanceOf(Date);
      expect(shanghai((createTime as Date).getTime() / 1000)).toBe(data.new_obj.pubdate);
      expect(await counter('count:art:comm', POST_ART)).toBe(1);

      await waitFor(() => notifications.published.length > 0);
      expect(notifications.published).toHaveLength(1);
      expect(notifications.published[0].channel).toBe(notifications.roomChannel(AUTHOR));
      for (const part of [
        'comment notify',
        'user_id',
        READER,
        'user_name',
        'reader',
        'user_photo',
        `${IMG}reader-photo`,
        'art_id',
        POST_ART,
        'art_title',
        `title ${POST_ART}`,
        'timestamp',
      ]) {
        expect(notifications.published[0].message.includes(part)).toBe(true);
      }
    });

    it('lists the new comment and patches a cached list in place for the next one', async () => {
      const page = await pageOf(`type=a&source=${POST_ART}`);
      expect(page.results.map((item) => item.com_id)).toEqual([firstComment]);
      const listKey = `${stack.redis.prefix}art:${POST_ART}:comm`;
      expect(await stack.redis.client('cache').exists(listKey)).toBe(1);

      const second = await call('POST', '/comments', OTHER, {
        target: POST_ART,
        content: 'second',
      });
      expect(second.statusCode).toBe(201);
      const secondId = second.json<{ data: { com_id: string } }>().data.com_id;
      expect(await stack.redis.client('cache').zscore(listKey, secondId)).not.toBeNull();
      expect(
        await stack.redis.client('cache').exists(`${stack.redis.prefix}comm:${secondId}`),
      ).toBe(1);

      const after = await pageOf(`type=a&source=${POST_ART}`);
      expect(after.total_count).toBe(2);
      expect(after.results.map((item) => item.com_id)).toEqual([secondId, firstComment]);
      expect(await counter('count:art:comm', POST_ART)).toBe(2);
      await waitFor(() => notifications.published.length > 1);
      expect(notifications.published).toHaveLength(2);
    });

    it('sends no comment notify when the author comments their own article', async () => {
      const own = await call('POST', '/comments', AUTHOR, {
        target: POST_ART,
        content: 'thanks all',
      });
      expect(own.statusCode).toBe(201);
      await sleep(300);
      expect(notifications.published).toHaveLength(2);
      expect(await counter('count:art:comm', POST_ART)).toBe(3);
    });

    it('replies to a comment: counted on the article and the parent, listed under type=c, no notify', async () => {
      const response = await call('POST', '/comments', OTHER, {
        target: firstComment,
        content: 'a reply',
        art_id: POST_ART,
        extra: true,
      });
      expect(response.statusCode).toBe(201);
      const { data } = response.json<{
        data: { com_id: string; target: string; art_id: string; new_obj: { aut_name: string } };
      }>();
      expect(data).toMatchObject({
        target: firstComment,
        art_id: POST_ART,
        new_obj: { aut_name: 'other' },
      });
      expect(await counter('count:art:comm', POST_ART)).toBe(4);
      expect(await counter('count:art:reply', firstComment)).toBe(1);
      expect(
        await query<unknown[]>(
          'SELECT parent_id, reply_count FROM news_comment WHERE comment_id IN (?, ?) ORDER BY comment_id',
          [firstComment, data.com_id],
        ),
      ).toEqual([
        { parent_id: null, reply_count: 1 },
        { parent_id: firstComment, reply_count: 0 },
      ]);

      const replies = await pageOf(`type=c&source=${firstComment}`);
      expect(replies.total_count).toBe(1);
      expect(replies.results).toEqual([
        expect.objectContaining({
          com_id: data.com_id,
          aut_id: OTHER,
          aut_name: 'other',
          content: 'a reply',
          is_top: 0,
        }),
      ]);
      expect(replies.last_id).toEqual(expect.stringMatching(/^\d+$/));

      const comments = await pageOf(`type=a&source=${POST_ART}`);
      expect(comments.results.map((item) => item.com_id)).not.toContain(data.com_id);
      expect(comments.results.find((item) => item.com_id === firstComment)?.reply_count).toBe(1);

      const second = await call('POST', '/comments', READER, {
        target: firstComment,
        content: 'another',
        art_id: POST_ART,
      });
      expect(second.statusCode).toBe(201);
      const more = await pageOf(`type=c&source=${firstComment}`);
      expect(more.results.map((item) => item.com_id)).toEqual([
        second.json<{ data: { com_id: string } }>().data.com_id,
        data.com_id,
      ]);
      await sleep(300);
      expect(notifications.published).toHaveLength(2);
    });

    it('lists a reply to a reply in the thread it was posted in (toutiao-m replies to a reply with its id as target)', async () => {
      const thread = await pageOf(`type=c&source=${firstComment}`);
      const [reply] = thread.results;
      const replies = await counter('count:art:reply', firstComment);
      const response = await call('POST', '/comments', AUTHOR, {
        target: reply.com_id,
        content: 'a reply to a reply',
        art_id: POST_ART,
      });
      expect(response.statusCode).toBe(201);
      const { data } = response.json<{
        data: { com_id: string; target: string; art_id: string };
      }>();
      expect(data).toMatchObject({ target: reply.com_id, art_id: POST_ART });

      const after = await pageOf(`type=c&source=${firstComment}`);
      expect(after.results.map((item) => item.com_id)).toEqual([
        data.com_id,
        ...thread.results.map((item) => item.com_id),
      ]);
      expect(after.total_count).toBe(thread.total_count + 1);
      expect(await counter('count:art:reply', firstComment)).toBe(replies + 1);
      expect((await pageOf(`type=c&source=${reply.com_id}`)).results).toEqual([]);
      expect(
        await query<unknown[]>('SELECT parent_id FROM news_comment WHERE comment_id = ?', [
          data.com_id,
        ]),
      ).toEqual([{ parent_id: firstComment }]);
      expect(
        await query<unknown[]>(
          'SELECT comment_id, reply_count FROM news_comment WHERE comment_id IN (?, ?) ORDER BY comment_id',
          [firstComment, reply.com_id],
        ),
      ).toEqual([
        { comment_id: firstComment, reply_count: replies + 1 },
        { comment_id: reply.com_id, reply_count: 0 },
      ]);
      // Cold, from MySQL: the same thread.
      await flushCommentCache();
      expect(
        (await pageOf(`type=c&source=${firstComment}`)).results.map((item) => item.com_id),
      ).toEqual(after.results.map((item) => item.com_id));
    });

    it('refuses a reply to a comment that does not exist or belongs to another article, and on a closed article', async () => {
      const before = await counter('count:art:comm', POST_ART);
      const cases: Array<[object, number, unknown]> = [
        [
          { target: MISSING_COMMENT, content: 'x', art_id: POST_ART },
          400,
          { message: 'Invalid target comment id.' },
        ],
        [
          { target: commentId(1, 0), content: 'x', art_id: POST_ART },
          400,
          { message: 'Invalid target comment id.' },
        ],
        [
          { target: commentId(1, 0), content: 'x', art_id: CLOSED_ART },
          400,
          { message: 'Article denied comment.' },
        ],
        [
          { target: commentId(1, 0), content: 'x', art_id: PENDING_ART },
          404,
          { message: 'The article does not exist.' },
        ],
      ];
      for (const [payload, status, body] of cases) {
        const response = await call('POST', '/comments', READER, payload);
        expect({ payload, status: response.statusCode, body: response.json<unknown>() }).toEqual({
          payload,
          status,
          body,
        });
      }
      expect(await counter('count:art:comm', POST_ART)).toBe(before);
      expect(await counter('count:art:reply', commentId(1, 0))).toBe(0);
    });

    it('takes an art_id equal to the target as a top-level comment', async () => {
      const before = await counter('count:art:comm', POST_ART);
      const response = await call('POST', '/comments', READER, {
        target: POST_ART,
        content: 'same ids',
        art_id: POST_ART,
      });
      expect(response.statusCode).toBe(201);
      const { data } = response.json<{
        data: { com_id: string; target: string; art_id: string };
      }>();
      expect(data).toMatchObject({ target: POST_ART, art_id: POST_ART });
      expect(
        await query<unknown[]>('SELECT parent_id FROM news_comment WHERE comment_id = ?', [
          data.com_id,
        ]),
      ).toEqual([{ parent_id: null }]);
      expect(await counter('count:art:comm', POST_ART)).toBe(before + 1);
      expect((await pageOf(`type=a&source=${POST_ART}`)).results[0].com_id).toBe(data.com_id);
      await waitFor(() => notifications.published.length > 2);
      expect(notifications.published).toHaveLength(3);
    });

    it('sends no comment notify to an author who blacklisted the commenter, whose comment is still posted; lifted, the next comment notifies', async () => {
      expect((await call('POST', '/user/blacklists', AUTHOR, { target: OTHER })).statusCode).toBe(
        201,
      );
      const before = notifications.published.length;
      const blocked = await call('POST', '/comments', OTHER, {
        target: POST_ART,
        content: 'from a blacklisted reader',
      });
      expect(blocked.statusCode).toBe(201);
      await sleep(300);
      expect(notifications.published).toHaveLength(before);
      const listed = await pageOf(`type=a&source=${POST_ART}`);
      expect(listed.results[0].com_id).toBe(
        blocked.json<{ data: { com_id: string } }>().data.com_id,
      );

      expect((await call('DELETE', `/user/blacklists/${OTHER}`, AUTHOR)).statusCode).toBe(204);
      expect(
        (await call('POST', '/comments', OTHER, { target: POST_ART, content: 'again' })).statusCode,
      ).toBe(201);
      await waitFor(() => notifications.published.length > before);
      expect(notifications.published).toHaveLength(before + 1);
      expect(notifications.published[before].message.includes(OTHER)).toBe(true);
    });
  });

  describe('comment likes', () => {
    const TARGET = commentId(1, 34);
    const likings = () =>
      query<Array<{ user_id: string; is_deleted: number; liking_id: string }>>(
        'SELECT liking_id, user_id, is_deleted FROM news_comment_liking WHERE comment_id = ? ORDER BY user_id',
        [TARGET],
      );
    const itemFor = async (as?: string) =>
      (await pageOf(`type=a&source=${ART}`, as)).results.find((item) => item.com_id === TARGET);

    it('answers 401 without a token', async () => {
      for (const [method, url, payload] of [
        ['POST', '/comment/likings', { target: TARGET }],
        ['DELETE', `/comment/likings/${TARGET}`, undefined],
      ] as const) {
        const response = await call(method, url, undefined, payload);
        expect(response.statusCode).toBe(401);
        expect(response.json()).toEqual({ message: 'User must be authorized.' });
      }
      expect(await likings()).toEqual([]);
    });

    it('refuses unknown and malformed comment ids', async () => {
      const missing = await call('POST', '/comment/likings', READER, { target: MISSING_COMMENT });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toEqual({ message: 'Invalid target comment id.' });
      const malformed = await call('POST', '/comment/likings', READER, { target: 'abc' });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json()).toEqual({ message: { target: 'Invalid target comment id.' } });
      // The reference routed `{t}` as int(min=1); other values name no route.
      for (const target of ['abc', '0']) {
        const badDelete = await call('DELETE', `/comment/likings/${target}`, READER);
        expect(badDelete.statusCode).toBe(404);
        expect(badDelete.json()).toEqual({ message: 'The comment does not exist.' });
      }
      expect(await counter('count:comm:liking', MISSING_COMMENT)).toBe(0);
    });

    it('likes once (extras ignored), shows is_liking to the liker only, and counts once', async () => {
      expect((await itemFor(READER))?.is_liking).toBe(false);
      const response = await call('POST', '/comment/likings', READER, {
        target: TARGET,
        user_id: OTHER,
      });
      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({ message: 'OK', data: { target: TARGET } });
      expect(await counter('count:comm:liking', TARGET)).toBe(1);
      expect(await likings()).toEqual([
        expect.objectContaining({ user_id: READER, is_deleted: 0 }),
      ]);

      expect(await itemFor(READER)).toMatchObject({ is_liking: true, like_count: 1 });
      expect(await itemFor(READER)).toMatchObject({ is_liking: true, like_count: 1 });
      expect(await itemFor(OTHER)).toMatchObject({ is_liking: false, like_count: 1 });
      expect(await itemFor()).toMatchObject({ is_liking: false, like_count: 1 });

      const again = await call('POST', '/comment/likings', READER, { target: TARGET });
      expect(again.statusCode).toBe(201);
      expect(await counter('count:comm:liking', TARGET)).toBe(1);
      expect(
        await query<unknown[]>('SELECT like_count FROM news_comment WHERE comment_id = ?', [
          TARGET,
        ]),
      ).toEqual([{ like_count: 1 }]);
    });

    it('takes a like back (204), then a re-like flips is_deleted on the same row', async () => {
      const [row] = await likings();
      const response = await call('DELETE', `/comment/likings/${TARGET}`, READER);
      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expect(await counter('count:comm:liking', TARGET)).toBe(0);
      expect(await likings()).toEqual([
        { liking_id: row.liking_id, user_id: READER, is_deleted: 1 },
      ]);
      expect(await itemFor(READER)).toMatchObject({ is_liking: false, like_count: 0 });

      const twice = await call('DELETE', `/comment/likings/${TARGET}`, READER);
      expect(twice.statusCode).toBe(204);
      expect(await counter('count:comm:liking', TARGET)).toBe(0);

      const relike = await call('POST', '/comment/likings', READER, { target: TARGET });
      expect(relike.statusCode).toBe(201);
      expect(await likings()).toEqual([
        { liking_id: row.liking_id, user_id: READER, is_deleted: 0 },
      ]);
      expect(await counter('count:comm:liking', TARGET)).toBe(1);
      expect(await itemFor(READER)).toMatchObject({ is_liking: true, like_count: 1 });
    });

    it('counts concurrent duplicate likes once', async () => {
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          call('POST', '/comment/likings', OTHER, { target: TARGET }),
        ),
      );
      expect(responses.map((response) => response.statusCode)).toEqual([
        201, 201, 201, 201, 201, 201,
      ]);
      expect(await counter('count:comm:liking', TARGET)).toBe(2);
      expect((await likings()).map((row) => [row.user_id, row.is_deleted])).toEqual([
        [READER, 0],
        [OTHER, 0],
      ]);
      expect(
        await query<unknown[]>('SELECT like_count FROM news_comment WHERE comment_id = ?', [
          TARGET,
        ]),
      ).toEqual([{ like_count: 2 }]);
    });
  });

  it('answers fully cached pages from the shared cache without the news service', async () => {
    const anonymous = await pageThrough('a', ART, 10);
    const signedIn = await pageOf(`type=a&source=${ART}`, READER);
    await stack.newsService?.close();
    stack.newsService = undefined;
    expect(await pageThrough('a', ART, 10)).toEqual(anonymous);
    expect(await pageOf(`type=a&source=${ART}`, READER)).toEqual(signedIn);
    expect(signedIn.results.find((item) => item.com_id === commentId(1, 34))?.is_liking).toBe(true);

    await flushCommentCache();
    const cold = await call('GET', `/comments?type=a&source=${ART}`);
    expect(cold.statusCode).toBeGreaterThanOrEqual(500);
  });
});
