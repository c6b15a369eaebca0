import { createTestRedis, ReplyCutter, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { CounterStore } from './counter-store';
import { CounterKeys, StateKeys } from './keys';
import { createRedisClient } from './redis-roles';

const article = '1300000000000300001';
const author = '1300000000000300002';
const comment = '1300000000000300003';

describe('CounterStore (real Redis, through a relay that loses the reply of a script call)', () => {
  let testRedis: TestRedis;
  let raw: Redis;
  let cutter: ReplyCutter;
  let redis: Redis;
  let counters: CounterStore;

  const score = async (key: string, id: string): Promise<number> =>
    Number(await raw.zscore(`${testRedis.prefix}${key}`, id));

  beforeAll(async () => {
    testRedis = createTestRedis();
    raw = testRedis.client('state');
    const state = new URL(testRedis.stateUrl);
    cutter = new ReplyCutter({ host: state.hostname, port: Number(state.port || 6379) });
    const port = await cutter.listen();
    redis = createRedisClient(`redis://127.0.0.1:${port}${state.pathname}`, testRedis.prefix);
    await new Promise((resolve) => redis.once('ready', resolve));
    counters = new CounterStore(redis);
  });

  beforeEach(async () => {
    // Nothing of the client's own left unanswered: the next reply is the script call's.
    await redis.ping();
  });

  afterAll(async () => {
    redis.disconnect();
    await cutter.close();
    await testRedis.cleanup();
  });

  it("moves a like's counters once when Redis ran the move, its reply was lost and ioredis sent it again", async () => {
    const cut = cutter.cutAfter(1, 0);
    // As a like counts: the article's likes and its author's likes received, in one call.
    await counters.move([
      [CounterKeys.articleLikes, article, 1],
      [CounterKeys.userLikesReceived, author, 1],
    ]);
    await cut;

    expect(await score(CounterKeys.articleLikes, article)).toBe(1);
    expect(await score(CounterKeys.userLikesReceived, author)).toBe(1);
    // What Redis remembers of the write goes by itself.
    const marks = await raw.keys(`${testRedis.prefix}${StateKeys.counterWrite('*')}`);
    expect(marks).toHaveLength(1);
    expect(await raw.ttl(marks[0])).toBeGreaterThan(0);
  });

  it('answers an increment sent again with the count it made, not one more', async () => {
    await counters.increment(CounterKeys.commentLikes, comment, 4);
    const cut = cutter.cutAfter(1, 0);
    expect(await counters.increment(CounterKeys.commentLikes, comment)).toBe(5);
    await cut;
    expect(await score(CounterKeys.commentLikes, comment)).toBe(5);
  });

  it('counts two likes once each when they went in one pipeline and only the first reply came back', async () => {
    const [first, second] = ['1300000000000300011', '1300000000000300012'];
    // Each answer is a one-count array: 3 lines. ioredis aborts, rather than sends again, the call
    // behind an answered one of its pipeline.
    const cut = cutter.cutAfter(6, 3);
    const counted = await Promise.all([
      counters.increment(CounterKeys.articleLikes, first),
      counters.increment(CounterKeys.articleLikes, second),
    ]);
    await cut;

    expect(counted).toEqual([1, 1]);
    expect(await score(CounterKeys.articleLikes, first)).toBe(1);
    expect(await score(CounterKeys.articleLikes, second)).toBe(1);
  });
});
