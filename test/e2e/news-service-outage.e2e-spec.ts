import { CacheKeys } from '@app/cache';

import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const AUTHOR = '1294287382374387000';
const READER = '1294287382374387001';
const ARTICLE = '1300000000000007001';
const UNREAD = '1300000000000007002';
const CHANNEL = 5;
const TRACE = JSON.stringify({
  action: 'read',
  userId: READER,
  articleId: ARTICLE,
  algorithmCombine: 'C2',
});

/**
 * With the news service down, an article whose page the caches hold is still read: the reader's
 * like and collection, which only news can tell when no cache holds them, are shown as none, as a
 * follow the user service cannot tell is, where the whole page answered 503.
 */
describe('reading an article while the news service is down', () => {
  let stack: ArticleStack;
  let token: string;

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: AUTHOR, name: 'news-outage-author' },
      { id: READER, name: 'news-outage-reader' },
    ]);
    await stack.sql(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES (${CHANNEL}, 'rust', 1, 1, 1)`,
    );
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: CHANNEL,
        title: 'Read while news is down',
        status: 2,
        createdAt: '2026-12-01 08:00:00',
      },
      {
        id: UNREAD,
        authorId: AUTHOR,
        channelId: CHANNEL,
        title: 'Never read before news went down',
        status: 2,
        createdAt: '2026-12-02 08:00:00',
      },
    ]);
    token = await stack.signIn(READER);
    const followed = await stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/user/followings',
      headers: { authorization: `Bearer ${token}` },
      payload: { target: AUTHOR },
    });
    expect(followed.statusCode).toBe(201);
    // An anonymous read caches the article's page; the reader's likes and collections stay uncached.
    expect(
      (await stack.gateway.inject({ method: 'GET', url: `/app/v1_0/articles/${ARTICLE}` }))
        .statusCode,
    ).toBe(200);
    expect(
      await stack.cache.exists(CacheKeys.userAttitudes(READER), CacheKeys.userCollections(READER)),
    ).toBe(0);
    await stack.newsService?.close();
    stack.newsService = undefined;
  }, 30_000);

  afterAll(async () => {
    await stack?.close();
  });

  const read = (url: string, headers: Record<string, string> = {}) =>
    stack.gateway.inject({ method: 'GET', url: `/app/v1_0${url}`, headers });

  it('shows a cached article to anonymous readers', async () => {
    const page = await read(`/articles/${ARTICLE}`);
    expect({ status: page.statusCode, body: page.json<object>() }).toMatchObject({
      status: 200,
      body: { data: { art_id: ARTICLE, aut_name: 'news-outage-author', attitude: null } },
    });
  });

  it('shows a cached article to a signed-in reader, their like and collection as none, their follow as it is', async () => {
    const page = await read(`/articles/${ARTICLE}`, { authorization: `Bearer ${token}` });
    expect({ status: page.statusCode, body: page.json<object>() }).toMatchObject({
      status: 200,
      body: {
        message: 'OK',
        data: {
          art_id: ARTICLE,
          aut_id: AUTHOR,
          aut_name: 'news-outage-author',
          is_followed: true,
          attitude: -1,
          is_collected: false,
          recomments: [],
        },
      },
    });
  });

  it('answers 503 Service unavailable. for an article no cache holds', async () => {
    const page = await read(`/articles/${UNREAD}`, { authorization: `Bearer ${token}` });
    expect([page.statusCode, page.json()]).toEqual([503, { message: 'Service unavailable.' }]);
  });

  it('takes a reading-time report on a cached article', async () => {
    const report = await stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/reading/durations',
      headers: { authorization: `Bearer ${token}`, trace: TRACE },
      payload: { art_id: ARTICLE, duration: 30 },
    });
    expect([report.statusCode, report.body]).toEqual([201, '{"message":"OK"}']);
  });
});
