import { createTestRedis, ReplyCutter, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { APPLIED_WRITES_TTL_S } from './apply-once';
import { CounterBuffer, INCREMENTS_PER_CALL } from './counter-buffer';
import { CounterKeys, StateKeys } from './keys';
import { createRedisClient } from './redis-roles';

const id = (n: number) => String(1300000000000200000n + BigInt(n));

describe('CounterBuffer (real Redis, through a relay that loses the replies of script calls)', () => {
  let testRedis: TestRedis;
  let raw: Redis;
  let cutter: ReplyCutter;
  let redis: Redis;
  const errors: unknown[] = [];

  const scores = async (key: string): Promise<number[]> =>
    (await raw.zrange(`${testRedis.prefix}${key}`, 0, -1, 'WITHSCORES'))
      .filter((_, index) => index % 2 === 1)
      .map(Number);

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
    errors.length = 0;
    // Nothing of the client's own left unanswered: the next replies are the script calls'.
    await redis.ping();
  });

  afterAll(async () => {
    redis.disconnect();
    await cutter.close();
    await testRedis.cleanup();
  });

  it('applies a call of a full batch once when Redis ran it and its reply was lost, and ioredis sent it again on reconnecting', async () => {
    const buffer = new CounterBuffer(redis, {
      flushMs: 60_000,
      onWriteError: (error) => errors.push(error),
    });
    for (let i = 0; i < INCREMENTS_PER_CALL; i += 1)
      buffer.add(CounterKeys.articleRecoExposures, id(i));
    const cut = cutter.cutAfter(1, 0);
    await buffer.flush();
    await cut;

    expect(errors).toEqual([]);
    expect(buffer.size).toBe(0);
    const written = await scores(CounterKeys.articleRecoExposures);
    expect(written).toHaveLength(INCREMENTS_PER_CALL);
    expect(written.reduce((sum, score) => sum + score, 0)).toBe(INCREMENTS_PER_CALL);
    // What Redis remembers of the write goes by itself.
    const [applied, ...more] = await raw.keys(`${testRedis.prefix}${StateKeys.counterWrite('*')}`);
    expect(more).toEqual([]);
    expect(await raw.ttl(applied)).toBeGreaterThan(0);
    expect(await raw.ttl(applied)).toBeLessThanOrEqual(APPLIED_WRITES_TTL_S);
    await buffer.close();
  });

  it('applies a call once when its reply was lost after the one before it in the pipeline was answered, and it was sent again', async () => {
    const buffer = new CounterBuffer(redis, {
      flushMs: 60_000,
      onWriteError: (error) => errors.push(error),
    });
    buffer.add(CounterKeys.articleReads, id(0));
    buffer.add(CounterKeys.authorReads, id(1), 3);
    const cut = cutter.cutAfter(2, 1);
    await buffer.flush();
    await cut;
    // ioredis aborts what it pipelined after the answered call; the write sends it again at once.
    expect(errors).toEqual([]);
    expect(buffer.size).toBe(0);
    expect(await scores(CounterKeys.articleReads)).toEqual([1]);
    expect(await scores(CounterKeys.authorReads)).toEqual([3]);
    await buffer.close();
  });
});
