import { FollowerStatisticsRepository } from '../../apps/user/src/materials/follower-statistics.repository';
import { type ArticleStack, seedUsers, startArticleStack } from './support/article-stack';

const AUTHOR = '1294287382374386300';
/** Past 2^31: followers of one gender or age among an author's fans past 2^31. */
const BIG = 3_000_000_123;

describe('follower statistics past 2^31 (GET /mp/v1_0/statistics/followers)', () => {
  let stack: ArticleStack;

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [{ id: AUTHOR, name: 'big-author' }]);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers the genders and ages of the followers as MySQL sums them', async () => {
    // Summing that many follow rows for real is beyond a test: the aggregate answers as MySQL's
    // SUM would, and the counts go the real way from there (user service, gRPC, media platform).
    const repository = stack.userService.get(FollowerStatisticsRepository);
    const spy = jest.spyOn(repository, 'countFollowers').mockResolvedValue({
      male: BIG,
      female: BIG + 1,
      le18: BIG + 2,
      le23: BIG + 3,
      le30: BIG + 4,
      le40: BIG + 5,
      le50: BIG + 6,
      gt50: BIG + 7,
    });
    try {
      const mp = await stack.startMediaPlatform();
      const token = await stack.signIn(AUTHOR, { scope: 'mp', verified: true });
      const reply = await mp.inject({
        method: 'GET',
        url: '/mp/v1_0/statistics/followers',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(reply.statusCode).toBe(200);
      expect(reply.json<{ data: object }>().data).toEqual({
        gender: { male: BIG, female: BIG + 1 },
        age: {
          le18: BIG + 2,
          le23: BIG + 3,
          le30: BIG + 4,
          le40: BIG + 5,
          le50: BIG + 6,
          gt50: BIG + 7,
        },
        device: { ios: 0, android: 0 },
      });
    } finally {
      spy.mockRestore();
    }
  });
});
