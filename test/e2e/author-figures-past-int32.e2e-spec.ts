import { type ArticleStack, seedUsers, startArticleStack } from './support/article-stack';

const AUTHOR = '1294287382374386100';
/** Past 2^31: the reads (and likes, fans) a popular author reaches over years of articles. */
const BIG = 3_000_000_123;

describe('author figures past 2^31 (GET /user, GET /user/figure)', () => {
  let stack: ArticleStack;
  let authorization: string;

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [{ id: AUTHOR, name: 'big-author' }]);
    authorization = `Bearer ${await stack.signIn(AUTHOR)}`;
    for (const [index, key] of [
      'count:user:arts:reading',
      'count:user:followers',
      'count:user:followings',
      'count:user:arts',
      'count:user:liked',
    ].entries()) {
      await stack.state.zadd(key, BIG + index, AUTHOR);
    }
  });

  afterAll(async () => {
    await stack?.close();
  });

  const get = (url: string) =>
    stack.gateway.inject({ method: 'GET', url: `/app/v1_0${url}`, headers: { authorization } });

  it('answers the total reads and followers as counted', async () => {
    const reply = await get('/user/figure');
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toEqual({ message: 'OK', data: { read_count: BIG, fans_count: BIG + 1 } });
  });

  it('answers the card counts as counted', async () => {
    const reply = await get('/user');
    expect(reply.statusCode).toBe(200);
    expect(reply.json<{ data: object }>().data).toMatchObject({
      follow_count: BIG + 2,
      art_count: BIG + 3,
      like_count: BIG + 4,
      fans_count: BIG + 1,
    });
  });
});
