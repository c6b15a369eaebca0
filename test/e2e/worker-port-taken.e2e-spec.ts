import { createServer, type Server } from 'node:net';

import { queueConnectionOptions } from '@app/cache';
import { loadConfig } from '@app/config';
import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, JobName, jobId, queuePrefix } from '@app/queue';
import {
  createTestDatabase,
  createTestRedis,
  freePort,
  testEnv,
  type TestDatabase,
  type TestRedis,
} from '@app/testing';

import { Queue } from 'bullmq';

import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { startWorker } from '../../apps/worker/src/main';

/** How long a start that cannot listen may take to fail: the context's creation on a loaded machine. */
const FAILS_WITHIN_MS = 15_000;

/** A TCP server of the test's own on a free loopback port. */
const holdPort = async (): Promise<{ server: Server; port: number }> => {
  const port = await freePort();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port };
};

/** A loopback port nothing listens on: connections to it are refused at once. */
const closedPort = async (): Promise<number> => freePort();

/** How `started` settled, or 'still starting' after `withinMs`. */
const settledWithin = async (started: Promise<unknown>, withinMs: number): Promise<unknown> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      started.then(
        () => 'started',
        (error: unknown) => error,
      ),
      new Promise((resolve) => (timer = setTimeout(() => resolve('still starting'), withinMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * The worker started on a health port (WORKER_PORT) another process holds: its start fails with
 * the listen error, promptly, even while the queue Redis is down, whose BullMQ connections a close
 * of the started workers would wait on.
 */
describe('worker started on a health port already taken (e2e)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let held: { server: Server; port: number };

  beforeAll(async () => {
    database = await createTestDatabase([]);
    redis = createTestRedis();
  });

  beforeEach(async () => {
    held = await holdPort();
  });

  afterEach(async () => {
    await new Promise((resolve) => held.server.close(resolve));
  });

  afterAll(async () => {
    await redis?.cleanup();
    await database?.drop();
  });

  const configOn = (port: number, settings: Record<string, string> = {}) =>
    loadConfig(
      workerEnvSchema,
      testEnv(database.settings, redis, { WORKER_PORT: port, HTTP_HOST: '127.0.0.1', ...settings }),
    );

  it('fails with the listen error while its queue Redis is down', async () => {
    const config = configOn(held.port, {
      REDIS_QUEUE_URL: `redis://127.0.0.1:${await closedPort()}/2`,
    });

    const outcome = await settledWithin(startWorker(config), FAILS_WITHIN_MS);
    expect(outcome).toMatchObject({ code: 'EADDRINUSE' });
  }, 60_000);

  it('fails with the listen error and takes no job of its queues while their Redis is up', async () => {
    const queue = new Queue(JOB_QUEUE[JobName.SendSmsCode], {
      connection: queueConnectionOptions(redis.queueUrl),
      prefix: queuePrefix(redis.prefix),
    });
    try {
      const id = jobId(JobName.SendSmsCode, 'app', '13911111113', 'port-taken');
      await queue.add(
        JobName.SendSmsCode,
        { mobile: '13911111113', code: '482915', scope: 'app' },
        { ...DEFAULT_JOB_OPTIONS, jobId: id },
      );

      const outcome = await settledWithin(
        startWorker(configOn(held.port, { WORKER_QUEUES: 'sms' })),
        FAILS_WITHIN_MS,
      );
      expect(outcome).toMatchObject({ code: 'EADDRINUSE' });
      expect(await queue.getJobState(id)).toBe('waiting');
    } finally {
      await queue.close();
    }
  }, 60_000);
});
