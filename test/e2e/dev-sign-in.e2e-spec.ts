import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { type ArticleStack, startArticleStack } from './support/article-stack';

const TEST_CODE = '246810';
const AUTHOR = { id: '1294287382374383616', mobile: '13911111111' };
const READER = { id: '1294287382374383617', mobile: '13611111111' };

/**
 * The real clients' demo logins (toutiao-m 13611111111, toutiao-publish 13911111111, code 246810)
 * sign in without asking for a code: toutiao-publish has no code request at all.
 */
describe('sign-in in development, with SMS_TEST_CODE', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;

  const appLogin = (mobile: string, code: string) =>
    stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/authorizations',
      payload: { mobile, code },
    });
  const mpLogin = (mobile: string, code: string) =>
    mp.inject({
      method: 'POST',
      url: '/mp/v1_0/authorizations',
      payload: { mobile, code, agree: true },
    });

  beforeAll(async () => {
    stack = await startArticleStack({ SMS_TEST_CODE: TEST_CODE });
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media, is_verified) VALUES
       (?, ?, 'author', 1, 1, 1), (?, ?, 'reader', 1, 0, 0)`,
      [AUTHOR.id, AUTHOR.mobile, READER.id, READER.mobile],
    );
    mp = await stack.startMediaPlatform();
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('signs a reader in with the test code, without a code sent first, as often as asked', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const reply = await appLogin(READER.mobile, TEST_CODE);
      expect(reply.statusCode).toBe(201);
      const { token } = reply.json<{ data: { token: string } }>().data;
      const profile = await stack.gateway.inject({
        method: 'GET',
        url: '/app/v1_0/user',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(profile.json<{ data: { id: string } }>().data.id).toBe(READER.id);
    }
    expect(await stack.state.exists(`app:code:${READER.mobile}`)).toBe(0);
  });

  it('signs an author in to the media platform the same way', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const reply = await mpLogin(AUTHOR.mobile, TEST_CODE);
      expect(reply.statusCode).toBe(201);
      expect(reply.json<{ data: { id: string } }>().data.id).toBe(AUTHOR.id);
    }
  });

  it('still refuses any other code, and a reader on the media platform', async () => {
    const wrong = await appLogin(READER.mobile, '135790');
    expect({ status: wrong.statusCode, body: wrong.json<unknown>() }).toEqual({
      status: 400,
      body: { message: 'Invalid code.' },
    });
    const reader = await mpLogin(READER.mobile, TEST_CODE);
    expect(reader.statusCode).toBe(403);
  });

  it('keeps sending codes as before: the sent code is the test code, one per minute', async () => {
    const mobile = '13700000002';
    expect(
      (await stack.gateway.inject({ method: 'GET', url: `/app/v1_0/sms/codes/${mobile}` }))
        .statusCode,
    ).toBe(200);
    expect(await stack.state.hget(`app:code:${mobile}`, 'code')).toBe(TEST_CODE);
    expect(
      (await stack.gateway.inject({ method: 'GET', url: `/app/v1_0/sms/codes/${mobile}` }))
        .statusCode,
    ).toBe(429);
  });
});
