import { createRedisClient } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { isStoreUnavailable } from './store-unavailable';

/** What a Redis command rejected with. */
async function rejection(command: Promise<unknown>): Promise<Error> {
  const error: unknown = await command.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof Error)) throw new Error('the command did not fail');
  return error;
}

describe('isStoreUnavailable on the replies of a real Redis', () => {
  let testRedis: TestRedis;
  let redis: Redis;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  it('leaves a refused command alone, and knows a server still loading its data by the same kind of reply', async () => {
    await redis.rpush('a-list', 'x');
    const wrongType = await rejection(redis.get('a-list'));
    const unknown = await rejection(redis.call('NO-SUCH-COMMAND'));
    expect([wrongType.name, wrongType.message]).toEqual([
      'ReplyError',
      'WRONGTYPE Operation against a key holding the wrong kind of value',
    ]);
    expect(isStoreUnavailable(wrongType)).toBe(false);
    expect(isStoreUnavailable(unknown)).toBe(false);
    // A LOADING reply cannot be provoked on a shared server: the same class with its text.
    const ReplyError = wrongType.constructor as new (message: string) => Error;
    expect(
      isStoreUnavailable(new ReplyError('LOADING Redis is loading the dataset in memory')),
    ).toBe(true);
  });
});
