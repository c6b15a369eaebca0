import { createRedisClient, queueConnectionOptions, StateKeys } from '@app/cache';
import {
  JobName,
  jobId,
  jobOptionsFor,
  queuePrefix,
  QueueName,
  type SendSmsCodePayload,
} from '@app/queue';
import { createTestRedis, storeSmsCode, type TestRedis } from '@app/testing';
import { Logger } from '@nestjs/common';
import { Queue, QueueEvents, Worker } from 'bullmq';
import type Redis from 'ioredis';

import { IssuedSmsCodes } from './issued-sms-codes';
import { LogSmsSender } from './log-sms.sender';
import { SmsOutbox } from './sms-outbox';
import { SmsSentLedger } from './sms-sent.ledger';
import { SmsProcessor } from './sms.processor';

const payload: SendSmsCodePayload = { mobile: '13933333333', code: '284611', scope: 'app' };

describe('SmsProcessor on two workers at once (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;

  beforeAll(() => {
    Logger.overrideLogger(false);
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.stateUrl, testRedis.prefix);
  });

  afterAll(async () => {
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
    await redis?.quit();
    await testRedis?.cleanup();
  });

  beforeEach(() => storeSmsCode(testRedis, 'app', payload.mobile, payload.code));

  /** A worker of its own over the shared state Redis, its provider answering after `latencyMs`. */
  const worker = (outbox: SmsOutbox, latencyMs: number, claimMs?: number) =>
    new SmsProcessor(
      new LogSmsSender(outbox, { latencyMs }),
      new SmsSentLedger(redis, claimMs),
      new IssuedSmsCodes(redis),
    );

  /** The sms queue, its events and the workers started on it, all closed after `use`. */
  async function withSmsQueue(
    use: (sms: {
      queue: Queue;
      events: QueueEvents;
      startWorker: (processor: SmsProcessor) => void;
    }) => Promise<void>,
  ): Promise<void> {
    const options = {
      connection: queueConnectionOptions(testRedis.queueUrl),
      prefix: queuePrefix(testRedis.prefix),
    };
    const queue = new Queue(QueueName.Sms, options);
    const events = new QueueEvents(QueueName.Sms, options);
    const workers: Worker[] = [];
    const startWorker = (processor: SmsProcessor) =>
      void workers.push(new Worker(QueueName.Sms, (job) => processor.process(job), options));
    try {
      await events.waitUntilReady();
      await use({ queue, events, startWorker });
    } finally {
      await Promise.all(workers.map((running) => running.close()));
      await events.close();
      await queue.close();
    }
  }

  it('sends the code once when a worker whose lock lapsed is still sending as the job is handed to another', async () => {
    const outbox = new SmsOutbox();
    const job = {
      id: jobId(JobName.SendSmsCode, 'app', payload.mobile, 'overlap'),
      name: JobName.SendSmsCode,
      data: payload,
    };

    const results = await Promise.all([
      worker(outbox, 500).process(job),
      worker(outbox, 500).process(job),
    ]);

    expect(outbox.sentTo(payload.mobile)).toHaveLength(1);
    expect(results.map(({ sent }) => sent).sort()).toEqual([false, true]);
  });

  it('sends the code once the provider refused it to the other worker, without waiting for that claim to lapse', async () => {
    const outbox = new SmsOutbox();
    outbox.failNext(1);
    const job = {
      id: jobId(JobName.SendSmsCode, 'app', payload.mobile, 'refused'),
      name: JobName.SendSmsCode,
      data: payload,
    };

    // Claims outliving the test's timeout: the second send cannot come from a lapsed claim.
    const claimMs = 120_000;
    const results = await Promise.allSettled([
      worker(outbox, 300, claimMs).process(job),
      worker(outbox, 300, claimMs).process(job),
    ]);

    expect(results.map(({ status }) => status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outbox.attempts).toBe(2);
    expect(outbox.sentTo(payload.mobile)).toHaveLength(1);
  });

  it('sends the code of a worker killed mid-send once its claim lapses', async () => {
    const outbox = new SmsOutbox();
    const job = {
      id: jobId(JobName.SendSmsCode, 'app', payload.mobile, 'killed'),
      name: JobName.SendSmsCode,
      data: payload,
    };
    // The killed worker's claim, never recorded sent nor released.
    expect(await new SmsSentLedger(redis, 500).claimSend(job.id)).toBeDefined();

    await expect(worker(outbox, 0).process(job)).resolves.toEqual({ sent: true });
    expect(outbox.sentTo(payload.mobile)).toHaveLength(1);
    await expect(worker(outbox, 0).process(job)).resolves.toEqual({ sent: false });
    expect(outbox.sentTo(payload.mobile)).toHaveLength(1);
  });

  it('sends no code that expired while its job waited (a worker outage, a failed job retried by hand), and completes it', async () => {
    const outbox = new SmsOutbox();
    await withSmsQueue(async ({ queue, events, startWorker }) => {
      startWorker(worker(outbox, 0));
      // The fresh job's code is the one stored: the stale job's is dropped by its age alone.
      await storeSmsCode(testRedis, 'app', payload.mobile, '551902');
      const stale = await queue.add(JobName.SendSmsCode, payload, {
        ...jobOptionsFor(JobName.SendSmsCode),
        jobId: jobId(JobName.SendSmsCode, 'app', payload.mobile, 'stale'),
        timestamp: Date.now() - 301_000,
      });
      const fresh = await queue.add(
        JobName.SendSmsCode,
        { ...payload, code: '551902' },
        {
          ...jobOptionsFor(JobName.SendSmsCode),
          jobId: jobId(JobName.SendSmsCode, 'app', payload.mobile, 'fresh'),
        },
      );

      await expect(stale.waitUntilFinished(events, 10_000)).resolves.toEqual({ sent: false });
      await expect(fresh.waitUntilFinished(events, 10_000)).resolves.toEqual({ sent: true });
      expect(outbox.sentTo(payload.mobile).map(({ code }) => code)).toEqual(['551902']);
    });
  });

  it('sends no code a newer one replaced while its job waited, even when its retry comes after the newer code went out', async () => {
    const mobile = '13933330001';
    const outbox = new SmsOutbox();
    await withSmsQueue(async ({ queue, events, startWorker }) => {
      // A backlog (no worker up): the user asks for a code, and again once the interval lapsed,
      // the second code replacing the first in Redis.
      await storeSmsCode(testRedis, 'app', mobile, '100001');
      const first = await queue.add(
        JobName.SendSmsCode,
        { mobile, code: '100001', scope: 'app' },
        {
          ...jobOptionsFor(JobName.SendSmsCode),
          jobId: jobId(JobName.SendSmsCode, 'app', mobile, 1),
        },
      );
      await storeSmsCode(testRedis, 'app', mobile, '200002');
      const second = await queue.add(
        JobName.SendSmsCode,
        { mobile, code: '200002', scope: 'app' },
        {
          ...jobOptionsFor(JobName.SendSmsCode),
          jobId: jobId(JobName.SendSmsCode, 'app', mobile, 60_001),
        },
      );
      // The provider refuses the first send it is given, so a job sent then is retried after the other.
      outbox.failNext(1);
      startWorker(worker(outbox, 0));

      const results = await Promise.all([
        first.waitUntilFinished(events, 10_000),
        second.waitUntilFinished(events, 10_000),
      ]);
      // The last SMS the user gets holds the code a sign-in accepts.
      expect(outbox.sentTo(mobile).map(({ code }) => code)).toEqual(['200002']);
      expect(results).toEqual([{ sent: false }, { sent: true }]);
    });
  });

  it('sends no code that is gone (used by a sign-in, burnt by wrong tries, expired), and completes its job', async () => {
    const mobile = '13933330002';
    const outbox = new SmsOutbox();
    await storeSmsCode(testRedis, 'app', mobile, '300003');
    await redis.del(StateKeys.appSmsCode(mobile));
    const job = {
      id: jobId(JobName.SendSmsCode, 'app', mobile, 'gone'),
      name: JobName.SendSmsCode,
      data: { mobile, code: '300003', scope: 'app' },
    };

    await expect(worker(outbox, 0).process(job)).resolves.toEqual({ sent: false });
    expect(outbox.sentTo(mobile)).toEqual([]);
  });
});

