import { CounterKeys, CounterStore, createRedisClient } from '@app/cache';
import { localDay } from '@app/config';
import { createTestRedis, ReplyCutter, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { CommentCounters } from './comment-counters';
import { CommentRateLimiter } from './comment-rate-limiter';

const TZ = 'Asia/Shanghai';
const article = '1300000000000400001';
const thread = '1300000000000400002';

describe('comment counters and allowance (real Redis, through a relay that loses the reply of a script call)', () => {
  let testRedis: TestRedis;
  let raw: Redis;
  let cutter: ReplyCutter;
  let redis: Redis;

  const score = async (key: string, id: string): Promise<number> =>
    Number(await raw.zscore(`${testRedis.prefix}${key}`, id));
  const postedToday = async (userId: string, now: number): Promise<number> =>
    Number(
      await raw.get(`${testRedis.prefix}comment:limit:user:${userId}:d${localDay(now, TZ).date}`),
    );

  beforeAll(async () => {
    testRedis = createTestRedis();
    raw = testRedis.client('state');
    const state = new URL(testRedis.stateUrl);
    cutter = new ReplyCutter({ host: state.hostname, port: Number(state.port || 6379) });
    const port = await cutter.listen();
    redis = createRedisClient(`redis://127.0.0.1:${port}${state.pathname}`, testRedis.prefix);
    await new Promise((resolve) => redis.once('ready', resolve));
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

  it("counts a reply once in its article's comments and its thread's replies when ioredis sent the move again", async () => {
    const comments = new CommentCounters(redis, new CounterStore(redis));
    const cut = cutter.cutAfter(1, 0);
    await comments.commentCreated(article, thread);
    await cut;

    expect(await score(CounterKeys.articleComments, article)).toBe(1);
    expect(await score(CounterKeys.commentReplies, thread)).toBe(1);
  });

  it("takes one comment of the day's allowance for a take sent again", async () => {
    const limiter = new CommentRateLimiter(redis, { perMinute: 5, perDay: 100 }, TZ);
    const now = Date.now();
    const cut = cutter.cutAfter(1, 0);
    expect(await limiter.take('31', now)).toBe(true);
    await cut;
    expect(await postedToday('31', now)).toBe(1);
  });

  it('lets the comment through when its take, sent again, finds the burst it took spent', async () => {
    const limiter = new CommentRateLimiter(redis, { perMinute: 1, perDay: 100 }, TZ);
    const now = Date.now();
    const cut = cutter.cutAfter(1, 0);
    expect(await limiter.take('32', now)).toBe(true);
    await cut;
    expect(await postedToday('32', now)).toBe(1);
    // The one comment a minute is spent all the same.
    expect(await limiter.take('32', now)).toBe(false);
  });

  it('lets two comments through when their takes went in one pipeline and only the first reply came back', async () => {
    const limiter = new CommentRateLimiter(redis, { perMinute: 5, perDay: 100 }, TZ);
    const now = Date.now();
    // ioredis aborts, rather than sends again, the call behind an answered one of its pipeline.
    const cut = cutter.cutAfter(2, 1);
    expect(await Promise.all([limiter.take('34', now), limiter.take('35', now)])).toEqual([
      true,
      true,
    ]);
    await cut;
    expect(await postedToday('34', now)).toBe(1);
    expect(await postedToday('35', now)).toBe(1);
  });

  it('gives back one comment for a give-back sent again', async () => {
    const limiter = new CommentRateLimiter(redis, { perMinute: 5, perDay: 100 }, TZ);
    const now = Date.now();
    expect(await limiter.take('33', now)).toBe(true);
    expect(await limiter.take('33', now)).toBe(true);
    const cut = cutter.cutAfter(1, 0);
    await limiter.giveBack('33', now);
    await cut;
    expect(await postedToday('33', now)).toBe(1);
  });
});
