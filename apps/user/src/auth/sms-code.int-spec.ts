import { createRedisClient } from '@app/cache';
import { localDay } from '@app/config';
import { createTestRedis, type TestRedis } from '@app/testing';
import type Redis from 'ioredis';

import { MAX_CODE_ATTEMPTS, SmsCodeStore } from './sms-code.store';
import { SMS_LIMITS, SmsRateLimiter } from './sms-rate-limiter';

describe('SMS codes and limits (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let codes: SmsCodeStore;
  let limiter: SmsRateLimiter;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    codes = new SmsCodeStore(redis);
    limiter = new SmsRateLimiter(redis, { TZ: 'Asia/Shanghai' });
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  /** What a sign-in does with a code: checks it, then uses it up. */
  const verify = async (scope: 'app' | 'mp', mobile: string, presented: string) =>
    (await codes.check(scope, mobile, presented)) && codes.take(scope, mobile, presented);

  /** Makes the sends an IP was counted so far `ms` older, as if that long had passed since. */
  const ageIpSends = async (ip: string, ms: number) => {
    const key = `sms:limit:ip:${ip}:hour`;
    const sends = await redis.zrange(key, 0, -1, 'WITHSCORES');
    for (let i = 0; i < sends.length; i += 2) {
      await redis.zadd(key, Number(sends[i + 1]) - ms, sends[i]);
    }
  };

  /** How many of 100 codes asked from `ip`, each for another mobile (`mobiles` then 5 digits), came. */
  const granted = async (ip: string, mobiles: string) => {
    let count = 0;
    for (let i = 0; i < 100; i += 1) {
      if (await limiter.take(`${mobiles}${String(i).padStart(5, '0')}`, ip)) count += 1;
    }
    return count;
  };

  it('issues 6-digit codes that live 300 s under the reference key', async () => {
    const code = await codes.issue('app', '13800000001');
    expect(code).toMatch(/^\d{6}$/);
    expect(await redis.hget('app:code:13800000001', 'code')).toBe(code);
    const ttl = await redis.ttl('app:code:13800000001');
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(300);
    const many = new Set(
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => codes.issue('app', `1380000010${i % 10}`)),
      ),
    );
    expect(many.size).toBeGreaterThan(20);
  });

  it('marks its state Redis as the one codes are stored in, for good, with each code it issues', async () => {
    await redis.del('sms:codes:issued');
    await codes.issue('mp', '13800000002');
    // The worker tells by it a code used up or burnt from a state Redis holding no code at all.
    expect(await redis.exists('sms:codes:issued')).toBe(1);
    expect(await redis.ttl('sms:codes:issued')).toBe(-1);
  });

  it('accepts the right code once', async () => {
    const code = await codes.issue('app', '13800000002');
    expect(await verify('app', '13800000002', code)).toBe(true);
    expect(await verify('app', '13800000002', code)).toBe(false);
  });

  it('keeps a checked code until it is taken, and takes it once', async () => {
    const code = await codes.issue('app', '13800000006');
    expect(await codes.check('app', '13800000006', code)).toBe(true);
    expect(await codes.check('app', '13800000006', code)).toBe(true);
    const taken = await Promise.all([
      codes.take('app', '13800000006', code),
      codes.take('app', '13800000006', code),
    ]);
    expect(taken.sort()).toEqual([false, true]);
    expect(await codes.check('app', '13800000006', code)).toBe(false);
  });

  it('does not take a newer code than the one checked', async () => {
    const first = await codes.issue('app', '13800000007', '111111');
    expect(await codes.check('app', '13800000007', first)).toBe(true);
    const second = await codes.issue('app', '13800000007', '222222');
    expect(await codes.take('app', '13800000007', first)).toBe(false);
    expect(await verify('app', '13800000007', second)).toBe(true);
  });

  it('keeps app and media-platform codes apart', async () => {
    const code = await codes.issue('mp', '13800000003', '246810');
    expect(code).toBe('246810');
    expect(await verify('app', '13800000003', code)).toBe(false);
    expect(await verify('mp', '13800000003', code)).toBe(true);
  });

  it('burns the code after five wrong attempts, even concurrent ones', async () => {
    const code = await codes.issue('app', '13800000004');
    const wrong = code === '000000' ? '111111' : '000000';
    const results = await Promise.all(
      Array.from({ length: MAX_CODE_ATTEMPTS + 3 }, () => verify('app', '13800000004', wrong)),
    );
    expect(results.every((ok) => !ok)).toBe(true);
    expect(await verify('app', '13800000004', code)).toBe(false);
    expect(await redis.exists('app:code:13800000004')).toBe(0);
  });

  it('allows a right code within the attempt budget', async () => {
    const code = await codes.issue('app', '13800000005');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < MAX_CODE_ATTEMPTS - 1; i += 1)
      expect(await verify('app', '13800000005', wrong)).toBe(false);
    expect(await verify('app', '13800000005', code)).toBe(true);
  });

  it('limits a mobile to one request per minute', async () => {
    const now = Date.UTC(2026, 0, 1, 8, 0, 10);
    expect(await limiter.take('13800000010', '10.0.0.1', now)).toBe(true);
    expect(await limiter.take('13800000010', '10.0.0.1', now + 30_000)).toBe(false);
    expect(await limiter.take('13800000010', '10.0.0.1', now + 60_000)).toBe(true);
  });

  it('counts that minute from the last code sent, not by the clock: two requests either side of a minute get one code', async () => {
    const justBefore = Date.UTC(2026, 0, 1, 8, 0, 59, 800);
    expect(await limiter.take('13800000012', '10.0.0.2', justBefore)).toBe(true);
    expect(await limiter.take('13800000012', '10.0.0.2', justBefore + 300)).toBe(false);
    expect(await limiter.take('13800000012', '10.0.0.2', justBefore + 59_999)).toBe(false);
    expect(await limiter.take('13800000012', '10.0.0.2', justBefore + 60_000)).toBe(true);
  });

  it('limits a mobile to ten requests per day', async () => {
    const start = Date.UTC(2026, 0, 2, 0, 0, 0);
    const results: boolean[] = [];
    for (let minute = 0; minute < 12; minute += 1) {
      results.push(await limiter.take('13800000011', `10.0.1.${minute}`, start + minute * 60_000));
    }
    expect(results.filter(Boolean)).toHaveLength(SMS_LIMITS.perMobilePerDay);
    expect(results.slice(10)).toEqual([false, false]);
    expect(await limiter.take('13800000011', '10.0.1.99', start + 86_400_000)).toBe(true);
  });

  it("counts a mobile's day in TZ: ten from midnight to midnight there, not from 00:00 UTC (08:00 in Shanghai)", async () => {
    const takeTen = async (mobile: string, start: number) => {
      for (let minute = 0; minute < SMS_LIMITS.perMobilePerDay; minute += 1) {
        expect(await limiter.take(mobile, `10.0.2.${minute}`, start + minute * 60_000)).toBe(true);
      }
    };
    const lateEvening = Date.UTC(2026, 0, 4, 15, 0, 0); // 4 January, 23:00 in Shanghai
    await takeTen('13800000013', lateEvening);
    expect(await limiter.take('13800000013', '10.0.2.98', lateEvening + 50 * 60_000)).toBe(false);
    expect(await limiter.take('13800000013', '10.0.2.99', lateEvening + 60 * 60_000)).toBe(true); // 5 January, 00:00

    const earlyMorning = Date.UTC(2026, 0, 5, 23, 0, 0); // 6 January, 07:00 in Shanghai
    await takeTen('13800000014', earlyMorning);
    expect(await limiter.take('13800000014', '10.0.2.99', earlyMorning + 60 * 60_000)).toBe(false); // 08:00
  });

  it('counts what the windows of each scope counted before they were one, which replicas of the earlier release still count while a deploy rolls', async () => {
    const now = Date.UTC(2026, 0, 7, 9, 0, 0);
    const day = localDay(now, 'Asia/Shanghai').date;
    await redis.set('sms:limit:app:mobile:13800000015:last', String(now - 10_000), 'PX', 60_000);
    expect(await limiter.take('13800000015', '10.0.3.1', now)).toBe(false);
    await redis.set('sms:limit:mp:mobile:13800000016:last', String(now - 10_000), 'PX', 60_000);
    expect(await limiter.take('13800000016', '10.0.3.1', now)).toBe(false);
    expect(await limiter.take('13800000016', '10.0.3.1', now + 50_000)).toBe(true);

    await redis.set(`sms:limit:app:mobile:13800000017:d${day}`, '6', 'EX', 3600);
    await redis.set(`sms:limit:mp:mobile:13800000017:d${day}`, '3', 'EX', 3600);
    expect(await limiter.take('13800000017', '10.0.3.2', now)).toBe(true);
    expect(await limiter.take('13800000017', '10.0.3.2', now + 60_000)).toBe(false);
  });

  it('limits an IP to 100 requests per hour across mobiles, without using up those mobiles', async () => {
    const now = Date.UTC(2026, 0, 3, 9, 0, 0);
    let granted = 0;
    for (let i = 0; i < 105; i += 1) {
      if (await limiter.take(`139${String(i).padStart(8, '0')}`, '10.9.9.9', now)) granted += 1;
    }
    expect(granted).toBe(SMS_LIMITS.perIpPerHour);
    expect(await limiter.take('13900000101', '10.9.9.8', now)).toBe(true);
  });

  it("counts an IP's hour back from each request, not by the clock hour: 100 sent leave none until an hour after them", async () => {
    expect(await granted('10.9.8.1', '137000')).toBe(100);
    expect(await granted('10.9.8.1', '137001')).toBe(0);
    await ageIpSends('10.9.8.1', 3_599_000);
    expect(await granted('10.9.8.1', '137002')).toBe(0);
    await ageIpSends('10.9.8.1', 1_000);
    expect(await granted('10.9.8.1', '137003')).toBe(100);
  });

  it("measures an IP's hour on the clock of Redis, so a replica whose clock is off by seconds neither frees nor holds sends early or late", async () => {
    expect(await granted('10.9.8.3', '137005')).toBe(100);
    await ageIpSends('10.9.8.3', 3_598_000);
    expect(await limiter.take('13700600001', '10.9.8.3', Date.now() + 3_000)).toBe(false);
    await ageIpSends('10.9.8.3', 2_000);
    expect(await limiter.take('13700600002', '10.9.8.3', Date.now() - 3_000)).toBe(true);
  });

  it('counts what a replica of the earlier release counted in the clock hour while a deploy rolls', async () => {
    const now = Date.UTC(2026, 0, 3, 11, 30, 0);
    await redis.set(`sms:limit:ip:10.9.8.2:h${Math.floor(now / 3_600_000)}`, '99', 'EX', 3600);
    expect(await limiter.take('13700400001', '10.9.8.2', now)).toBe(true);
    expect(await limiter.take('13700400002', '10.9.8.2', now)).toBe(false);
  });
});
