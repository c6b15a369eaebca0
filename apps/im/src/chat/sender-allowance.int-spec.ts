import { createRedisClient } from '@app/cache';
import {
  createTestRedis,
  eventually,
  type RedisServer,
  startRedisServer,
  type TestRedis,
} from '@app/testing';
import type Redis from 'ioredis';

import { SenderAllowance } from './sender-allowance';

const RULE = { burst: 3, intervalMs: 1000 };
/**
 * A rule whose interval no pause of a busy machine comes near: the test has the bucket fill up by
 * moving the stored stamp back (`elapse`), so it waits for no message to come back.
 */
const SLOW = { burst: 3, intervalMs: 60_000 };

/**
 * What `work` resolves to, and whether it did before a timer of `ms` started just after it fired.
 * Timers fire in the order they expire however late the event loop runs, so this tells which of
 * the allowance's own timers, or none, a take waited for, whatever the load on the machine.
 */
async function beforeTimer<T>(work: Promise<T>, ms: number): Promise<[T, boolean]> {
  let fired = false;
  const timer = setTimeout(() => (fired = true), ms);
  try {
    return [await work, !fired];
  } finally {
    clearTimeout(timer);
  }
}

class RecordingLogger {
  readonly lines: string[] = [];

  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }

  log(message: string): void {
    this.lines.push(`log ${message}`);
  }
}

describe('SenderAllowance (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let allowance: SenderAllowance;

  beforeAll(async () => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    await redis.ping();
    allowance = new SenderAllowance(redis, RULE, new RecordingLogger());
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  /** Has the sender's bucket fill up as `ms` of the Redis clock would: its stamp moves back. */
  async function elapse(key: string, ms: number): Promise<void> {
    const state = testRedis.client('state');
    const stored = `${testRedis.prefix}${key}`;
    const [full, ttl] = await Promise.all([state.get(stored), state.pttl(stored)]);
    if (ttl <= ms) await state.del(stored);
    else await state.set(stored, Number(full) - ms, 'PX', ttl - ms);
  }

  it('lets a burst through, then one message per interval, and refusing takes nothing', async () => {
    const slow = new SenderAllowance(redis, SLOW, new RecordingLogger());
    expect(await takes(slow, 'user:1', 4)).toEqual([true, true, true, false]);
    expect(await takes(slow, 'user:1', 3)).toEqual([false, false, false]);
    await elapse('chat:limit:user:1', SLOW.intervalMs);
    expect(await takes(slow, 'user:1', 2)).toEqual([true, false]);
    // Silent for long, it earns back no more than the burst.
    await elapse('chat:limit:user:1', SLOW.intervalMs * (SLOW.burst + 2));
    expect(await takes(slow, 'user:1', 4)).toEqual([true, true, true, false]);
  });

  it('holds a sender to one burst across replicas whose clocks disagree, measuring on the clock of Redis', async () => {
    const replicaA = new SenderAllowance(redis, RULE, new RecordingLogger());
    const replicaB = new SenderAllowance(redis, RULE, new RecordingLogger());
    const minuteAhead = async (take: () => Promise<boolean>): Promise<boolean> => {
      const now = Date.now();
      const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 60_000);
      try {
        return await take();
      } finally {
        clock.mockRestore();
      }
    };
    expect(await takes(replicaA, 'user:skewed', 3)).toEqual([true, true, true]);
    const onB: boolean[] = [];
    for (let n = 0; n < 3; n++) onB.push(await minuteAhead(() => replicaB.take('user:skewed')));
    expect(onB).toEqual([false, false, false]);
  });

  it('keeps each sender apart, under the key prefix, in a key that expires as the bucket fills up', async () => {
    expect(await takes(allowance, 'ip:203.0.113.7', 4)).toEqual([true, true, true, false]);
    expect(await takes(allowance, 'ip:203.0.113.8', 1)).toEqual([true]);
    const ttl = await testRedis
      .client('state')
      .pttl(`${testRedis.prefix}chat:limit:ip:203.0.113.7`);
    expect(ttl).toBeGreaterThan(2000);
    expect(ttl).toBeLessThanOrEqual(3000);
  });
});

describe('SenderAllowance while its Redis is down or hangs', () => {
  let server: RedisServer;
  let redis: Redis;
  const logger = new RecordingLogger();
  let allowance: SenderAllowance;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: false });
    redis = createRedisClient(`${server.url}/1`, 'chat-limit:');
    await redis.ping();
    allowance = new SenderAllowance(redis, RULE, logger, 100);
  });

  afterAll(async () => {
    redis.disconnect();
    await server.remove();
  });

  it('lets messages through at once, with one warning an outage, and limits again once Redis is back', async () => {
    expect(await allowance.take('user:1')).toBe(true);
    await server.crash();
    await eventually(
      () => redis.status,
      (status) => status !== 'ready',
      'the client to see Redis gone',
    );
    // At once: before any timer, the allowance's timeout of 100 ms among them.
    expect(await beforeTimer(takes(allowance, 'user:1', 2), 1)).toEqual([[true, true], true]);

    await server.start();
    await eventually(
      () => redis.status,
      (status) => status === 'ready',
      'the client to reconnect',
    );
    expect(await takes(allowance, 'user:1', 4)).toEqual([true, true, true, false]);
    expect(logger.lines).toEqual([
      expect.stringMatching(/^warn chat limit: state Redis not connected/),
      'log chat limit: the state Redis answers again, senders are limited again',
    ]);
  });

  it('does not wait longer than its timeout for a Redis that hangs', async () => {
    logger.lines.length = 0;
    server.freeze();
    try {
      expect(await beforeTimer(takes(allowance, 'user:2', 2), 101)).toEqual([[true, true], true]);
      expect(logger.lines).toEqual([
        'warn chat limit: state Redis did not answer within 100 ms; only each socket is limited until it answers',
      ]);
    } finally {
      server.thaw();
    }
  });

  it('keeps one command waiting on a Redis that hangs, letting the messages after it through at once', async () => {
    await redis.ping();
    server.freeze();
    let taken: [boolean[], boolean];
    try {
      taken = await beforeTimer(takes(allowance, 'user:3', 5), 101);
    } finally {
      server.thaw();
    }
    // One timeout of 100 ms, where each message waited its own.
    expect(taken).toEqual([[true, true, true, true, true], true]);
    // Once Redis answers (in order), the one script that waited has run: one message of three spent.
    await redis.ping();
    expect(await takes(allowance, 'user:3', 3)).toEqual([true, true, false]);
  });
});

async function takes(
  allowance: SenderAllowance,
  sender: string,
  count: number,
): Promise<boolean[]> {
  const taken: boolean[] = [];
  for (let n = 0; n < count; n++) taken.push(await allowance.take(sender));
  return taken;
}
