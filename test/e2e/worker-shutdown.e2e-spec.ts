import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, JobName, jobId, queuePrefix } from '@app/queue';
import {
  createTestDatabase,
  createTestRedis,
  storeSmsCode,
  eventually,
  freePort,
  type RedisServer,
  startRedisServer,
  testEnv,
  type TestDatabase,
} from '@app/testing';
import { Queue } from 'bullmq';

import { STATE_TIMEOUT_MS } from '../../apps/worker/src/shutdown-deadline';

import { holdMigrationLock, tablesOf, waitingForMigrationLock } from './support/migration-lock';
import { type ProcessExit, spawnWorker } from './support/worker-process';

/** WORKER_SHUTDOWN_TIMEOUT_MS of the workers stopped here. */
const SHUTDOWN_TIMEOUT_MS = 3_000;
/** After the timeout the deadline waits this long at most to learn what held the stop. */
const STATE_WAIT_MS = STATE_TIMEOUT_MS * 2;
/** How much later than that a stopped worker may end on an idle machine: logging a line and exiting. */
const EXIT_MARGIN_MS = 1_000;
const BOOT_MS = 90_000;
/** What a shell or an init (compose's tini) reports for a process SIGTERM ended: 128 + 15. */
const SIGTERM_EXIT_CODE = 143;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long after SIGTERM a worker may end: the timeout, the deadline's wait to learn what held the
 * stop, then logging a line and exiting. That last takes tens of milliseconds on an idle machine
 * and over a second at a load average of 12 on 2 cores, where the worker's boot took 8 times as
 * long too (25 s, not 3): its margin grows with the boot.
 */
const stopsWithinMs = (worker: { bootMs: number }) =>
  SHUTDOWN_TIMEOUT_MS + STATE_WAIT_MS + Math.max(EXIT_MARGIN_MS, worker.bootMs / 4);

/** How the process ended and how long after `since`, or 'still running' past `withinMs`. */
async function endWithin(
  exited: Promise<ProcessExit>,
  since: number,
  withinMs: number,
): Promise<(ProcessExit & { afterMs: number }) | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    exited.then((exit) => ({ ...exit, afterMs: Date.now() - since })),
    new Promise<'still running'>((resolve) => {
      timer = setTimeout(() => resolve('still running'), withinMs);
    }),
  ]);
  clearTimeout(timer);
  return outcome;
}

const readiness = (port: number) => () =>
  fetch(`http://127.0.0.1:${port}/health/ready`).then(
    (response) => response.status,
    () => 0,
  );

/**
 * The worker stopped as Kubernetes stops a pod (SIGTERM) while its queue Redis is down: BullMQ's
 * Worker.close() never returns then (taskforcesh/bullmq#4656), and the process must still end
 * within WORKER_SHUTDOWN_TIMEOUT_MS, giving back the job it could not acknowledge.
 */
