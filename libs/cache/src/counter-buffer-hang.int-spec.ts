import { type RedisServer, startRedisServer } from '@app/testing';
import type Redis from 'ioredis';

import { CounterBuffer } from './counter-buffer';
import { CounterKeys } from './keys';
import { closeRedisClient, createRedisClient } from './redis-roles';

const PREFIX = 'hang:';
/** REDIS_COMMAND_TIMEOUT_MS as the apps have it by default. */
const COMMAND_TIMEOUT_MS = 2_000;
const id = (n: number) => String(1300000000000300000n + BigInt(n));

/**
 * A Redis that hangs (SIGSTOP: the connection stays open, nothing is answered) under the state
 * client as the apps configure it: its commands time out, and Redis runs them once it answers.
 */
describe('CounterBuffer (a state Redis of its own that hangs)', () => {
  let server: RedisServer;
  let redis: Redis;
  let raw: Redis;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: true });
    redis = createRedisClient(server.url, PREFIX, { commandTimeout: COMMAND_TIMEOUT_MS });
    raw = createRedisClient(server.url, PREFIX);
    await redis.ping();
  });

  afterAll(async () => {
    server?.thaw();
    await closeRedisClient(redis);
    await closeRedisClient(raw);
    await server?.remove();
  });

  it('applies once a call that timed out and that Redis ran when it answered again, though the next write sends it again', async () => {
    const errors: unknown[] = [];
    const buffer = new CounterBuffer(redis, {
      flushMs: 60_000,
      onWriteError: (error) => errors.push(error),
    });
    buffer.add(CounterKeys.articleReads, id(0));
    server.freeze();
    try {
      await buffer.flush();
    } finally {
      server.thaw();
    }
    expect(errors.map((error) => (error as Error).message)).toEqual(['Command timed out']);
    // Redis now runs the call that timed out: written to the connection before it hung.
    expect(await raw.zscore(CounterKeys.articleReads, id(0))).toBe('1');

    buffer.add(CounterKeys.articleReads, id(1), 2);
    await buffer.flush();
    expect(errors).toHaveLength(1);
    expect(buffer.size).toBe(0);
    expect(await raw.zrange(CounterKeys.articleReads, 0, -1, 'WITHSCORES')).toEqual([
      id(0),
      '1',
      id(1),
      '2',
    ]);
    await buffer.close();
  }, 30_000);
});
