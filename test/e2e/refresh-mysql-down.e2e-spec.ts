import { startMariaDbServer, type MariaDbServer } from '@app/testing';

import { type ArticleStack, startArticleStack } from './support/article-stack';

const MOBILE = '13700009901';
const DISABLED_MOBILE = '13700009902';
const AUTHOR_MOBILE = '13700009903';
const CODE = '246810';

/**
 * toutiao-m refreshes on a 401 and sends its reader to the sign-in page when the refresh fails,
 * whatever the failure: a refresh must not need MySQL, which the session in the state Redis does
 * without (a freeze denies it there).
 */
describe('token refresh while MySQL is down (e2e: gateway and user service on a MariaDB server of their own)', () => {
  let mariadb: MariaDbServer;
  let stack: ArticleStack;

  const signIn = async (mobile = MOBILE): Promise<{ token: string; refresh: string }> => {
    const reply = await stack.gateway.inject({
      method: 'POST',
      url: '/app/v1_0/authorizations',
      payload: { mobile, code: CODE },
    });
    expect(reply.statusCode).toBe(201);
    const data = reply.json<{ data: { token: string; refresh_token: string } }>().data;
    return { token: data.token, refresh: data.refresh_token };
  };
  const refresh = (refreshToken: string) =>
    stack.gateway.inject({
      method: 'PUT',
      url: '/app/v1_0/authorizations',
      headers: { authorization: `Bearer ${refreshToken}` },
    });
  const claimsOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
  const sidOf = (token: string) => claimsOf(token).sid as string;

  beforeAll(async () => {
    mariadb = await startMariaDbServer();
    stack = await startArticleStack({ SMS_TEST_CODE: CODE }, undefined, mariadb.address);
  });

  afterAll(async () => {
    await stack?.close();
    await mariadb?.remove();
  });

  it("answers a refresh of a live session with a new access token, and a frozen one's 403 User denied.", async () => {
    const reader = await signIn();
    const frozen = await signIn();
    await stack.state.hset(`session:${sidOf(frozen.token)}`, 'status', 'denied');

    await mariadb.crash();
    try {
      const refreshed = await refresh(reader.refresh);
      expect([
        refreshed.statusCode,
        Object.keys(refreshed.json<{ data?: object }>().data ?? {}),
      ]).toEqual([201, ['token']]);
      const token = refreshed.json<{ data: { token: string } }>().data.token;
      expect(sidOf(token)).toBe(sidOf(reader.token));
      // The new token signs the reader in (a sign-out needs only the session).
      const signOut = await stack.gateway.inject({
        method: 'DELETE',
        url: '/app/v1_0/authorizations',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(signOut.statusCode).toBe(204);
      // A session signed out is still checked: its refresh token is refused.
      const signedOut = await refresh(reader.refresh);
      expect([signedOut.statusCode, signedOut.json()]).toEqual([
        403,
        { message: 'Wrong refresh token.' },
      ]);

      const denied = await refresh(frozen.refresh);
      expect([denied.statusCode, denied.json()]).toEqual([403, { message: 'User denied.' }]);
    } finally {
      await mariadb.start();
    }
  });

  it('keeps refusing, with MySQL down, an account MySQL read as disabled that no freeze denied (its status set to 0 alone)', async () => {
    const first = await signIn(DISABLED_MOBILE);
    const second = await signIn(DISABLED_MOBILE);
    await stack.sql('UPDATE user_basic SET status = 0 WHERE mobile = ?', [DISABLED_MOBILE]);
    const refused = await refresh(first.refresh);
    expect([refused.statusCode, refused.json()]).toEqual([403, { message: 'User denied.' }]);

    await mariadb.crash();
    try {
      // Both sessions of the account: the one refused above and one of another device.
      for (const session of [first, second]) {
        const reply = await refresh(session.refresh);
        expect([reply.statusCode, reply.json()]).toEqual([403, { message: 'User denied.' }]);
      }
    } finally {
      await mariadb.start();
    }
  });

  it('answers 500, and no token, when MySQL answers the read of the account with an error (a column missing)', async () => {
    const reader = await signIn();
    await stack.sql('ALTER TABLE user_basic RENAME COLUMN status TO status_moved');
    try {
      const reply = await refresh(reader.refresh);
      expect(reply.statusCode).toBe(500);
    } finally {
      await stack.sql('ALTER TABLE user_basic RENAME COLUMN status_moved TO status');
    }
  });

  it("refreshes an author's media platform session from the session with the claims MySQL's answer gave (verified)", async () => {
    await signIn(AUTHOR_MOBILE);
    await stack.sql('UPDATE user_basic SET is_media = 1 WHERE mobile = ?', [AUTHOR_MOBILE]);
    const mp = await stack.startMediaPlatform();
    const login = await mp.inject({
      method: 'POST',
      url: '/mp/v1_0/authorizations',
      payload: { mobile: AUTHOR_MOBILE, code: CODE },
    });
    expect(login.statusCode).toBe(201);
    const signedIn = login.json<{ data: { token: string; refresh_token: string } }>().data;
    const before = await mp.inject({
      method: 'PUT',
      url: '/mp/v1_0/authorizations',
      headers: { authorization: `Bearer ${signedIn.refresh_token}` },
    });
    expect(before.statusCode).toBe(201);
    const claimsWith = (reply: typeof before) => {
      const {
        exp: _exp,
        iat: _iat,
        ...claims
      } = claimsOf(reply.json<{ data: { token: string } }>().data.token);
      return claims;
    };

    await mariadb.crash();
    try {
      const during = await mp.inject({
        method: 'PUT',
        url: '/mp/v1_0/authorizations',
        headers: { authorization: `Bearer ${signedIn.refresh_token}` },
      });
      expect(during.statusCode).toBe(201);
      expect(claimsWith(during)).toEqual(claimsWith(before));
      expect(claimsWith(during)).toMatchObject({ verified: true, sid: sidOf(signedIn.token) });
    } finally {
      await mariadb.start();
    }
  });
});
