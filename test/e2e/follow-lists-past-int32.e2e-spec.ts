import { RelationsRepository } from '../../apps/user/src/relations/relations.repository';
import { type ArticleStack, seedUsers, startArticleStack } from './support/article-stack';

const STAR = '1294287382374386200';
const FAN = '1294287382374386201';
const LATE_FAN = '1294287382374386202';
/** Past 2^31: the fans a popular author reaches. */
const BIG = 3_000_000_123;

interface FollowCardPage {
  total_count: number;
  results: Array<{ id: string; fans_count: number }>;
}

describe('follow lists past 2^31 (GET /user/followings, GET /user/followers)', () => {
  let stack: ArticleStack;
  const tokens = new Map<string, string>();

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, as: string, payload?: object) =>
    stack.gateway.inject({
      method,
      url: `/app/v1_0${url}`,
      headers: { authorization: `Bearer ${tokens.get(as)}` },
      ...(payload ? { payload } : {}),
    });
  const page = async (url: string, as: string) => {
    const reply = await call('GET', url, as);
    expect(reply.statusCode).toBe(200);
    return reply.json<{ data: FollowCardPage }>().data;
  };
  const setFans = (id: string, fans: number) => stack.state.zadd('count:user:followers', fans, id);

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [
      { id: STAR, name: 'star' },
      { id: FAN, name: 'fan' },
      { id: LATE_FAN, name: 'late-fan' },
    ]);
    for (const id of [STAR, FAN, LATE_FAN]) tokens.set(id, await stack.signIn(id));
    expect((await call('POST', '/user/followings', FAN, { target: STAR })).statusCode).toBe(201);
    await setFans(STAR, BIG);
    await setFans(FAN, BIG + 7);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("shows a followed author's fans as counted", async () => {
    const data = await page('/user/followings', FAN);
    expect(data.total_count).toBe(1);
    expect(data.results).toMatchObject([{ id: STAR, fans_count: BIG }]);
  });

  /**
   * Runs `read` with every fill of STAR's cached fans list dropped by a follow change of LATE_FAN
   * landing while it reads (`follows` says whether LATE_FAN follows STAR first), so the page comes
   * from MySQL and its total from STAR's fans counter.
   */
  const withEveryFillDropped = async <T>(follows: boolean, read: () => Promise<T>): Promise<T> => {
    const follow = () => call('POST', '/user/followings', LATE_FAN, { target: STAR });
    const unfollow = () => call('DELETE', `/user/followings/${STAR}`, LATE_FAN);
    const changes = follows ? [unfollow, follow, unfollow] : [follow, unfollow, follow];
    const repository = stack.userService.get(RelationsRepository);
    const original = repository.followEdges.bind(repository);
    const spy = jest.spyOn(repository, 'followEdges').mockImplementation(async function* (...args) {
      yield* original(...args);
      const change = changes.shift();
      if (change) expect((await change()).statusCode).toBeLessThan(300);
    });
    try {
      const answer = await read();
      expect(changes).toHaveLength(0);
      return answer;
    } finally {
      spy.mockRestore();
    }
  };

  it("answers the author's fans counter as the total of a fans list read straight from MySQL", async () => {
    const data = await withEveryFillDropped(false, () => page('/user/followers', STAR));
    expect(data.total_count).toBe(BIG + 1);
    expect(data.results).toEqual([
      expect.objectContaining({ id: LATE_FAN, fans_count: 0 }),
      expect.objectContaining({ id: FAN, fans_count: BIG + 7 }),
    ]);
  });

  it("answers the same total in the media platform's list of followers", async () => {
    const mp = await stack.startMediaPlatform();
    const token = await stack.signIn(STAR, { scope: 'mp', verified: true });
    const reply = await withEveryFillDropped(true, () =>
      mp.inject({
        method: 'GET',
        url: '/mp/v1_0/followers',
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    expect(reply.statusCode).toBe(200);
    expect(reply.json<{ data: { total_count: number } }>().data.total_count).toBe(BIG);
  });
});
