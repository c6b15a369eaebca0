import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { RedisLock } from './redis-lock';
import { createRedisClient } from './redis-roles';

describe('RedisLock (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let locks: RedisLock;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    locks = new RedisLock(redis);
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  it('lets one of many concurrent callers hold a lock, under the key prefix, until it is released', async () => {
    const leases = await Promise.all(
      Array.from({ length: 10 }, () => locks.acquire('one-holder', 10_000)),
    );
    const held = leases.filter((lease) => lease !== undefined);
    expect(held).toHaveLength(1);
    expect(
      await testRedis.client('state').pttl(`${testRedis.prefix}lock:one-holder`),
    ).toBeGreaterThan(9_000);

    await held[0]?.release();
    expect(await testRedis.client('state').exists(`${testRedis.prefix}lock:one-holder`)).toBe(0);
    const next = await locks.acquire('one-holder', 10_000);
    expect(next).toBeDefined();
    await next?.release();
  });

  it('lapses by itself after its TTL, and the old holder cannot release the new holder’s lock', async () => {
    const first = await locks.acquire('lapsing', 50);
    expect(first).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 120));

    const second = await locks.acquire('lapsing', 10_000);
    expect(second).toBeDefined();
    await first?.release();
    expect(await locks.acquire('lapsing', 10_000)).toBeUndefined();

    await second?.release();
  });

  it('lets a holder that names its work take the lock over from an earlier run of the same work, and nobody else', async () => {
    const crashed = await locks.acquire('named', 10_000, 'job-1');
    expect(crashed).toBeDefined();
    expect(await locks.acquire('named', 10_000)).toBeUndefined();
    expect(await locks.acquire('named', 10_000, 'job-2')).toBeUndefined();
    const retried = await locks.acquire('named', 10_000, 'job-1');
    expect(retried).toBeDefined();
    await retried?.release();
    expect(await locks.acquire('named', 10_000, 'job-2')).toBeDefined();
  });

  it('leaves a later run of the same work its lock: the earlier run, still alive, can neither release nor extend it', async () => {
    const state = testRedis.client('state');
    const key = `${testRedis.prefix}lock:taken-over`;
    const stalled = await locks.acquire('taken-over', 10_000, 'job-1');
    const later = await locks.acquire('taken-over', 10_000, 'job-1');
    expect(stalled).toBeDefined();
    expect(later).toBeDefined();

    expect(await stalled?.extend(60_000)).toBe(false);
    expect(await state.pttl(key)).toBeLessThanOrEqual(10_000);
    await stalled?.release();
    expect(await locks.acquire('taken-over', 10_000, 'job-2')).toBeUndefined();
    expect(await later?.extend(20_000)).toBe(true);

    await later?.release();
    expect(await state.exists(key)).toBe(0);
  });

  it('takes over only from runs of exactly the same work, not from work whose name begins with it', async () => {
    const longer = await locks.acquire('holder-names', 10_000, 'job-1:part');
    expect(longer).toBeDefined();
    expect(await locks.acquire('holder-names', 10_000, 'job-1')).toBeUndefined();
    expect(await locks.acquire('holder-names', 10_000, 'job')).toBeUndefined();
    await longer?.release();
  });

  it('takes over a lock an earlier run left under its bare holder name, before each run had a token of its own', async () => {
    await testRedis
      .client('state')
      .set(`${testRedis.prefix}lock:bare-holder`, 'job-1', 'PX', 10_000);
    expect(await locks.acquire('bare-holder', 10_000, 'job-2')).toBeUndefined();
    const retried = await locks.acquire('bare-holder', 10_000, 'job-1');
    expect(retried).toBeDefined();
    await retried?.release();
  });

  it('extends or shortens a held lock, and not one that lapsed and went to another holder', async () => {
    const state = testRedis.client('state');
    const key = `${testRedis.prefix}lock:extended`;
    const lease = await locks.acquire('extended', 60_000);
    expect(await lease?.extend(500)).toBe(true);
    expect(await state.pttl(key)).toBeLessThanOrEqual(500);
    expect(await lease?.extend(120_000)).toBe(true);
    expect(await state.pttl(key)).toBeGreaterThan(60_000);

    await lease?.extend(30);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const next = await locks.acquire('extended', 10_000);
    expect(next).toBeDefined();
    expect(await lease?.extend(120_000)).toBe(false);
    expect(await state.pttl(key)).toBeLessThanOrEqual(10_000);
    await next?.release();
  });
});
