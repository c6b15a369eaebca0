import { StateKeys } from '@app/cache';
import { loadConfig } from '@app/config';
import type { ReadinessReport } from '@app/grpc';
import { JobName, JobProducer, jobId, ProcessorRegistry, QueueModule, QueueName } from '@app/queue';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  testEnv,
  type TestDatabase,
  storeSmsCode,
  type TestRedis,
  withoutLatencies,
} from '@app/testing';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import type { JobState, Queue } from 'bullmq';

import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { type RunningWorker, startWorker } from '../../apps/worker/src/main';
import { SmsOutbox } from '../../apps/worker/src/sms/sms-outbox';
import { SmsProcessor } from '../../apps/worker/src/sms/sms.processor';
import { rawRequest } from './support/raw-http';
import { EXPECTED_SECURITY_HEADERS, MALFORMED_REQUEST } from './support/security-headers';

// Jest applies testTimeout globally, not per project; these tests wait on real BullMQ retries.
const SLOW = 30_000;

describe('worker: BullMQ processors behind a node:http health server', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let worker: RunningWorker | undefined;
  let producerContext: TestingModule;
  let producer: JobProducer;
  let queue: Queue;
  let outbox: SmsOutbox;
  let base: string;

  const get = (path: string) => fetch(`${base}${path}`);

  async function waitForState(
    id: string,
    states: JobState[],
    timeoutMs = 15_000,
  ): Promise<JobState | 'unknown'> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await queue.getJobState(id);
      if ((states as string[]).includes(state) || Date.now() > deadline) return state;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase([]);
    redis = createTestRedis();
    // A repair recorded: on a state Redis without one the worker would repair at start, calling news and user.
    await redis
      .client('state')
      .set(`${redis.prefix}${StateKeys.counterRepairedAt}`, String(Date.now()));
    const env = testEnv(database.settings, redis, {
      WORKER_PORT: await freePort(),
      HTTP_HOST: '127.0.0.1',
    });
    worker = await startWorker(loadConfig(workerEnvSchema, env));
    base = `http://127.0.0.1:${worker.port}`;
    outbox = worker.app.get(SmsOutbox);

    producerContext = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({ queueUrl: redis.queueUrl, keyPrefix: redis.prefix }),
        QueueModule.registerQueues(QueueName.Sms),
      ],
    }).compile();
    await producerContext.init();
    producer = producerContext.get(JobProducer);
    queue = producerContext.get<Queue>(getQueueToken(QueueName.Sms));
  }, SLOW);

  afterAll(async () => {
    await producerContext?.close();
    await worker?.close();
    await redis?.cleanup();
    await database?.drop();
  });

  it('is live, and ready while the queue and state Redis and MySQL answer', async () => {
    expect((await get('/health/live')).status).toBe(200);
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    const up = { status: 'up', required: true };
    expect(withoutLatencies((await ready.json()) as ReadinessReport)).toEqual({
      status: 'ok',
      checks: { queueRedis: up, stateRedis: up, mysql: up },
    });
  });

  it(
    'sends an SMS code job exactly once, even when the same job id is enqueued again',
    async () => {
      const mobile = '13900000001';
      const id = jobId(JobName.SendSmsCode, 'app', mobile, 1);
      await storeSmsCode(redis, 'app', mobile, '123456');
      await producer.enqueue(
        JobName.SendSmsCode,
        { mobile, code: '123456', scope: 'app' },
        { jobId: id },
      );

      expect(await waitForState(id, ['completed', 'failed'])).toBe('completed');
      expect(outbox.sentTo(mobile)).toEqual([{ mobile, code: '123456', scope: 'app' }]);
      expect((await queue.getJob(id))?.returnvalue).toEqual({ sent: true });
      expect(await redis.client('state').exists(`${redis.prefix}smsjob:${id}:sent`)).toBe(1);

      await producer.enqueue(
        JobName.SendSmsCode,
        { mobile, code: '123456', scope: 'app' },
        { jobId: id },
      );
      expect(await queue.getJobCounts('wait', 'active', 'delayed')).toEqual({
        wait: 0,
        active: 0,
        delayed: 0,
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(outbox.sentTo(mobile)).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'retries a failed delivery and still sends once',
    async () => {
      const mobile = '13900000002';
      const id = jobId(JobName.SendSmsCode, 'mp', mobile, 1);
      const attemptsBefore = outbox.attempts;
      outbox.failNext(1);
      await storeSmsCode(redis, 'mp', mobile, '654321');
      await producer.enqueue(
        JobName.SendSmsCode,
        { mobile, code: '654321', scope: 'mp' },
        { jobId: id },
      );

      expect(await waitForState(id, ['completed', 'failed'])).toBe('completed');
      const job = await queue.getJob(id);
      expect(job?.attemptsStarted).toBe(2);
      expect(job?.attemptsMade).toBe(2);
      expect(outbox.attempts - attemptsBefore).toBe(2);
      expect(outbox.sentTo(mobile)).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'registers only the processors of WORKER_QUEUES',
    async () => {
      const env = testEnv(database.settings, redis, {
        WORKER_PORT: await freePort(),
        HTTP_HOST: '127.0.0.1',
        WORKER_QUEUES: QueueName.Notifications,
      });
      const notificationsWorker = await startWorker(loadConfig(workerEnvSchema, env));
      try {
        expect(notificationsWorker.app.get(ProcessorRegistry).declarations).toEqual([]);
        expect(() => notificationsWorker.app.get(SmsProcessor)).toThrow();
        expect(worker?.app.get(ProcessorRegistry).declarations.map((d) => d.processor)).toEqual([
          'SmsProcessor',
          'SearchIndexProcessor',
          'CounterRepairProcessor',
          'CandidatesProcessor',
        ]);
      } finally {
        await notificationsWorker.close();
      }
    },
    SLOW,
  );

  it('serves Prometheus metrics of the jobs it ran and of its queues', async () => {
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(
      /worker_jobs_total\{queue="sms",job="send-sms-code",outcome="completed"\} [1-9]/,
    );
    // The retried delivery's first attempt.
    expect(text).toMatch(
      /worker_jobs_total\{queue="sms",job="send-sms-code",outcome="failed"\} [1-9]/,
    );
    expect(text).toMatch(
      /worker_job_last_completed_timestamp_seconds\{queue="sms",job="send-sms-code"\} \d{10}/,
    );
    expect(text).toContain('worker_queue_jobs{queue="sms",state="waiting"} 0');
    expect(text).toContain('worker_queue_jobs{queue="statistics",state="active"} 0');
  });

  it("carries the HTTP apps' security headers on its probes, its metrics, a 404 and a malformed request's 400", async () => {
    const answers = await Promise.all(
      ['/health/live', '/health/ready', '/metrics', '/nothing'].map(get),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 404]);
    for (const answer of answers)
      expect(Object.fromEntries(answer.headers)).toMatchObject(EXPECTED_SECURITY_HEADERS);
    const refused = await rawRequest(Number(new URL(base).port), MALFORMED_REQUEST);
    expect([refused.status, refused.body]).toEqual([400, '{"message":"Bad request."}']);
    expect(refused.headers).toMatchObject(EXPECTED_SECURITY_HEADERS);
  });

  it('stops answering health probes once closed', async () => {
    await worker?.close();
    worker = undefined;
    await expect(get('/health/ready')).rejects.toThrow();
  });
});
