import { type ArticleStack, startArticleStack } from './support/article-stack';

const AUTHOR_ID = '1294287382374383616';

describe('gateway -> user/news over gRPC', () => {
  let stack: ArticleStack;

  const get = (url: string) => stack.gateway.inject({ method: 'GET', url });

  beforeAll(async () => {
    stack = await startArticleStack();
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media, introduction, certificate)
       VALUES (?, '13911111111', 'author', 1, 1, 'writes things', 'certified')`,
      [AUTHOR_ID],
    );
    await stack.sql(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default) VALUES
       (1, 'html', 2, 1, 1), (2, 'python', 1, 1, 0), (3, 'hidden', 0, 0, 1), (4, 'go', 1, 1, 1)`,
    );
    await stack.state.zadd('count:user:followers', 42, AUTHOR_ID);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('serves a user card from the user service with ids as strings and counters from Redis', async () => {
    const response = await get(`/app/v1_0/users/${AUTHOR_ID}`);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`"id":"${AUTHOR_ID}"`);
    expect(response.json()).toEqual({
      message: 'OK',
      data: {
        id: AUTHOR_ID,
        name: 'author',
        photo: 'http://img.test/Fkj6tQi3xJwVXi1u2swCElotfdCi',
        is_media: true,
        intro: 'writes things',
        certi: 'certified',
        art_count: 0,
        follow_count: 0,
        fans_count: 42,
        like_count: 0,
        is_following: false,
        is_blacklist: false,
      },
    });
  });

  it('maps a domain error thrown in the user service to the reference status and message', async () => {
    const missing = await get('/app/v1_0/users/1294287382374383617');
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ message: 'Invalid target user.' });

    // The reference routed only positive integers to /users/{target}: no other id has a route.
    for (const id of ['abc', '0', '-1', '1e3']) {
      const malformed = await get(`/app/v1_0/users/${id}`);
      expect([id, malformed.statusCode, malformed.json()]).toEqual([
        id,
        404,
        { message: 'The user does not exist.' },
      ]);
    }
  });

  it('lists visible channels from the news service by sequence then id, and caches them', async () => {
    const response = await get('/app/v1_0/channels');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      message: 'OK',
      data: {
        channels: [
          { id: 2, name: 'python' },
          { id: 4, name: 'go' },
          { id: 1, name: 'html' },
        ],
      },
    });
    expect(await stack.redis.client('cache').exists(`${stack.redis.prefix}ch:all`)).toBe(1);
  });

  it('answers unknown routes with the envelope error shape', async () => {
    const response = await get('/app/v1_0/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(typeof response.json<{ message: unknown }>().message).toBe('string');
  });

  it('is live and ready while its dependencies are up', async () => {
    expect((await get('/health/live')).statusCode).toBe(200);
    const ready = await get('/health/ready');
    expect(ready.statusCode).toBe(200);
  });

  it('answers 503 for calls when the news service is gone, and stays ready, reporting it down', async () => {
    await stack.newsService?.close();
    stack.newsService = undefined;
    const ready = await get('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ok',
      checks: { news: { status: 'down', required: false } },
    });
    const channels = await get('/app/v1_0/channels');
    expect(channels.statusCode).toBe(503);
    expect(Object.keys(channels.json<object>())).toEqual(['message']);
    expect(typeof channels.json<{ message: unknown }>().message).toBe('string');
    // the user service is unaffected
    expect((await get(`/app/v1_0/users/${AUTHOR_ID}`)).statusCode).toBe(200);
  });
});