describe('worker stopped while its Redis is down (e2e, the worker in a process of its own)', () => {
  let database: TestDatabase;
  let server: RedisServer;
  let inboxDir: string;
  const stopLater: Array<() => void> = [];

  beforeAll(async () => {
    database = await createTestDatabase([]);
    inboxDir = mkdtempSync(join(tmpdir(), 'tt-worker-stop-'));
  });

  beforeEach(async () => {
    server = await startRedisServer({ appendOnly: true });
  });

  afterEach(async () => {
    for (const stop of stopLater.splice(0)) stop();
    await server?.remove();
  });

  afterAll(async () => {
    await database?.drop();
    rmSync(inboxDir, { recursive: true, force: true });
  });

  const start = async (env: NodeJS.ProcessEnv) => {
    const booting = Date.now();
    const port = await freePort();
    const worker = spawnWorker(
      {
        ...env,
        WORKER_PORT: String(port),
        HTTP_HOST: '127.0.0.1',
        WORKER_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      },
      true,
    );
    stopLater.push(() => {
      if (worker.child.exitCode === null && worker.child.signalCode === null)
        worker.child.kill('SIGKILL');
    });
    await eventually(readiness(port), (status) => status === 200, 'the worker ready', BOOT_MS, 200);
    return { ...worker, bootMs: Date.now() - booting };
  };

  it('ends within its shutdown timeout of SIGTERM with every Redis role down', async () => {
    const redis = createTestRedis({ cache: server.url, state: server.url });
    const worker = await start(testEnv(database.settings, redis));
    await server.crash();
    // Past the first reconnection attempts: every connection is waiting for Redis.
    await sleep(1_000);
    const stopped = Date.now();
    worker.child.kill('SIGTERM');
    const end = await endWithin(worker.exited, stopped, stopsWithinMs(worker));
    expect(end).not.toBe('still running');
    // A stop, not a crash: Nest ends the process with the signal once its hooks return (on a busy
    // machine BullMQ can let go before its connections wait for Redis); the deadline ends it with
    // the code a shell or an init reports for that signal.
    if (end !== 'still running' && end.signal !== 'SIGTERM') {
      expect(end).toMatchObject({ code: SIGTERM_EXIT_CODE, signal: null });
      expect(end.afterMs).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS);
      expect(worker.output()).toContain(`not stopped within ${SHUTDOWN_TIMEOUT_MS} ms`);
      expect(worker.output()).toContain('the queue Redis does not answer');
    }
  }, 180_000);

  it('says a job still running held it, not Redis, when the queue Redis answers', async () => {
    const redis = createTestRedis({ cache: server.url, state: server.url });
    const env = testEnv(database.settings, redis, {
      WORKER_QUEUES: 'sms',
      SMS_LOG_FILE: join(inboxDir, 'slow.jsonl'),
      NODE_ENV: 'development',
      // The code goes out long after the shutdown timeout.
      SMS_LOG_LATENCY_MS: String(SHUTDOWN_TIMEOUT_MS * 10),
    });
    const queue = new Queue(JOB_QUEUE[JobName.SendSmsCode], {
      connection: { host: '127.0.0.1', port: Number(new URL(server.url).port), db: 2 },
      prefix: queuePrefix(redis.prefix),
    });
    try {
      const worker = await start(env);
      const id = jobId(JobName.SendSmsCode, 'app', '13911111112', 'slow');
      await storeSmsCode(redis, 'app', '13911111112', '482914');
      await queue.add(
        JobName.SendSmsCode,
        { mobile: '13911111112', code: '482914', scope: 'app' },
        { ...DEFAULT_JOB_OPTIONS, jobId: id },
      );
      await eventually(
        () => queue.getJobState(id),
        (state) => state === 'active',
        'the job active',
      );
      const stopped = Date.now();
      worker.child.kill('SIGTERM');
      const end = await endWithin(worker.exited, stopped, stopsWithinMs(worker));
      expect(end).toMatchObject({ code: SIGTERM_EXIT_CODE, signal: null });
      const line = worker.output();
      expect(line).toContain(`not stopped within ${SHUTDOWN_TIMEOUT_MS} ms`);
      expect(line).toContain(`1 job still running (sms/${JobName.SendSmsCode}/${id})`);
      expect(line).not.toMatch(/Redis (unreachable|does not answer)/);
    } finally {
      await queue.close();
      await redis.cleanup();
    }
  }, 180_000);

  it('gives back the job it could not acknowledge: another worker takes it once the queue Redis is back, and the code is sent once', async () => {
    // The queue role alone goes down; the sent-codes ledger (state role) stays up.
    const redis = createTestRedis();
    const inbox = join(inboxDir, 'sms.jsonl');
    const sent = () =>
      existsSync(inbox) ? readFileSync(inbox, 'utf8').trim().split('\n').filter(Boolean) : [];
    const env = testEnv(database.settings, redis, {
      REDIS_QUEUE_URL: `${server.url}/2`,
      WORKER_QUEUES: 'sms',
      SMS_LOG_FILE: inbox,
      NODE_ENV: 'development',
    });
    const queue = new Queue(JOB_QUEUE[JobName.SendSmsCode], {
      connection: { host: '127.0.0.1', port: Number(new URL(server.url).port), db: 2 },
      prefix: queuePrefix(redis.prefix),
    });
    queue.on('error', () => undefined);
    try {
      const first = await start({ ...env, SMS_LOG_LATENCY_MS: '1000' });
      const id = jobId(JobName.SendSmsCode, 'app', '13911111111', 'stop');
      await storeSmsCode(redis, 'app', '13911111111', '482913');
      await queue.add(
        JobName.SendSmsCode,
        { mobile: '13911111111', code: '482913', scope: 'app' },
        { ...DEFAULT_JOB_OPTIONS, jobId: id },
      );
      await eventually(
        () => queue.getJobState(id),
        (state) => state === 'active',
        'the job active',
      );
      await server.crash();
      const stopped = Date.now();
      first.child.kill('SIGTERM');
      const end = await endWithin(first.exited, stopped, stopsWithinMs(first));
      expect(end).toMatchObject({ code: SIGTERM_EXIT_CODE, signal: null });
      // The job ran to its end (the code went out and was recorded), its completion never reached Redis.
      expect(sent()).toHaveLength(1);
      expect(first.output()).toContain(
        `the queue Redis does not answer; exiting with 1 job in progress (sms/${JobName.SendSmsCode}/${id}) unacknowledged`,
      );

      await server.start();
      expect(await queue.getJobState(id)).toBe('active');
      const second = await start({ ...env, SMS_LOG_LATENCY_MS: '0' });
      await eventually(
        () => queue.getJobState(id),
        (state) => state === 'completed',
        'the job completed by the second worker',
        60_000,
        200,
      );
      expect(sent().map((line) => JSON.parse(line) as { code: string })).toEqual([
        expect.objectContaining({ mobile: '13911111111', code: '482913' }),
      ]);
      second.child.kill('SIGTERM');
      expect(await second.exited).toMatchObject({ signal: 'SIGTERM' });
    } finally {
      await queue.close();
      await redis.cleanup();
    }
  }, 240_000);
});

