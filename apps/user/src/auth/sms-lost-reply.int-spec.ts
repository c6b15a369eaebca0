import { createRedisClient } from '@app/cache';
import { localDay } from '@app/config';
import { createTestRedis, ReplyCutter, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { SmsCodeStore } from './sms-code.store';
import { SmsRateLimiter } from './sms-rate-limiter';

const TZ = 'Asia/Shanghai';

describe('SMS limits and codes (real Redis, through a relay that loses the reply of a script call)', () => {
  let testRedis: TestRedis;
  let raw: Redis;
  let cutter: ReplyCutter;
  let redis: Redis;

  const counted = async (key: string): Promise<number> =>
    Number(await raw.get(`${testRedis.prefix}${key}`));

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

  it('lets a code be sent when its take, sent again, finds the minute it took spent, and counts it once', async () => {
    const limiter = new SmsRateLimiter(redis, { TZ });
    const now = Date.now();
    const cut = cutter.cutAfter(1, 0);
    expect(await limiter.take('13900000001', '10.9.0.1', now)).toBe(true);
    await cut;
    expect(await counted(`sms:limit:mobile:13900000001:d${localDay(now, TZ).date}`)).toBe(1);
    expect(await raw.zcard(`${testRedis.prefix}sms:limit:ip:10.9.0.1:hour`)).toBe(1);
  });

  it('counts a check sent again as one attempt at the code', async () => {
    const codes = new SmsCodeStore(redis);
    const code = await codes.issue('app', '13900000002');
    const cut = cutter.cutAfter(1, 0);
    expect(await codes.check('app', '13900000002', code)).toBe(true);
    await cut;
    expect(await raw.hget(`${testRedis.prefix}app:code:13900000002`, 'attempts')).toBe('1');
  });

  it('lets the sign-in that took the code through when its take was sent again', async () => {
    const codes = new SmsCodeStore(redis);
    const code = await codes.issue('app', '13900000003');
    expect(await codes.check('app', '13900000003', code)).toBe(true);
    const cut = cutter.cutAfter(1, 0);
    expect(await codes.take('app', '13900000003', code)).toBe(true);
    await cut;
    expect(await raw.exists(`${testRedis.prefix}app:code:13900000003`)).toBe(0);
  });
});
