import { type ArticleStack, startArticleStack } from './support/article-stack';

/** Has the `user_profile` row registration creates. */
const REGISTERED = '1294287382374383660';
/** Has none, as users from before registration created one. */
const WITHOUT_ROW = '1294287382374383661';

interface ProfileRow {
  gender: number;
  birthday: string | null;
  real_name: string | null;
}

describe('profile edits sent at once (gateway -> user over gRPC)', () => {
  let stack: ArticleStack;
  const tokens = new Map<string, string>();

  const patch = (user: string, payload: object) =>
    stack.gateway.inject({
      method: 'PATCH',
      url: '/app/v1_0/user/profile',
      headers: { authorization: `Bearer ${tokens.get(user)}` },
      payload,
    });
  const profileRow = async (user: string) =>
    (
      (await stack.sql(
        `SELECT gender, DATE_FORMAT(birthday, '%Y-%m-%d') AS birthday, real_name FROM user_profile WHERE user_id = ?`,
        [user],
      )) as ProfileRow[]
    )[0];

  beforeAll(async () => {
    stack = await startArticleStack();
    await stack.sql(
      `INSERT INTO user_basic (user_id, mobile, user_name, status, is_media) VALUES
       (?, '13900000061', 'registered', 1, 0), (?, '13900000062', 'no row', 1, 0)`,
      [REGISTERED, WITHOUT_ROW],
    );
    await stack.sql('INSERT INTO user_profile (user_id, gender) VALUES (?, 0)', [REGISTERED]);
    for (const user of [REGISTERED, WITHOUT_ROW]) tokens.set(user, await stack.signIn(user));
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('saves each of the gender, birthday and real name a user sends at once (two tabs, a double tap), where all but one answered 500 and were lost', async () => {
    for (const user of [WITHOUT_ROW, REGISTERED]) {
      for (const day of [1, 2, 3, 4, 5]) {
        const gender = day % 2;
        const birthday = `1990-05-0${day}`;
        const realName = `张${day}`;
        const replies = await Promise.all([
          patch(user, { gender }),
          patch(user, { birthday }),
          patch(user, { real_name: realName }),
        ]);
        expect({ user, day, statuses: replies.map((reply) => reply.statusCode) }).toEqual({
          user,
          day,
          statuses: [201, 201, 201],
        });
        expect(await profileRow(user)).toEqual({ gender, birthday, real_name: realName });
      }
    }
  });
});
