import { randomUUID } from 'node:crypto';

import { JwtKeySet, SessionStore, TokenSigner } from '@app/auth';
import { signInForTest } from '@app/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const READER = '1294287382374383617';
const FROZEN = '1294287382374383618';
const AUTHOR = '1294287382374383619';
/** Followed by the reader and the author: a bad token read as either shows `is_following: true`. */
const FOLLOWED = '1294287382374383620';
const ARTICLE = '1300000000000000001';

const SIGN_IN_REQUIRED = { message: 'User must be authorized.' };
const TOKEN_ERRORS = { message: 'Token has some errors.' };

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Route {
  method: Method;
  url: string;
  payload?: object;
}

/** Routes of the reference's guard L (login_required). */
const APP_REQUIRED: Route[] = [
  { method: 'GET', url: '/app/v1_0/user' },
  { method: 'GET', url: '/app/v1_0/user/followings' },
  { method: 'POST', url: '/app/v1_0/article/likings', payload: { target: ARTICLE } },
  { method: 'DELETE', url: `/app/v1_0/article/collections/${ARTICLE}` },
  { method: 'DELETE', url: '/app/v1_0/authorizations' },
  // Checked before the body is read, as the routes taking base64 images are.
  { method: 'PATCH', url: '/app/v1_0/user/profile', payload: { intro: 'hi' } },
];

/** Routes of the reference's guard O (validate_token_if_using). */
const APP_OPTIONAL: Route[] = [
  { method: 'GET', url: `/app/v1_0/articles/${ARTICLE}` },
  { method: 'GET', url: '/app/v1_0/user/channels' },
  { method: 'GET', url: '/app/v1_0/search?q=go' },
  { method: 'GET', url: `/app/v1_1/articles?channel_id=1&timestamp=${Date.now()}&with_top=1` },
];

/** Routes of the media platform's guard V (verify_required: as L, plus the `verified` claim). */
const MP_VERIFIED: Route[] = [
  { method: 'GET', url: '/mp/v1_0/user/profile' },
  { method: 'GET', url: '/mp/v1_0/articles' },
  { method: 'DELETE', url: '/mp/v1_0/user/images/1' },
];

