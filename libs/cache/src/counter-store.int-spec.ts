import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { CounterStore } from './counter-store';
import { CounterKeys } from './keys';
import { createRedisClient } from './redis-roles';

describe('CounterStore (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let counters: CounterStore;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    counters = new CounterStore(redis);
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  it('reads a missing counter as 0 and increments exactly', async () => {
    expect(await counters.get(CounterKeys.articleLikes, '1300000000000000001')).toBe(0);
    await Promise.all(
      Array.from({ length: 50 }, () =>
        counters.increment(CounterKeys.articleLikes, '1300000000000000001'),
      ),
    );
    expect(await counters.get(CounterKeys.articleLikes, '1300000000000000001')).toBe(50);
    expect(await counters.increment(CounterKeys.articleLikes, '1300000000000000001', -3)).toBe(47);
  });

  it('reads several counters of one id in order, under the key prefix', async () => {
    await counters.increment(CounterKeys.userFollowers, '7', 5);
    await counters.increment(CounterKeys.userArticles, '7', 2);
    expect(
      await counters.getMany(
        [CounterKeys.userArticles, CounterKeys.userFollowings, CounterKeys.userFollowers],
        '7',
      ),
    ).toEqual([2, 0, 5]);
    expect(
      await testRedis.client('state').zscore(`${testRedis.prefix}count:user:followers`, '7'),
    ).toBe('5');
  });

  it('moves several counters of several ids in one call, and sends nothing for no moves', async () => {
    await counters.move([
      [CounterKeys.articleLikes, '8', 1],
      [CounterKeys.articleDislikes, '8', -1],
      [CounterKeys.userLikesReceived, '9', 3],
    ]);
    expect(
      await counters.getMany([CounterKeys.articleLikes, CounterKeys.articleDislikes], '8'),
    ).toEqual([1, -1]);
    expect(await counters.get(CounterKeys.userLikesReceived, '9')).toBe(3);
    const multi = jest.spyOn(redis, 'multi');
    await counters.move([]);
    expect(multi).not.toHaveBeenCalled();
    multi.mockRestore();
  });

  it('replaces a whole counter from batches: stale members go, no scratch key or expiry is left, an empty source deletes it', async () => {
    await counters.increment(CounterKeys.articleComments, 'stale', 9);
    await counters.increment(CounterKeys.articleComments, 'a', 40);
    const raw = testRedis.client('state');
    const scratchTtls: number[] = [];
    async function* batches() {
      yield [
        ['a', 3],
        ['b', 1],
      ] as const;
      // While the counter is rebuilt: readers still see the old one, and the scratch key expires if the run dies.
      const [scratch] = await raw.keys(`${testRedis.prefix}count:art:comm:rebuilding:*`);
      scratchTtls.push(await raw.pttl(scratch));
      expect(await counters.get(CounterKeys.articleComments, 'a')).toBe(40);
      yield [];
      yield [['c', 7]] as const;
    }
    expect(await counters.replace(CounterKeys.articleComments, batches())).toBe(3);
    expect(scratchTtls).toHaveLength(1);
    expect(scratchTtls[0]).toBeGreaterThan(3_500_000);
    expect(await raw.zrange(`${testRedis.prefix}count:art:comm`, 0, -1, 'WITHSCORES')).toEqual([
      'b',
      '1',
      'a',
      '3',
      'c',
      '7',
    ]);
    expect(await raw.pttl(`${testRedis.prefix}count:art:comm`)).toBe(-1);
    expect(await raw.keys(`${testRedis.prefix}count:art:comm:rebuilding:*`)).toEqual([]);

    expect(await counters.replace(CounterKeys.articleComments, [])).toBe(0);
    expect(await raw.exists(`${testRedis.prefix}count:art:comm`)).toBe(0);
  });

  it('keeps the moves made while a counter is rebuilt, but for those of ids read after them, which MySQL counted', async () => {
    await counters.move([
      [CounterKeys.articleLikes, '1300000000000000001', 5],
      [CounterKeys.articleLikes, '1300000000000000002', 1],
    ]);
    async function* batches() {
      const firstPage = [
        ['1300000000000000001', 5],
        ['1300000000000000002', 1],
      ] as const;
      // Before the next page is read: its like is in that page's rows.
      await counters.increment(CounterKeys.articleLikes, '1300000000000000003');
      yield firstPage;
      // Read already: a like of the first article and an unlike of the second.
      await counters.increment(CounterKeys.articleLikes, '1300000000000000001');
      await counters.move([[CounterKeys.articleLikes, '1300000000000000002', -1]]);
      yield [['1300000000000000003', 1]] as const;
    }
    expect(await counters.replace(CounterKeys.articleLikes, batches())).toBe(3);
    expect(await redis.zrange(CounterKeys.articleLikes, 0, -1, 'WITHSCORES')).toEqual([
      '1300000000000000002',
      '0',
      '1300000000000000003',
      '1',
      '1300000000000000001',
      '6',
    ]);
    expect(await testRedis.client('state').keys(`${testRedis.prefix}count:art:liking:*`)).toEqual(
      [],
    );
  });

  it('keeps a move made while a page is read from MySQL, which the read did not count, and a first move of an id past the last read', async () => {
    await counters.increment(CounterKeys.articleLikes, '1300000000000000021', 2);
    async function* batches() {
      // The page's SELECT has read 2 likes; a third is committed and counted before the page is written.
      const page = [['1300000000000000021', 2]] as const;
      await counters.increment(CounterKeys.articleLikes, '1300000000000000021');
      yield page;
      // The last read found no more ids; a new article's first like comes before the swap.
      await counters.increment(CounterKeys.articleLikes, '1300000000000000022');
    }
    await counters.replace(CounterKeys.articleLikes, batches());
    expect(await counters.getMany([CounterKeys.articleLikes], '1300000000000000021')).toEqual([3]);
    expect(await counters.get(CounterKeys.articleLikes, '1300000000000000022')).toBe(1);
    expect(await testRedis.client('state').keys(`${testRedis.prefix}count:art:liking:*`)).toEqual(
      [],
    );
  });

  it('keeps two replaces of one counter apart: the one begun last swaps in, whole, the other drops its counts', async () => {
    const paced = async function* (tag: string, pages: number) {
      for (let page = 0; page < pages; page++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        yield Array.from({ length: 100 }, (_, i) => [`${tag}${page * 100 + i}`, page + 1] as const);
      }
    };
    const [first, second] = await Promise.all([
      counters.replace(CounterKeys.articleLikes, paced('x', 6)),
      counters.replace(CounterKeys.articleLikes, paced('y', 4)),
    ]);
    expect([first, second]).toEqual([600, 400]);
    const members = await redis.zrange(CounterKeys.articleLikes, 0, -1);
    // The 4-page replace began last; the 6-page one, swapping after it, would bring back older counts.
    expect(members).toHaveLength(400);
    expect(members.every((member) => member.startsWith('y'))).toBe(true);
    expect(await testRedis.client('state').keys(`${testRedis.prefix}count:art:liking:*`)).toEqual(
      [],
    );
  });

  it('keeps a move that the replace begun last counted when an older one (a repair cut short and run again) ends after it', async () => {
    const ID = '1300000000000000011';
    await counters.increment(CounterKeys.articleComments, ID);
    let resume: () => void = () => undefined;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    async function* older() {
      yield [[ID, 1]] as const;
      await resumed;
      yield [['1300000000000000012', 1]] as const;
    }
    async function* newer() {
      yield [[ID, 1]] as const;
      await counters.increment(CounterKeys.articleComments, ID);
    }
    const first = counters.replace(CounterKeys.articleComments, older());
    await new Promise((resolve) => setTimeout(resolve, 20));
    await counters.replace(CounterKeys.articleComments, newer());
    expect(await counters.get(CounterKeys.articleComments, ID)).toBe(2);
    resume();
    await first;
    expect(await counters.get(CounterKeys.articleComments, ID)).toBe(2);
  });
});
