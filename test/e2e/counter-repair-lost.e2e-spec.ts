import { CounterKeys, createRedisClient, queueConnectionOptions, StateKeys } from '@app/cache';
import { loadConfig } from '@app/config';
import { JobName, QueueName, queuePrefix, type RepairCountersPayload } from '@app/queue';
import {
  createTestDatabase,
  createTestKeys,
  createTestRedis,
  eventually,
  freePort,
  testEnv,
  type TestDatabase,
  type TestKeys,
  type TestRedis,
  withTestConnection,
} from '@app/testing';
import type { INestMicroservice } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';

import { newsEnvSchema } from '../../apps/news/src/config/news.config';
import { NEWS_SCHEMA } from '../../apps/news/src/database/news-schema';
import { startNewsService } from '../../apps/news/src/main';
import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { USER_SCHEMA } from '../../apps/user/src/database/user-schema';
import { startUserService } from '../../apps/user/src/main';
import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { type RunningWorker, startWorker } from '../../apps/worker/src/main';
import type { RepairCountersResult } from '../../apps/worker/src/statistics/counter-repair.processor';
import { CounterRepairScheduler } from '../../apps/worker/src/statistics/counter-repair.scheduler';

const id = (n: number) => String(1_300_000_000_000_000_000n + BigInt(n));
const [U1, U2, AX] = [1, 2, 101].map(id);

describe('counter repair after the state Redis lost its data (e2e: two workers, news, user)', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let keys: TestKeys;
  let state: Redis;
  let news: INestMicroservice;
  let user: INestMicroservice;
  let queue: Queue<RepairCountersPayload, RepairCountersResult>;
  let workers: RunningWorker[] = [];

  const followers = () => state.zscore(CounterKeys.userFollowers, AX);
  const repairJobIds = async () =>
    (await queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']))
      .filter((job) => job.id?.startsWith(`${JobName.RepairCounters}_`))
      .map((job) => job.id);

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
    const env = testEnv(database.settings, redis, {
      USER_GRPC_PORT: userPort,
      NEWS_GRPC_PORT: newsPort,
      USER_GRPC_URL: `127.0.0.1:${userPort}`,
      NEWS_GRPC_URL: `127.0.0.1:${newsPort}`,
      WORKER_QUEUES: QueueName.Statistics,
      // Never fires while the test runs: every repair here is one the workers asked for themselves.
      COUNTER_REPAIR_CRON: '0 3 29 2 *',
      JWT_KEYS_DIR: keys.dir,
      JWT_SIGNING_KID: keys.kid,
    });
    user = await startUserService(loadConfig(userEnvSchema, env));
    news = await startNewsService(loadConfig(newsEnvSchema, env));
    state = createRedisClient(redis.stateUrl, redis.prefix);
    queue = new Queue(QueueName.Statistics, {
      connection: queueConnectionOptions(redis.queueUrl),
      prefix: queuePrefix(redis.prefix),
    });
    // Two replicas starting together on a state Redis that holds no counters and no record of a repair.
    workers = await Promise.all(
      [0, 1].map(async () =>
        startWorker(loadConfig(workerEnvSchema, { ...env, WORKER_PORT: String(await freePort()) })),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await queue?.close();
    await news?.close();
    await user?.close();
    await state?.quit();
    await redis?.cleanup();
    await database?.drop();
    keys?.remove();
  });

  it('repairs at once when workers start on a state Redis without a repair recorded: one job for the replicas', async () => {
    await eventually(
      followers,
      (count) => count === '2',
      'the followers counted again',
      15_000,
      100,
    );
    expect(await state.zscore(CounterKeys.userFollowings, U1)).toBe('1');
    const ids = await repairJobIds();
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^repair-counters_lost_\d+$/);
    expect(await state.exists(StateKeys.counterRepairedAt)).toBe(1);
    // Kept for good: the next check finds the counters repaired.
    expect(await state.pttl(StateKeys.counterRepairedAt)).toBe(-1);
  });

  it('repairs once when the running workers find the state Redis emptied, and not while it keeps its record', async () => {
    // Finished, lock released: a repair asked for while it runs completes as skipped (its next check repairs).
    const finished = async () => (await queue.getJobs(['completed'])).map((job) => job.id);
    await eventually(
      finished,
      (ids) => ids.length === 1,
      'the start-up repair to finish',
      15_000,
      100,
    );
    const schedulers = workers.map((worker) => worker.app.get(CounterRepairScheduler));
    expect(await schedulers[0].repairIfLost(new Date())).toBeUndefined();

    // What a restart without persistence, or a failover to an empty replica, leaves.
    await state.del(
      StateKeys.counterRepairedAt,
      CounterKeys.userFollowers,
      CounterKeys.userFollowings,
    );
    const [first, second] = await Promise.all(
      schedulers.map((scheduler) => scheduler.repairIfLost(new Date())),
    );
    expect(first).toMatch(/^repair-counters_lost_\d+$/);
    expect(second).toBe(first);
    await eventually(
      followers,
      (count) => count === '2',
      'the followers counted again',
      15_000,
      100,
    );
    expect(await repairJobIds()).toHaveLength(2);
    expect(await schedulers[1].repairIfLost(new Date())).toBeUndefined();
  });
});
