import { Readable } from 'node:stream';

import { type ArticleStack, seedArticles, startArticleStack } from './support/article-stack';

const TEST_CODE = '246810';
const READER = { id: '1294287382374383617', mobile: '13611111111' };
const AUTHOR = '1294287382374383616';
const ARTICLE = '1300000000000000001';

/** What clients that send `Content-Type: application/json` on every call send with no body. */
const EMPTY_JSON = { headers: { 'content-type': 'application/json;charset=utf-8' }, payload: '' };

interface Tokens {
  token: string;
  refresh_token: string;
}

/**
 * Clients that send `Content-Type: application/json` on every request (a mini program's
 * wx.request, a fetch wrapper with a fixed header) send it with the empty body of a DELETE and of
 * the token refresh. The reference never read those bodies and answered them; so do we.
 */
describe('a request with a JSON content type and an empty body', () => {
  let stack: ArticleStack;
  let tokens: Tokens;

  const call = (method: 'POST' | 'PUT' | 'DELETE', url: string, bearer: string, json?: object) =>
    stack.gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      ...(json === undefined ? EMPTY_JSON : { payload: json }),
      headers: {
        ...(json === undefined ? EMPTY_JSON.headers : {}),
        authorization: `Bearer ${bearer}`,
      },
    });
  const rows = async () => ({
    attitudes: await stack.sql('SELECT attitude FROM news_attitude WHERE user_id = ?', [READER.id]),
    collections: await stack.sql('SELECT is_deleted FROM news_collection WHERE user_id = ?', [
      READER.id,
    ]),
    relations: await stack.sql('SELECT relation FROM user_relation WHERE user_id = ?', [READER.id]),
  });

  beforeAll(async () => {
    stack = await startArticleStack({ SMS_TEST_CODE: TEST_CODE });
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status) VALUES
       (?, ?, 'reader', 1), (?, '13900000001', 'author', 1)`,
      [READER.id, READER.mobile, AUTHOR],
    );
    await seedArticles(stack, [
      {
        id: ARTICLE,
        authorId: AUTHOR,
        channelId: 1,
        title: 'an article',
        status: 2,
        createdAt: '2024-01-01 00:00:00',
      },
    ]);
    const login = await stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/authorizations',
      payload: { mobile: READER.mobile, code: TEST_CODE },
    });
    expect(login.statusCode).toBe(201);
    tokens = login.json<{ data: Tokens }>().data;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('refreshes the access token: 201 {token}', async () => {
    const refreshed = await call('PUT', '/authorizations', tokens.refresh_token);
    expect(refreshed.statusCode).toBe(201);
    const { token } = refreshed.json<{ data: { token: string } }>().data;
    const me = await stack.gateway.inject({
      method: 'GET',
      url: '/app/v1_0/user',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.json<{ data: { id: string } }>().data.id).toBe(READER.id);
  });

  it('takes back a like, a collection, a follow and the search history: 204 without a body, each undone', async () => {
    for (const [url, json] of [
      ['/article/likings', { target: ARTICLE }],
      ['/article/collections', { target: ARTICLE }],
      ['/user/followings', { target: AUTHOR }],
    ] as const) {
      expect((await call('POST', url, tokens.token, json)).statusCode).toBe(201);
    }
    expect(await rows()).toEqual({
      attitudes: [{ attitude: 1 }],
      collections: [{ is_deleted: 0 }],
      relations: [{ relation: 1 }],
    });

    const answers = [];
    for (const url of [
      `/article/likings/${ARTICLE}`,
      `/article/collections/${ARTICLE}`,
      `/user/followings/${AUTHOR}`,
      '/search/histories',
    ]) {
      const reply = await call('DELETE', url, tokens.token);
      answers.push([url, reply.statusCode, reply.body]);
    }
    expect(answers).toEqual([
      [`/article/likings/${ARTICLE}`, 204, ''],
      [`/article/collections/${ARTICLE}`, 204, ''],
      [`/user/followings/${AUTHOR}`, 204, ''],
      ['/search/histories', 204, ''],
    ]);
    expect(await rows()).toEqual({
      attitudes: [{ attitude: null }],
      collections: [{ is_deleted: 1 }],
      relations: [{ relation: 0 }],
    });
  });

  it('still answers a route that needs a body as one sent without it, 400 keyed by the field, storing nothing', async () => {
    const before = await rows();
    const like = await call('POST', '/article/likings', tokens.token);
    expect([like.statusCode, like.json<unknown>()]).toEqual([
      400,
      { message: { target: 'Invalid target article id.' } },
    ]);
    const broken = await stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/article/likings',
      headers: { ...EMPTY_JSON.headers, authorization: `Bearer ${tokens.token}` },
      payload: '{"target":',
    });
    expect(broken.statusCode).toBe(400);
    expect(await rows()).toEqual(before);
  });

  it('reads an empty body sent chunked or with content-length 0 as none, and a chunked JSON body as its JSON', async () => {
    const send = (
      method: 'POST' | 'DELETE',
      url: string,
      framing: Record<string, string>,
      payload?: Readable,
    ) =>
      stack.gateway.inject({
        method,
        url: `/app/v1_0${url}`,
        headers: { ...framing, ...EMPTY_JSON.headers, authorization: `Bearer ${tokens.token}` },
        ...(payload === undefined ? {} : { payload }),
      });
    const chunked = { 'transfer-encoding': 'chunked' };

    const body = Readable.from([`{"target":`, `"${ARTICLE}"}`]);
    const liked = await send('POST', '/article/likings', chunked, body);
    expect(liked.statusCode).toBe(201);
    expect((await rows()).attitudes).toEqual([{ attitude: 1 }]);

    const answers = [];
    for (const framing of [chunked, { 'content-length': '0' }]) {
      const refused = await send('POST', '/article/likings', framing);
      answers.push([framing, 'POST', refused.statusCode, refused.json<unknown>()]);
      const unliked = await send('DELETE', `/article/likings/${ARTICLE}`, framing);
      answers.push([framing, 'DELETE', unliked.statusCode, unliked.body]);
    }
    const missingTarget = { message: { target: 'Invalid target article id.' } };
    expect(answers).toEqual([
      [chunked, 'POST', 400, missingTarget],
      [chunked, 'DELETE', 204, ''],
      [{ 'content-length': '0' }, 'POST', 400, missingTarget],
      [{ 'content-length': '0' }, 'DELETE', 204, ''],
    ]);
    expect((await rows()).attitudes).toEqual([{ attitude: null }]);
  });
});
