import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { type ArticleStack, startArticleStack } from './support/article-stack';

const AUTHOR = { id: '1294287382374383616', mobile: '13911111111' };
const READER = { id: '1294287382374383617', mobile: '13611111111' };

describe('media platform sign-in', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;

  const codeFor = async (mobile: string): Promise<string> => {
    const reply = await mp.inject({ method: 'GET', url: `/mp/v1_0/sms/codes/${mobile}` });
    expect(reply.statusCode).toBe(200);
    return (await stack.state.hget(`mp:code:${mobile}`, 'code')) ?? '';
  };
  const login = (mobile: string, code: string) =>
    mp.inject({
      method: 'POST',
      url: '/mp/v1_0/authorizations',
      payload: { mobile, code, agree: true },
    });

  beforeAll(async () => {
    stack = await startArticleStack({ STORAGE_PUBLIC_URL: 'http://img.test/' });
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media, is_verified, profile_photo) VALUES
       (?, ?, 'author', 1, 1, 1, 'photo-key'), (?, ?, 'reader', 1, 0, 0, NULL)`,
      [AUTHOR.id, AUTHOR.mobile, READER.id, READER.mobile],
    );
    mp = await stack.startMediaPlatform();
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers the captcha step as a no-op success', async () => {
    const reply = await mp.inject({ method: 'GET', url: `/mp/v1_0/captchas/${AUTHOR.mobile}` });
    expect(reply.statusCode).toBe(200);
    expect(reply.json<{ data: { success: number } }>().data.success).toBe(1);
  });

  it('signs a media user in with {token, refresh_token, id, name, photo} and a verified token', async () => {
    const reply = await login(AUTHOR.mobile, await codeFor(AUTHOR.mobile));
    expect(reply.statusCode).toBe(201);
    const data = reply.json<{
      data: { token: string; refresh_token: string; id: string; name: string; photo: string };
    }>().data;
    expect(data).toMatchObject({
      id: AUTHOR.id,
      name: 'author',
      photo: 'http://img.test/photo-key',
    });
    const claims = JSON.parse(Buffer.from(data.token.split('.')[1], 'base64url').toString()) as {
      verified: boolean;
      user_id: string;
    };
    expect(claims).toMatchObject({ verified: true, user_id: AUTHOR.id });

    const refreshed = await mp.inject({
      method: 'PUT',
      url: '/mp/v1_0/authorizations',
      headers: { authorization: `Bearer ${data.refresh_token}` },
    });
    expect(refreshed.statusCode).toBe(201);
    const token = refreshed.json<{ data: { token: string } }>().data.token;
    expect(
      (
        JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
          verified: boolean;
        }
      ).verified,
    ).toBe(true);
  });

  it('answers a refresh without a Bearer token 403 Wrong refresh token., as the reference', async () => {
    for (const authorization of [undefined, 'Bearer', 'Anony device-1']) {
      const reply = await mp.inject({
        method: 'PUT',
        url: '/mp/v1_0/authorizations',
        headers: authorization === undefined ? {} : { authorization },
      });
      expect([authorization, reply.statusCode, reply.json()]).toEqual([
        authorization,
        403,
        { message: 'Wrong refresh token.' },
      ]);
    }
  });

  it('refuses a user who is not a verified media user, and never registers unknown mobiles', async () => {
    const reader = await login(READER.mobile, await codeFor(READER.mobile));
    expect(reader.statusCode).toBe(403);
    expect(reader.json()).toEqual({ message: 'Please verify your real information in app.' });
    const stranger = await login('13500000000', await codeFor('13500000000'));
    expect(stranger.statusCode).toBe(403);
    const rows = await stack.sql(
      "SELECT COUNT(*) AS n FROM user_basic WHERE mobile = '13500000000'",
    );
    expect(rows).toEqual([{ n: '0' }]);
  });

  it('keeps app codes and media-platform codes apart', async () => {
    await stack.state
      .multi()
      .del(`app:code:${AUTHOR.mobile}`)
      .hset(`app:code:${AUTHOR.mobile}`, { code: '111222', attempts: 0 })
      .exec();
    const reply = await login(AUTHOR.mobile, '111222');
    expect(reply.statusCode).toBe(400);
    expect(reply.json()).toEqual({ message: 'Invalid code.' });
  });

  it('limits media-platform codes like the app (1 per minute per mobile)', async () => {
    expect(
      (await mp.inject({ method: 'GET', url: '/mp/v1_0/sms/codes/13700000001' })).statusCode,
    ).toBe(200);
    const again = await mp.inject({ method: 'GET', url: '/mp/v1_0/sms/codes/13700000001' });
    expect(again.statusCode).toBe(429);
    expect(again.json()).toEqual({ message: 'Too many requests.' });
  });

  it("counts one mobile's codes of the app and of the media platform together, as both are SMS to that phone", async () => {
    const mobile = '13700000002';
    const app = await stack.gateway.inject({ method: 'GET', url: `/app/v1_0/sms/codes/${mobile}` });
    expect(app.statusCode).toBe(200);
    const media = await mp.inject({ method: 'GET', url: `/mp/v1_0/sms/codes/${mobile}` });
    expect([media.statusCode, media.json()]).toEqual([429, { message: 'Too many requests.' }]);
    expect(await stack.state.exists(`mp:code:${mobile}`)).toBe(0);
  });
});