describe('SmsProcessor whose state Redis is not where the user service stores codes (real Redis)', () => {
  let testRedis: TestRedis;
  let userState: Redis;
  let otherState: Redis;

  beforeAll(() => {
    Logger.overrideLogger(false);
    testRedis = createTestRedis();
    userState = createRedisClient(testRedis.stateUrl, testRedis.prefix);
    // REDIS_KEY_PREFIX (or REDIS_STATE_URL) of the worker set apart from the user service's.
    otherState = createRedisClient(testRedis.stateUrl, `${testRedis.prefix}other:`);
  });

  afterAll(async () => {
    Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']);
    await Promise.all([userState?.quit(), otherState?.quit()]);
    await testRedis?.cleanup();
  });

  it('sends the code as the earlier release did, and says at error what is wrong, where every code went unsent', async () => {
    const mobile = '13933330003';
    await storeSmsCode(testRedis, 'app', mobile, '400004');
    const outbox = new SmsOutbox();
    const errors = jest.spyOn(Logger.prototype, 'error');
    const processor = new SmsProcessor(
      new LogSmsSender(outbox, { latencyMs: 0 }),
      new SmsSentLedger(otherState),
      new IssuedSmsCodes(otherState),
    );
    try {
      await expect(
        processor.process({
          id: jobId(JobName.SendSmsCode, 'app', mobile, 'unseen'),
          name: JobName.SendSmsCode,
          data: { mobile, code: '400004', scope: 'app' },
        }),
      ).resolves.toEqual({ sent: true });
      expect(outbox.sentTo(mobile).map(({ code }) => code)).toEqual(['400004']);
      expect(errors.mock.calls.map(([message]) => String(message)).join('\n')).toContain(
        'REDIS_STATE_URL',
      );
    } finally {
      errors.mockRestore();
    }
  });
});