describe('refusing tokens that sign no one in (gateway and media platform)', () => {
  let stack: ArticleStack;
  let mp: NestFastifyApplication;
  /** Bearer tokens that sign no one in, by what is wrong with them. */
  const badTokens: Array<[string, string]> = [];

  const send = (app: NestFastifyApplication, route: Route, token: string) =>
    app.inject({
      method: route.method,
      url: route.url,
      headers: { authorization: `Bearer ${token}` },
      ...(route.payload ? { payload: route.payload } : {}),
    });

  /** Each route's answer to each bad token, as `[token kind, method url, status, body]`. */
  const answers = async (app: NestFastifyApplication, routes: Route[]) => {
    const seen: unknown[] = [];
    for (const [kind, token] of badTokens) {
      for (const route of routes) {
        const reply = await send(app, route, token);
        seen.push([kind, `${route.method} ${route.url}`, reply.statusCode, reply.json<unknown>()]);
      }
    }
    return seen;
  };
  const expected = (routes: Route[], body: object) =>
    badTokens.flatMap(([kind]) =>
      routes.map((route) => [kind, `${route.method} ${route.url}`, 401, body]),
    );

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: READER, name: 'reader' },
      { id: FROZEN, name: 'frozen' },
      { id: AUTHOR, name: 'author' },
      { id: FOLLOWED, name: 'followed' },
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

    const keys = JwtKeySet.fromDirectory(stack.keys.dir, stack.keys.kid);
    const { token: live, sid } = await signInForTest(stack.keys, stack.state, READER);
    const [header, payload, signature] = live.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const tampered = Buffer.from(JSON.stringify({ ...claims, user_id: AUTHOR })).toString(
      'base64url',
    );
    const otherKey = new TokenSigner(JwtKeySet.generate(stack.keys.kid));
    const expired = new TokenSigner(keys, { accessSeconds: -10, refreshSeconds: 60 });
    const ended = await signInForTest(stack.keys, stack.state, READER);
    await new SessionStore(stack.state, 0).revoke(ended.sid, READER);
    badTokens.push(
      ['malformed', 'not.a.token'],
      ['tampered payload', `${header}.${tampered}.${signature}`],
      [
        'payload not JSON',
        `${header}.${Buffer.from('not json').toString('base64url')}.${signature}`,
      ],
      ['signed by another key', otherKey.signAccess(READER, sid, { verified: true })],
      ['expired', expired.signAccess(READER, sid, { verified: true })],
      ['ended session', ended.token],
    );
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers 401 User must be authorized. on routes that require sign-in, as the reference drops such a token', async () => {
    expect(await answers(stack.gateway, APP_REQUIRED)).toEqual(
      expected(APP_REQUIRED, SIGN_IN_REQUIRED),
    );
  });

  it('answers 401 User must be authorized. on the media platform routes of verified authors', async () => {
    expect(await answers(mp, MP_VERIFIED)).toEqual(expected(MP_VERIFIED, SIGN_IN_REQUIRED));
  });

  it('still answers 401 Token has some errors. on the routes where sign-in is optional', async () => {
    expect(await answers(stack.gateway, APP_OPTIONAL)).toEqual(
      expected(APP_OPTIONAL, TOKEN_ERRORS),
    );
  });

  it('still refuses a refresh token with 403 Do not use refresh token. and a frozen user with 403 User denied.', async () => {
    const { sid } = await signInForTest(stack.keys, stack.state, READER);
    const refresh = stack.keys.signer.signRefresh(READER, sid).token;
    const frozen = await signInForTest(stack.keys, stack.state, FROZEN);
    await stack.state.hset(`session:${frozen.sid}`, 'status', 'denied');
    for (const route of APP_REQUIRED) {
      const asAccess = await send(stack.gateway, route, refresh);
      expect([route.url, asAccess.statusCode, asAccess.json()]).toEqual([
        route.url,
        403,
        { message: 'Do not use refresh token.' },
      ]);
      const denied = await send(stack.gateway, route, frozen.token);
      // The body-first check of the image routes reads no session; the guard after it does.
      expect([route.url, denied.statusCode, denied.json()]).toEqual([
        route.url,
        403,
        { message: 'User denied.' },
      ]);
    }
  });

  it('still refuses an app token without `verified` on the media platform with 403', async () => {
    const appToken = (await signInForTest(stack.keys, stack.state, AUTHOR)).token;
    const author = await signInForTest(stack.keys, stack.state, AUTHOR, {
      scope: 'mp',
      verified: true,
    });
    const refresh = stack.keys.signer.signRefresh(AUTHOR, author.sid, { verified: true }).token;
    for (const route of MP_VERIFIED) {
      const unverified = await send(mp, route, appToken);
      expect([route.url, unverified.statusCode, unverified.json()]).toEqual([
        route.url,
        403,
        { message: 'User must be real info verified.' },
      ]);
      const asAccess = await send(mp, route, refresh);
      expect([route.url, asAccess.statusCode, asAccess.json()]).toEqual([
        route.url,
        403,
        { message: 'Do not use refresh token.' },
      ]);
    }
  });

  it('answers a refresh with a token that renews no session 403 Wrong refresh token., app and media platform, so the app sends its user to sign in', async () => {
    const keys = JwtKeySet.fromDirectory(stack.keys.dir, stack.keys.kid);
    const otherKey = new TokenSigner(JwtKeySet.generate(stack.keys.kid));
    const expired = new TokenSigner(keys, { accessSeconds: 60, refreshSeconds: -10 });
    const sessions = new SessionStore(stack.state, 3600);
    /** A session and the refresh token it accepts. */
    const session = async (userId: string, scope: 'app' | 'mp') => {
      const jti = randomUUID();
      const { sid } = await sessions.create(userId, scope, jti);
      const extra = scope === 'mp' ? { verified: true } : {};
      return {
        sid,
        jti,
        extra,
        refresh: stack.keys.signer.signRefresh(userId, sid, extra, jti).token,
      };
    };
    const platforms = [
      { app: stack.gateway, prefix: '/app', userId: READER, scope: 'app', other: 'mp' },
      { app: mp, prefix: '/mp', userId: AUTHOR, scope: 'mp', other: 'app' },
    ] as const;
    for (const { app, prefix, userId, scope, other } of platforms) {
      const refresh = { method: 'PUT', url: `${prefix}/v1_0/authorizations` } as const;
      const live = await session(userId, scope);
      const ended = await session(userId, scope);
      await sessions.revoke(ended.sid, userId);
      const [header, payload, signature] = live.refresh.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      const tampered = Buffer.from(JSON.stringify({ ...claims, user_id: FOLLOWED })).toString(
        'base64url',
      );
      const refused: Array<[string, string]> = [
        ['malformed', 'not.a.token'],
        ['tampered payload', `${header}.${tampered}.${signature}`],
        [
          'payload not JSON',
          `${header}.${Buffer.from('not json').toString('base64url')}.${signature}`,
        ],
        [
          'signed by another key',
          otherKey.signRefresh(userId, live.sid, live.extra, live.jti).token,
        ],
        ['expired', expired.signRefresh(userId, live.sid, live.extra, live.jti).token],
        ['ended session', ended.refresh],
        ['session of the other platform', (await session(userId, other)).refresh],
        ['access token', stack.keys.signer.signAccess(userId, live.sid, live.extra)],
      ];
      const seen: unknown[] = [];
      for (const [kind, token] of refused) {
        const reply = await send(app, refresh, token);
        seen.push([prefix, kind, reply.statusCode, reply.json<unknown>()]);
      }
      expect(seen).toEqual(
        refused.map(([kind]) => [prefix, kind, 403, { message: 'Wrong refresh token.' }]),
      );
      expect([prefix, (await send(app, refresh, live.refresh)).statusCode]).toEqual([prefix, 201]);
    }
  });

  it('treats a bad token as no token on the routes that use a token only if it is valid', async () => {
    const follow = {
      method: 'POST',
      url: '/app/v1_0/user/followings',
      payload: { target: FOLLOWED },
    } as const;
    const card = { method: 'GET', url: `/app/v1_0/users/${FOLLOWED}` } as const;
    const reader = await stack.signIn(READER);
    for (const token of [reader, await stack.signIn(AUTHOR)]) {
      expect((await send(stack.gateway, follow, token)).statusCode).toBe(201);
    }
    const isFollowing = async (token: string) => {
      const reply = await send(stack.gateway, card, token);
      return [
        reply.statusCode,
        reply.json<{ data: { is_following: boolean } }>().data.is_following,
      ];
    };
    expect(await isFollowing(reader)).toEqual([200, true]);
    for (const [kind, token] of badTokens) {
      expect([kind, ...(await isFollowing(token))]).toEqual([kind, 200, false]);
    }
  });
});
