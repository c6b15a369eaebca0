import type { ChildProcess } from 'node:child_process';

import { CounterKeys, createRedisClient, queueConnectionOptions, StateKeys } from '@app/cache';
import { loadConfig } from '@app/config';
import {
  JobName,
  jobId,
  jobOptionsFor,
  QueueName,
  queuePrefix,
  type RepairCountersPayload,
} from '@app/queue';
import {
  createTestDatabase,
  createTestKeys,
  createTestRedis,
  freePort,
  testEnv,
  type TestDatabase,
  type TestKeys,
  type TestRedis,
  withTestConnection,
} from '@app/testing';
import type { INestMicroservice } from '@nestjs/common';
import { type JobState, Queue } from 'bullmq';
import type Redis from 'ioredis';

import { newsEnvSchema } from '../../apps/news/src/config/news.config';
import { NEWS_SCHEMA } from '../../apps/news/src/database/news-schema';
import { startNewsService } from '../../apps/news/src/main';
import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { USER_SCHEMA } from '../../apps/user/src/database/user-schema';
import { startUserService } from '../../apps/user/src/main';
import type { RepairCountersResult } from '../../apps/worker/src/statistics/counter-repair.processor';
import { spawnWorker } from './support/worker-process';

const id = (n: number) => String(1_300_000_000_000_000_000n + BigInt(n));
const [U1, U2, AX] = [1, 2, 101].map(id);

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const ready = (port: number) => () =>
  fetch(`http://127.0.0.1:${port}/health/ready`).then((response) =>
    response.status === 200 ? true : undefined,
  );

describe('a counter repair whose workers are killed mid-repair (e2e: workers in processes of their own, news, user)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let keys: TestKeys;
  let state: Redis;
  let news: INestMicroservice;
  let user: INestMicroservice;
  let queue: Queue<RepairCountersPayload, RepairCountersResult>;
  let env: NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];

  /** A worker running the `statistics` queue, ready to take jobs. */
  async function startWorkerProcess() {
    const port = await freePort();
    const worker = spawnWorker({ ...env, WORKER_PORT: String(port), HTTP_HOST: '127.0.0.1' });
    children.push(worker.child);
    await waitFor(ready(port), 90_000, 'worker ready');
    return worker;
  }

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA, NEWS_SCHEMA]);
    redis = createTestRedis();
    keys = createTestKeys();
    await withTestConnection(database.settings, (query) =>
      query(
        'INSERT INTO user_relation (user_id, target_user_id, relation) VALUES (?, ?, 1), (?, ?, 1)',
        [U1, AX, U2, AX],
      ),
    );
    const [userPort, newsPort] = [await freePort(), await freePort()];
    env = testEnv(database.settings, redis, {
      USER_GRPC_PORT: userPort,
      NEWS_GRPC_PORT: newsPort,
      USER_GRPC_URL: `127.0.0.1:${userPort}`,
      NEWS_GRPC_URL: `127.0.0.1:${newsPort}`,
      WORKER_QUEUES: QueueName.Statistics,
      // Never fires while the test runs: the only repair is the test's.
      COUNTER_REPAIR_CRON: '0 3 29 2 *',
      JWT_KEYS_DIR: keys.dir,
      JWT_SIGNING_KID: keys.kid,
      LOG_LEVEL: 'warn',
    });
    user = await startUserService(loadConfig(userEnvSchema, env));
    news = await startNewsService(loadConfig(newsEnvSchema, env));
    state = createRedisClient(redis.stateUrl, redis.prefix);
    // A repair recorded, so no worker repairs at start: the only repair is the test's.
    await state.set(StateKeys.counterRepairedAt, String(Date.now()));
    queue = new Queue(QueueName.Statistics, {
      connection: queueConnectionOptions(redis.queueUrl),
      prefix: queuePrefix(redis.prefix),
    });
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await queue?.close();
    await news?.close();
    await user?.close();
    await state?.quit();
    await redis?.cleanup();
    await database?.drop();
    keys?.remove();
  });

  it('is run again by the next worker and repairs, where the second kill failed it and the counters waited for the next night', async () => {
    const repairId = jobId(JobName.RepairCounters, 'crash-twice');
    const progress = async () => {
      const job = await queue.getJob(repairId);
      return job ? { state: await job.getState(), stalls: job.stalledCounter } : undefined;
    };
    await state.del(CounterKeys.userFollowers);

    // The followings' table locked: user's rebuild waits on it, so each worker dies mid-repair.
    let unlock: () => void = () => undefined;
    const unlocked = new Promise<void>((resolve) => (unlock = resolve));
    let locked: () => void = () => undefined;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = withTestConnection(database.settings, async (query) => {
      await query('LOCK TABLES user_relation WRITE');
      locked();
      await unlocked;
      await query('UNLOCK TABLES');
    });
    await isLocked;

    try {
      const workerA = await startWorkerProcess();
      await queue.add(
        JobName.RepairCounters,
        { scheduledFor: '202001011900' },
        { ...jobOptionsFor(JobName.RepairCounters), jobId: repairId },
      );
      await waitFor(
        async () => ((await progress())?.state === 'active' ? true : undefined),
        30_000,
        'repair active on A',
      );
      workerA.child.kill('SIGKILL');
      await workerA.exited;

      // Worker B gets it from the stalled check once A's lock lapses, and dies the same way.
      const workerB = await startWorkerProcess();
      await waitFor(
        async () => {
          const now = await progress();
          return now?.state === 'active' && now.stalls === 1 ? true : undefined;
        },
        120_000,
        'repair handed to B',
      );
      workerB.child.kill('SIGKILL');
      await workerB.exited;
    } finally {
      unlock();
      await holder;
    }

    // Worker C finds it stalled again and repairs.
    const workerC = await startWorkerProcess();
    const settled = await waitFor(
      async () => {
        const now = await progress();
        return now?.state === 'completed' || now?.state === 'failed' ? now.state : undefined;
      },
      120_000,
      'repair settled on C',
    );
    expect(settled).toBe<JobState>('completed');
    const outcome = (await queue.getJob(repairId))?.returnvalue;
    const repaired = outcome && 'repaired' in outcome ? outcome.repaired : [];
    expect(repaired).toContainEqual({ key: CounterKeys.userFollowers, members: 1 });
    expect(await state.zscore(CounterKeys.userFollowers, AX)).toBe('2');

    workerC.child.kill('SIGTERM');
    await workerC.exited;
  }, 420_000);
});