/**
 * The worker stopped while it starts with MIGRATIONS_RUN, its migrations waiting for the lock
 * another run holds: it lets the start end, then stops through its shutdown hooks, where the signal
 * ended it at once, mid-migration, no hook run.
 */
describe('worker stopped while it starts (e2e, the worker in a process of its own)', () => {
  const stopLater: Array<() => void> = [];

  afterEach(() => {
    for (const stop of stopLater.splice(0)) stop();
  });

  /** The worker booting with MIGRATIONS_RUN on a database of its own, its migrations waiting for a lock another session holds. */
  const bootWaitingForMigrations = async () => {
    const fresh = await createTestDatabase([]);
    const redis = createTestRedis();
    const name = fresh.settings.MYSQL_DATABASE;
    const lock = await holdMigrationLock(name);
    const worker = spawnWorker(
      testEnv(fresh.settings, redis, {
        MIGRATIONS_RUN: 'true',
        LOG_LEVEL: 'info',
        WORKER_PORT: String(await freePort()),
        HTTP_HOST: '127.0.0.1',
        WORKER_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      }),
      true,
    );
    stopLater.push(() => {
      if (worker.child.exitCode === null && worker.child.signalCode === null)
        worker.child.kill('SIGKILL');
      void lock.release().catch(() => undefined);
      void redis.cleanup();
      void fresh.drop();
    });
    await eventually(
      () => waitingForMigrationLock(fresh.settings),
      Boolean,
      'the worker waiting for the migration lock',
      BOOT_MS,
      200,
    );
    const tables = () => tablesOf(fresh.settings);
    return { worker, releaseLock: lock.release, tables };
  };

  it('sent SIGTERM while its migrations wait for the migration lock: runs them once it has the lock, then stops through its shutdown hooks and ends by the signal', async () => {
    const { worker, releaseLock, tables } = await bootWaitingForMigrations();

    worker.child.kill('SIGTERM');
    await releaseLock();
    expect(await worker.exited).toEqual({ code: null, signal: 'SIGTERM' });
    // Where the signal ended it at once, mid-start, its migration run never recorded itself.
    expect(await tables()).toContain('migrations_worker');
    expect(worker.output()).toContain('SIGTERM while starting: stopping once started');
  }, 180_000);

  it('sent SIGTERM while its migrations wait for a lock that is never released: exits 143, as SIGTERM would have, once WORKER_SHUTDOWN_TIMEOUT_MS passed', async () => {
    const { worker, tables } = await bootWaitingForMigrations();

    const stopped = Date.now();
    worker.child.kill('SIGTERM');
    const end = await endWithin(worker.exited, stopped, SHUTDOWN_TIMEOUT_MS + BOOT_MS);
    expect(end).toMatchObject({ code: SIGTERM_EXIT_CODE, signal: null });
    expect(end !== 'still running' && end.afterMs).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS);
    expect(worker.output()).toContain(
      `SIGTERM: still starting ${SHUTDOWN_TIMEOUT_MS} ms later; exiting`,
    );
    expect(await tables()).not.toContain('migrations_worker');
  }, 180_000);
});
