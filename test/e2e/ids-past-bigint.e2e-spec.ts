import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const READER = '1294287382374383617';
const AUTHOR = '1294287382374383619';
const ARTICLE = '1300000000000000001';
/** An id of a snowflake's size that names nothing. */
const UNKNOWN = '1300000000000000099';
/** Ids of a snowflake's form past 2^64-1, the largest BIGINT UNSIGNED the tables hold. */
const PAST_BIGINT = ['18446744073709551616', '99999999999999999999'];

/** The tables these requests could write. */
const TABLES = [
  'news_attitude',
  'news_collection',
  'news_comment',
  'news_comment_liking',
  'news_report',
  'news_article_basic',
  'user_relation',
];

interface Request {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  payload?: object;
  headers?: Record<string, string>;
}

/** Requests of the app naming the id `id`; `comment` is a comment of ARTICLE. */
const appRequests = (id: string, comment: string): Request[] => [
  { method: 'GET', url: `/app/v1_0/users/${id}` },
  { method: 'GET', url: `/app/v1_0/users/${id}/articles` },
  { method: 'POST', url: '/app/v1_0/user/followings', payload: { target: id } },
  { method: 'DELETE', url: `/app/v1_0/user/followings/${id}` },
  { method: 'POST', url: '/app/v1_0/user/blacklists', payload: { target: id } },
  { method: 'DELETE', url: `/app/v1_0/user/blacklists/${id}` },
  { method: 'GET', url: `/app/v1_0/articles/${id}` },
  { method: 'POST', url: '/app/v1_0/article/likings', payload: { target: id } },
  { method: 'DELETE', url: `/app/v1_0/article/likings/${id}` },
  { method: 'POST', url: '/app/v1_0/article/collections', payload: { target: id } },
  { method: 'DELETE', url: `/app/v1_0/article/collections/${id}` },
  { method: 'POST', url: '/app/v1_0/article/reports', payload: { target: id, type: 1 } },
  { method: 'GET', url: `/app/v1_0/comments?type=a&source=${id}` },
  { method: 'GET', url: `/app/v1_0/comments?type=c&source=${id}` },
  { method: 'POST', url: '/app/v1_0/comments', payload: { target: id, content: 'a comment' } },
  {
    method: 'POST',
    url: '/app/v1_0/comments',
    payload: { target: id, content: 'a reply', art_id: ARTICLE },
  },
  {
    method: 'POST',
    url: '/app/v1_0/comments',
    payload: { target: comment, content: 'a reply', art_id: id },
  },
  { method: 'POST', url: '/app/v1_0/comment/likings', payload: { target: id } },
  { method: 'DELETE', url: `/app/v1_0/comment/likings/${id}` },
  {
    method: 'POST',
    url: '/app/v1_0/reading/durations',
    payload: { art_id: id, duration: 1 },
    headers: { trace: '{"action":"read"}' },
  },
];

/** Requests of the media platform naming the id `id`. */
const mpRequests = (id: string, comment: string): Request[] => [
  { method: 'GET', url: `/mp/v1_0/articles/${id}` },
  {
    method: 'PUT',
    url: `/mp/v1_0/articles/${id}`,
    payload: {
      title: 'an edited title',
      content: '<p>text</p>',
      cover: { type: 0, images: [] },
      channel_id: 1,
    },
  },
  { method: 'DELETE', url: `/mp/v1_0/articles/${id}` },
  { method: 'GET', url: `/mp/v1_0/statistics/articles/${id}` },
  {
    method: 'PUT',
    url: `/mp/v1_0/comments/status?article_id=${id}`,
    payload: { allow_comment: false },
  },
  { method: 'GET', url: `/mp/v1_0/comments?type=a&source=${id}` },
  {
    method: 'POST',
    url: '/mp/v1_0/comments',
    payload: { target: id, content: 'a reply', art_id: ARTICLE },
  },
  {
    method: 'POST',
    url: '/mp/v1_0/comments',
    payload: { target: comment, content: 'a reply', art_id: id },
  },
  { method: 'DELETE', url: `/mp/v1_0/comments/${id}` },
  { method: 'PUT', url: `/mp/v1_0/comments/${id}/sticky`, payload: { sticky: true } },
  { method: 'POST', url: '/mp/v1_0/comment/likings', payload: { target: id } },
  { method: 'DELETE', url: `/mp/v1_0/comment/likings/${id}` },
];

describe('ids past BIGINT UNSIGNED (e2e: gateway and media platform)', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: READER, name: 'reader' },
      { id: AUTHOR, name: 'author' },
    ]);
    await stack.sql('UPDATE user_basic SET is_media = 1, is_verified = 1 WHERE user_id = ?', [
      AUTHOR,
    ]);
    await stack.sql(
      'INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (1, ?, 1, 1, 1)',
      ['html'],
    );
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'an approved article',
        status: 2,
        createdAt: '2026-01-01 00:00:00',
      },
    ]);
    mp = await stack.startMediaPlatform();
  });

  afterAll(async () => {
    await stack?.close();
  });

  const rowCounts = async () => {
    const counts: Record<string, unknown> = {};
    for (const table of TABLES) {
      const [row] = (await stack.sql(`SELECT COUNT(*) AS n FROM ${table}`)) as Array<{
        n: unknown;
      }>;
      counts[table] = Number(row.n);
    }
    return counts;
  };

  /** Each request's answer, with the id it names written as `{id}`. */
  const answers = async (
    app: NestFastifyApplication,
    token: string,
    id: string,
    requests: Request[],
  ) => {
    const seen: unknown[] = [];
    for (const { method, url, payload, headers } of requests) {
      const reply = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${token}`, ...headers },
        ...(payload ? { payload } : {}),
      });
      seen.push(
        `${method} ${url} ${JSON.stringify(payload ?? null)} -> ${reply.statusCode} ${reply.body}`
          .split(id)
          .join('{id}'),
      );
    }
    return seen;
  };

  it('answers an id past 2^64-1 as an unknown id on every route of the app and the media platform that names one, and writes nothing', async () => {
    const reader = await stack.signIn(READER);
    const author = await stack.signIn(AUTHOR, { scope: 'mp', verified: true });
    const posted = await stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/comments',
      headers: { authorization: `Bearer ${reader}` },
      payload: { target: ARTICLE, content: 'a comment to reply to' },
    });
    expect(posted.statusCode).toBe(201);
    const comment = posted.json<{ data: { com_id: string } }>().data.com_id;
    const before = await rowCounts();

    const unknown = [
      ...(await answers(stack.gateway, reader, UNKNOWN, appRequests(UNKNOWN, comment))),
      ...(await answers(mp, author, UNKNOWN, mpRequests(UNKNOWN, comment))),
    ];
    expect(unknown.filter((answer) => / -> 5\d\d /.test(String(answer)))).toEqual([]);
    for (const id of PAST_BIGINT) {
      const past = [
        ...(await answers(stack.gateway, reader, id, appRequests(id, comment))),
        ...(await answers(mp, author, id, mpRequests(id, comment))),
      ];
      expect([id, past]).toEqual([id, unknown]);
    }
    expect(await rowCounts()).toEqual(before);
  });
});
