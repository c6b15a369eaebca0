import type { SessionStore, TokenSigner, TokenVerifier } from '@app/auth';
import { createRedisClient, queueConnectionOptions } from '@app/cache';
import {
  JobProducer,
  type NotificationEmitter,
  queuePrefix,
  QueueName,
  type SendSmsCodePayload,
} from '@app/queue';
import type { Snowflake } from '@app/snowflake';
import { createTestRedis, type TestRedis } from '@app/testing';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';

import type { UserConfig } from '../config/user.config';
import type { AccountsRepository } from './accounts.repository';
import { AuthService } from './auth.service';
import { SmsCodeStore } from './sms-code.store';
import { SmsRateLimiter } from './sms-rate-limiter';

describe('AuthService.sendSmsCode on two replicas (real Redis and BullMQ)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let queue: Queue<SendSmsCodePayload>;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    queue = new Queue(QueueName.Sms, {
      connection: queueConnectionOptions(testRedis.queueUrl),
      prefix: queuePrefix(testRedis.prefix),
    });
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await queue.close();
    await redis.quit();
    await testRedis.cleanup();
  });

  /** A user service replica: its own clock, the shared Redis. */
  function replica(): AuthService {
    return new AuthService(
      { SMS_TEST_CODE: undefined } as unknown as UserConfig,
      new SmsCodeStore(redis),
      new SmsRateLimiter(redis, { TZ: 'Asia/Shanghai' }),
      {} as AccountsRepository,
      {} as SessionStore,
      {} as TokenSigner,
      {} as TokenVerifier,
      new JobProducer([queue]),
      {} as Snowflake,
      {} as NotificationEmitter,
    );
  }

  /** Sends on `service` with its clock reading `now` (the one instant the send reads). */
  async function sendAt(service: AuthService, mobile: string, now: number): Promise<void> {
    jest.spyOn(Date, 'now').mockReturnValueOnce(now);
    await service.sendSmsCode('app', mobile, '203.0.113.9');
  }

  it("queues the code a second replica issued once the first one's minute lapsed, its clock a second behind", async () => {
    const mobile = '13600000001';
    const minuteStart = Math.floor(Date.now() / 60_000) * 60_000;
    // Replica A sends 200 ms into a minute.
    await sendAt(replica(), mobile, minuteStart + 200);
    // 60.1 s later the mobile's minute has lapsed in Redis; replica B's clock, 1 s behind, still reads that minute.
    await redis.del(`sms:limit:mobile:${mobile}:last`);
    await sendAt(replica(), mobile, minuteStart + 200 + 60_100 - 1_000);

    const live = await redis.hget(`app:code:${mobile}`, 'code');
    const queued = (await queue.getJobs(['waiting'])).filter((job) => job.data.mobile === mobile);
    expect(queued.map((job) => job.data.code)).toContain(live);
    expect(queued).toHaveLength(2);
  });
});
