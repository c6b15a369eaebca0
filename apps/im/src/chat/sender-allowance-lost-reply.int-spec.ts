import { createRedisClient } from '@app/cache';
import { createTestRedis, ReplyCutter, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { SenderAllowance } from './sender-allowance';

/** One message, then none for a minute: a second take of the same message would be refused. */
const ONE_A_MINUTE = { burst: 1, intervalMs: 60_000 };
/** Far above any reconnection, so the answer heard is Redis', not the timeout's. */
const PATIENT_MS = 30_000;

describe('SenderAllowance (real Redis, through a relay that loses the reply of a script call)', () => {
  let testRedis: TestRedis;
  let cutter: ReplyCutter;
  let redis: Redis;

  beforeAll(async () => {
    testRedis = createTestRedis();
    const state = new URL(testRedis.stateUrl);
    cutter = new ReplyCutter({ host: state.hostname, port: Number(state.port || 6379) });
    const port = await cutter.listen();
    redis = createRedisClient(`redis://127.0.0.1:${port}${state.pathname}`, testRedis.prefix);
    await new Promise((resolve) => redis.once('ready', resolve));
  });

  afterAll(async () => {
    redis.disconnect();
    await cutter.close();
    await testRedis.cleanup();
  });

  it('lets a message through once when its take, sent again, finds the one it took spent', async () => {
    const allowance = new SenderAllowance(
      redis,
      ONE_A_MINUTE,
      { warn: () => {}, log: () => {} },
      PATIENT_MS,
    );
    // Nothing of the client's own left unanswered: the next reply is the take's.
    await redis.ping();
    const cut = cutter.cutAfter(1, 0);
    expect(await allowance.take('user:41')).toBe(true);
    await cut;
    // The minute's one message is spent all the same.
    expect(await allowance.take('user:41')).toBe(false);
  });
});
