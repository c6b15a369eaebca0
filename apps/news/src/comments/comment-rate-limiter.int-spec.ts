import { createRedisClient } from '@app/cache';
import { localDay } from '@app/config';
import { isStoreUnavailable } from '@app/grpc';
import {
  createTestRedis,
  eventually,
  type RedisServer,
  startRedisServer,
  type TestRedis,
} from '@app/testing';
import type Redis from 'ioredis';

import { CommentRateLimiter } from './comment-rate-limiter';

/** A burst of 3, then one comment every 20 s: no pause of a busy machine comes near it. */
const LIMITS = { perMinute: 3, perDay: 100 };
const TZ = 'Asia/Shanghai';

describe('CommentRateLimiter (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let limiter: CommentRateLimiter;

  beforeAll(async () => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    await redis.ping();
    limiter = new CommentRateLimiter(redis, LIMITS, TZ);
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  const state = () => testRedis.client('state');
  const stored = (key: string) => `${testRedis.prefix}${key}`;
  const dayKey = (userId: string, now: number) =>
    stored(`comment:limit:user:${userId}:d${localDay(now, TZ).date}`);
  const dayCount = async (userId: string, now: number) =>
    Number((await state().get(dayKey(userId, now))) ?? 0);

  /** Has the account's bucket fill up as `ms` of the Redis clock would: its stamp moves back. */
  async function elapse(userId: string, ms: number): Promise<void> {
    const key = stored(`comment:limit:user:${userId}`);
    const [full, ttl] = await Promise.all([state().get(key), state().pttl(key)]);
    if (ttl <= ms) await state().del(key);
    else await state().set(key, Number(full) - ms, 'PX', ttl - ms);
  }

  async function takes(
    userId: string,
    count: number,
    now = Date.now(),
    on = limiter,
  ): Promise<boolean[]> {
    const taken: boolean[] = [];
    for (let n = 0; n < count; n++) taken.push(await on.take(userId, now));
    return taken;
  }

  it('lets a burst through, then one comment per 60 s / perMinute, and a refusal takes nothing', async () => {
    const now = Date.now();
    expect(await takes('1', 4, now)).toEqual([true, true, true, false]);
    expect(await takes('1', 3, now)).toEqual([false, false, false]);
    expect(await dayCount('1', now)).toBe(3);
    await elapse('1', 20_000);
    expect(await takes('1', 2, now)).toEqual([true, false]);
    // Silent for long, an account earns back no more than the burst.
    await elapse('1', 10 * 60_000);
    expect(await takes('1', 4, now)).toEqual([true, true, true, false]);
    expect(await dayCount('1', now)).toBe(7);
  });

  it('holds concurrent comments of one account, from any replica, to the burst; other accounts apart', async () => {
    const replicas = [limiter, new CommentRateLimiter(redis, LIMITS, TZ)];
    const taken = await Promise.all(
      Array.from({ length: 10 }, (_, n) => replicas[n % 2].take('2')),
    );
    expect(taken.filter(Boolean)).toHaveLength(LIMITS.perMinute);
    expect(await takes('3', 1)).toEqual([true]);
  });

  it('caps an account per calendar day in TZ, counted afresh at midnight there, not at 00:00 UTC (08:00 in Shanghai)', async () => {
    const daily = new CommentRateLimiter(redis, { perMinute: 60_000, perDay: 2 }, TZ);
    const lateEvening = Date.UTC(2026, 0, 1, 15, 59, 0); // 1 January, 23:59 in Shanghai
    expect(await takes('9', 3, lateEvening, daily)).toEqual([true, true, false]);
    expect(await dayCount('9', lateEvening)).toBe(2);
    // The count leaves with its day: one made at 23:59 lives a minute.
    const ttl = await state().ttl(dayKey('9', lateEvening));
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await takes('9', 1, lateEvening + 120_000, daily)).toEqual([true]); // 2 January, 00:01
    const morning = Date.UTC(2026, 0, 1, 23, 59, 0); // 2 January, 07:59
    expect(await takes('9', 2, morning, daily)).toEqual([true, false]);
    expect(await takes('9', 1, morning + 120_000, daily)).toEqual([false]); // 2 January, 08:01
  });

  it('takes nothing of the burst for a comment the day cap refuses', async () => {
    const daily = new CommentRateLimiter(redis, { perMinute: 3, perDay: 1 }, TZ);
    expect(await takes('10', 3, Date.now(), daily)).toEqual([true, false, false]);
    // One comment taken: the bucket is full again in one interval (20 s), not three.
    const ttl = await state().pttl(stored('comment:limit:user:10'));
    expect(ttl).toBeGreaterThan(19_000);
    expect(ttl).toBeLessThanOrEqual(20_000);
  });

  it('gives back a comment that was not stored: one more of the burst and of the day', async () => {
    const now = Date.now();
    expect(await takes('5', 4, now)).toEqual([true, true, true, false]);
    await limiter.giveBack('5', now);
    expect(await dayCount('5', now)).toBe(2);
    expect(await takes('5', 2, now)).toEqual([true, false]);

    const daily = new CommentRateLimiter(redis, { perMinute: 60_000, perDay: 2 }, TZ);
    expect(await takes('6', 3, now, daily)).toEqual([true, true, false]);
    await daily.giveBack('6', now);
    expect(await takes('6', 2, now, daily)).toEqual([true, false]);
  });

  it('gives back nothing below empty: an account that has taken nothing keeps its burst and no count', async () => {
    const now = Date.now();
    await limiter.giveBack('7', now);
    expect(await state().exists(stored('comment:limit:user:7'), dayKey('7', now))).toBe(0);
    expect(await takes('7', 4, now)).toEqual([true, true, true, false]);
  });

  it('keeps the bucket only while it refills: its key expires once the account has its burst again', async () => {
    await takes('8', 2);
    const ttl = await state().pttl(stored('comment:limit:user:8'));
    expect(ttl).toBeGreaterThan(39_000);
    expect(ttl).toBeLessThanOrEqual(40_000);
  });
});

describe('CommentRateLimiter while its Redis is down', () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: false });
    redis = createRedisClient(`${server.url}/1`, 'comment-limit:');
    await redis.ping();
  });

  afterAll(async () => {
    redis.disconnect();
    await server.remove();
  });

  it('fails the comment as a store that is unavailable (503), as its counters would, and limits again once Redis is back', async () => {
    const limiter = new CommentRateLimiter(redis, LIMITS, TZ);
    expect(await limiter.take('1')).toBe(true);
    await server.crash();
    await eventually(
      () => redis.status,
      (status) => status !== 'ready',
      'the client to see Redis gone',
    );
    const failure = await limiter.take('1').then(
      () => 'taken',
      (error: unknown) => error,
    );
    expect(isStoreUnavailable(failure)).toBe(true);

    await server.start();
    await eventually(
      () => redis.status,
      (status) => status === 'ready',
      'the client to reconnect',
    );
    expect(await Promise.all([limiter.take('1'), limiter.take('1'), limiter.take('1')])).toEqual([
      true,
      true,
      true,
    ]);
    expect(await limiter.take('1')).toBe(false);
  });
});
