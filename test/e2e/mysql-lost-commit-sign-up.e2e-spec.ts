import { TEST_MYSQL_SERVER } from '@app/testing';

import { CommitCutter } from './support/commit-cutter';
import { type ArticleStack, startArticleStack } from './support/article-stack';

const MOBILE = '13700000042';

interface SignedIn {
  data: { token: string };
}

/** The user id a token was signed for (its payload, not verified here). */
function userOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as {
    user_id: string;
  };
  return payload.user_id;
}

/**
 * A first sign-in registers the mobile: its user and profile rows are committed in one
 * transaction. Through a relay that drops the connection once MySQL committed it, the service
 * does not know whether the user was made.
 */
describe('a sign-up whose COMMIT MySQL applied but whose answer was lost (e2e: gateway and user through a relay)', () => {
  let cutter: CommitCutter;
  let stack: ArticleStack;

  beforeAll(async () => {
    cutter = new CommitCutter({
      host: TEST_MYSQL_SERVER.MYSQL_HOST,
      port: TEST_MYSQL_SERVER.MYSQL_PORT,
    });
    const port = await cutter.listen();
    stack = await startArticleStack({}, undefined, {
      ...TEST_MYSQL_SERVER,
      MYSQL_HOST: '127.0.0.1',
      MYSQL_PORT: port,
    });
  });

  afterAll(async () => {
    await stack?.close();
    await cutter?.close();
  });

  it('signs the retry with the same code in as the one user made, leaving no second user and no half-made one', async () => {
    const sent = await stack.gateway.inject({
      method: 'GET',
      url: `/app/v1_0/sms/codes/${MOBILE}`,
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(sent.statusCode).toBe(200);
    const code = await stack.state.hget(`app:code:${MOBILE}`, 'code');
    const signIn = () =>
      stack.gateway.inject({
        method: 'POST',
        url: '/app/v1_0/authorizations',
        payload: { mobile: MOBILE, code },
      });
    const cut = cutter.cutCommitAfter('INSERT INTO `user_basic`');
    const lost = await signIn();
    await cut;
    const again = await signIn();

    const users = (await stack.sql(
      `SELECT b.user_id, COUNT(p.user_id) AS profiles
         FROM user_basic b LEFT JOIN user_profile p ON p.user_id = b.user_id
        WHERE b.mobile = ? GROUP BY b.user_id`,
      [MOBILE],
    )) as Array<{ user_id: string; profiles: number }>;
    const token = again.statusCode === 201 ? again.json<SignedIn>().data.token : undefined;
    expect({
      statuses: [lost.statusCode, again.statusCode],
      users: users.map((user) => ({ ...user, profiles: Number(user.profiles) })),
      signedInAs: token && userOf(token),
      codeLeft: await stack.state.exists(`app:code:${MOBILE}`),
    }).toEqual({
      statuses: [503, 201],
      users: [{ user_id: users[0]?.user_id, profiles: 1 }],
      signedInAs: users[0]?.user_id,
      codeLeft: 0,
    });
  });
});
