import { CounterKeys, createRedisClient, RedisLock, StateKeys } from '@app/cache';
import { loadConfig } from '@app/config';
import { JobName, QueueModule, QueueName, type RepairCountersPayload } from '@app/queue';
import {
  createTestDatabase,
  createTestKeys,
  createTestRedis,
  freePort,
  grpcHealthStatus,
  testEnv,
  type TestDatabase,
  type TestKeys,
  type TestRedis,
  withTestConnection,
} from '@app/testing';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestMicroservice } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Job, Queue } from 'bullmq';
import type Redis from 'ioredis';

import { newsEnvSchema } from '../../apps/news/src/config/news.config';
import { NEWS_SCHEMA } from '../../apps/news/src/database/news-schema';
import { startNewsService } from '../../apps/news/src/main';
import { userEnvSchema } from '../../apps/user/src/config/user.config';
import { USER_SCHEMA } from '../../apps/user/src/database/user-schema';
import { startUserService } from '../../apps/user/src/main';
import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { type RunningWorker, startWorker } from '../../apps/worker/src/main';
import { requestCounterRepair } from '../../apps/worker/src/repair-counters';
import {
  CounterRepairProcessor,
  type RepairCountersResult,
} from '../../apps/worker/src/statistics/counter-repair.processor';
import {
  counterRepairRetry,
  counterRepairRetryEnd,
} from '../../apps/worker/src/statistics/counter-repair.retry';
import { CounterRepairScheduler } from '../../apps/worker/src/statistics/counter-repair.scheduler';

const SLOW = 30_000;

const id = (n: number) => String(1_300_000_000_000_000_000n + BigInt(n));
const [U1, U2, U3, U4, U5, U6] = [1, 2, 3, 4, 5, 6].map(id);
const [AX, AY] = [101, 102].map(id);
const [A1, A2, A3, A4, A5] = [201, 202, 203, 204, 205].map(id);
const [C1, C2, C3, C4, C5, C6, C7] = [301, 302, 303, 304, 305, 306, 307].map(id);

/** What each counter must hold after a repair, from the rows below. */
const EXPECTED: Record<string, Record<string, number>> = {
  [CounterKeys.userArticles]: { [AX]: 2, [AY]: 1 },
  [CounterKeys.articleCollections]: { [A1]: 2, [A4]: 1 },
  [CounterKeys.userCollections]: { [U1]: 1, [U2]: 1, [U3]: 1 },
  [CounterKeys.articleLikes]: { [A1]: 1, [A2]: 1, [A4]: 1, [A5]: 1 },
  [CounterKeys.articleDislikes]: { [A1]: 1 },
  [CounterKeys.userLikesReceived]: { [AX]: 2, [AY]: 2 },
  [CounterKeys.commentLikes]: { [C1]: 2, [C5]: 1 },
  [CounterKeys.articleComments]: { [A1]: 2, [A2]: 3 },
  [CounterKeys.commentReplies]: { [C1]: 1, [C5]: 2 },
  [CounterKeys.userFollowings]: { [U1]: 2, [U2]: 1 },
  [CounterKeys.userFollowers]: { [AX]: 2, [AY]: 1 },
};

/** `news_article_statistic.fans_comment_count` after a repair: approved comments and replies by fans. */
const FANS_COMMENT_COUNT = 'news_article_statistic.fans_comment_count';
const EXPECTED_FANS_COMMENTS: Record<string, number> = {
  [A1]: 2,
  [A2]: 1,
  [A3]: 0,
  [A4]: 0,
  [A5]: 0,
};

describe('counter repair: the worker rebuilds the Redis counters from MySQL through news and user', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let keys: TestKeys;
  let state: Redis;
  let news: INestMicroservice;
  let user: INestMicroservice;
  let worker: RunningWorker;
  let producerContext: TestingModule;
  let queue: Queue<RepairCountersPayload, RepairCountersResult>;
  let userPort: number;
  let workerEnv: NodeJS.ProcessEnv;
  let newsPort: number;

  async function counter(key: string): Promise<Record<string, number>> {
    const flat = await state.zrange(key, 0, -1, 'WITHSCORES');
    const counts: Record<string, number> = {};
    for (let i = 0; i < flat.length; i += 2) counts[flat[i]] = Number(flat[i + 1]);
    return counts;
  }

  async function finished(
    jobId: string,
    timeoutMs = 20_000,
  ): Promise<Job<RepairCountersPayload, RepairCountersResult>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await queue.getJobState(jobId);
      // Read after the state: BullMQ stores the outcome and moves the job in one step.
      const job =
        state === 'completed' || state === 'failed' ? await queue.getJob(jobId) : undefined;
      if (job) return job;
      if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${state}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA, NEWS_SCHEMA]);
    redis = createTestRedis();
    keys = createTestKeys();
    await withTestConnection(database.settings, async (query) => {
      const articles: Array<[string, string, number]> = [
        [A1, AX, 2],
        [A2, AX, 2],
        [A3, AX, 0],
        [A4, AY, 2],
        [A5, AY, 5],
      ];
      for (const [article, author, status] of articles) {
        await query(
          `INSERT INTO news_article_basic (article_id, user_id, channel_id, title, cover, status) VALUES (?, ?, 1, 't', '{"type":0,"images":[]}', ?)`,
          [article, author, status],
        );
      }
      await query(
        'INSERT INTO news_collection (user_id, article_id, is_deleted) VALUES (?, ?, 0), (?, ?, 0), (?, ?, 1), (?, ?, 0)',
        [U1, A1, U2, A1, U1, A2, U3, A4],
      );
      await query(
        'INSERT INTO news_attitude (user_id, article_id, attitude) VALUES (?, ?, 1), (?, ?, 0), (?, ?, 1), (?, ?, 1), (?, ?, NULL), (?, ?, 1)',
        [U1, A1, U2, A1, U3, A4, U4, A5, U5, A1, U6, A2],
      );
      // [comment, article, parent, status, by a fan of the author]
      const comments: Array<[string, string, string | null, number, number]> = [
        [C1, A1, null, 1, 1],
        [C2, A1, C1, 1, 1],
        [C3, A1, C1, 2, 1],
        [C4, A1, null, 3, 1],
        [C5, A2, null, 1, 0],
        [C6, A2, C5, 1, 1],
        [C7, A2, C5, 1, 0],
      ];
      for (const [comment, article, parent, status, byFan] of comments) {
        await query(
          'INSERT INTO news_comment (comment_id, user_id, article_id, parent_id, content, status, by_fan) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [comment, U6, article, parent, 'c', status, byFan],
        );
      }
      // Wrong counts, and A1 without its statistic row.
      await query(
        'INSERT INTO news_article_statistic (article_id, fans_comment_count) VALUES (?, 7), (?, 3)',
        [A2, A4],
      );
      await query(
        'INSERT INTO news_comment_liking (user_id, comment_id, is_deleted) VALUES (?, ?, 0), (?, ?, 0), (?, ?, 1), (?, ?, 0)',
        [U1, C1, U2, C1, U3, C2, U4, C5],
      );
      await query(
        'INSERT INTO user_relation (user_id, target_user_id, relation) VALUES (?, ?, 1), (?, ?, 1), (?, ?, 2), (?, ?, 1), (?, ?, 0)',
        [U1, AX, U2, AX, U3, AX, U1, AY, U4, AY],
      );
    });

    [userPort, newsPort] = [await freePort(), await freePort()];
    const env = testEnv(database.settings, redis, {
      USER_GRPC_PORT: userPort,
      NEWS_GRPC_PORT: newsPort,
      USER_GRPC_URL: `127.0.0.1:${userPort}`,
      NEWS_GRPC_URL: `127.0.0.1:${newsPort}`,
      WORKER_PORT: await freePort(),
      WORKER_QUEUES: QueueName.Statistics,
      JWT_KEYS_DIR: keys.dir,
      JWT_SIGNING_KID: keys.kid,
    });
    user = await startUserService(loadConfig(userEnvSchema, env));
    news = await startNewsService(loadConfig(newsEnvSchema, env));
    workerEnv = env;
    state = createRedisClient(redis.stateUrl, redis.prefix);
    // A state Redis with a repair recorded: one without has the worker repair at start.
    await state.set(StateKeys.counterRepairedAt, String(Date.now()));
    worker = await startWorker(loadConfig(workerEnvSchema, env));

    producerContext = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({ queueUrl: redis.queueUrl, keyPrefix: redis.prefix }),
        QueueModule.registerQueues(QueueName.Statistics),
      ],
    }).compile();
    await producerContext.init();
    queue = producerContext.get<Queue<RepairCountersPayload, RepairCountersResult>>(
      getQueueToken(QueueName.Statistics),
    );
  }, SLOW);

  afterAll(async () => {
    await producerContext?.close();
    await worker?.close();
    await news?.close();
    await user?.close();
    await state?.quit();
    await redis?.cleanup();
    await database?.drop();
    keys?.remove();
  });

  it('is served by both user and news, and reported SERVING by each', async () => {
    for (const port of [userPort, newsPort]) {
      expect(
        await grpcHealthStatus(`127.0.0.1:${port}`, 'toutiao.counters.v1.CounterRepairService'),
      ).toBe('SERVING');
    }
  });

  it(
    'rebuilds every counter: lost ones come back, wrong counts and stray ids are corrected, reads are left alone',
    async () => {
      await state.del(CounterKeys.userFollowers, CounterKeys.articleComments);
      await state.zadd(CounterKeys.articleLikes, 99, A1, 5, 'stale');
      await state.zadd(CounterKeys.commentLikes, 1, C3);
      await state.zadd(CounterKeys.userArticles, 7, AX);
      await state.zadd(CounterKeys.articleReads, 42, A1);

      const jobId = await worker.app
        .get(CounterRepairScheduler)
        .enqueue(new Date('2020-02-05T19:00:10Z'));
      const job = await finished(jobId);

      expect(job.failedReason).toBeUndefined();
      const result = job.returnvalue;
      expect(
        'repaired' in result &&
          Object.fromEntries(result.repaired.map(({ key, members }) => [key, members])),
      ).toEqual({
        ...Object.fromEntries(
          Object.entries(EXPECTED).map(([key, counts]) => [key, Object.keys(counts).length]),
        ),
        [FANS_COMMENT_COUNT]: 2,
      });
      for (const [key, counts] of Object.entries(EXPECTED))
        expect([key, await counter(key)]).toEqual([key, counts]);
      const statistics = (await withTestConnection(database.settings, (query) =>
        query('SELECT article_id, fans_comment_count FROM news_article_statistic'),
      )) as Array<{ article_id: string; fans_comment_count: number }>;
      expect(
        Object.fromEntries(statistics.map((row) => [row.article_id, row.fans_comment_count])),
      ).toEqual(EXPECTED_FANS_COMMENTS);
      expect(await counter(CounterKeys.articleReads)).toEqual({ [A1]: 42 });
      expect(await redis.client('state').keys(`${redis.prefix}count:*:rebuilding:*`)).toEqual([]);
    },
    SLOW,
  );

  it(
    'runs once for the replicas whose schedules fire in the same minute: one job id, one run',
    async () => {
      const scheduler = worker.app.get(CounterRepairScheduler);
      const [first, second] = await Promise.all([
        scheduler.enqueue(new Date('2020-02-06T19:00:00.100Z')),
        scheduler.enqueue(new Date('2020-02-06T19:00:59.900Z')),
      ]);
      expect(second).toBe(first);
      const job = await finished(first);
      expect(job.attemptsMade).toBe(1);
      expect(await scheduler.enqueue(new Date('2020-02-06T19:00:30Z'))).toBe(first);
      expect(
        (await queue.getJobs(['completed', 'waiting', 'active', 'delayed'])).filter(
          (each) => each.id === first,
        ),
      ).toHaveLength(1);
    },
    SLOW,
  );

  it(
    'repairs now on demand (npm run counters:repair): the running worker takes the job and the outcome comes back',
    async () => {
      await state.zadd(CounterKeys.userFollowings, 9, U1);
      const run = await requestCounterRepair(loadConfig(workerEnvSchema, workerEnv), 20_000);
      expect(run.jobId).toMatch(/^repair-counters_requested_[0-9a-f-]{36}$/);
      expect(run.result && 'repaired' in run.result && run.result.repaired).toHaveLength(
        Object.keys(EXPECTED).length + 1,
      );
      expect(await counter(CounterKeys.userFollowings)).toEqual(
        EXPECTED[CounterKeys.userFollowings],
      );
    },
    SLOW,
  );

  it(
    'repairs when the lock was left by an earlier run of the same job that a crash cut short',
    async () => {
      const scheduled = new Date('2020-02-08T19:00:00Z');
      const jobId = `${JobName.RepairCounters}_202002081900`;
      // What a worker killed mid-repair leaves behind: the lock, held in this job's name.
      const orphan = await new RedisLock(state).acquire(JobName.RepairCounters, 60_000, jobId);
      expect(orphan).toBeDefined();
      await state.zadd(CounterKeys.articleLikes, 50, A1);
      const job = await finished(await worker.app.get(CounterRepairScheduler).enqueue(scheduled));
      expect(job.id).toBe(jobId);
      expect(job.returnvalue && 'repaired' in job.returnvalue).toBe(true);
      expect((await counter(CounterKeys.articleLikes))[A1]).toBe(
        EXPECTED[CounterKeys.articleLikes][A1],
      );
      expect(await state.exists(`lock:${JobName.RepairCounters}`)).toBe(0);
    },
    SLOW,
  );

  it('waits out a news outage at the scheduled minute: the repair retries with backoff until shortly before the next run, and runs once news is back', async () => {
    await news.close();
    let newsDown = true;
    try {
      await state.zadd(CounterKeys.articleLikes, 60, A1);
      // 03:00 (TZ) of a night next year, so its retries have not ended by the time this runs.
      const firedAt = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 11, 9, 19));
      const jobId = await worker.app.get(CounterRepairScheduler).enqueue(firedAt);
      // Retries 1 s doubling, then every 10 minutes, until 10 minutes before the next night's run.
      const { COUNTER_REPAIR_CRON, TZ } = loadConfig(workerEnvSchema, workerEnv);
      const retry = counterRepairRetry(COUNTER_REPAIR_CRON, TZ, firedAt);
      expect((await queue.getJob(jobId))?.opts).toMatchObject(retry);
      // Where it had 12 attempts, about 34 minutes.
      expect(retry.attempts).toBeGreaterThan(100);
      // The first three attempts (0, 1 and 3 s) meet news down.
      for (
        const deadline = Date.now() + 15_000;
        ;
        await new Promise((resolve) => setTimeout(resolve, 50))
      ) {
        const job = await queue.getJob(jobId);
        if ((job?.attemptsMade ?? 0) >= 3 || Date.now() > deadline) break;
      }
      expect(await queue.getJobState(jobId)).toBe('delayed');
      news = await startNewsService(loadConfig(newsEnvSchema, workerEnv));
      newsDown = false;
      const job = await finished(jobId, 40_000);
      // failedReason keeps the last failed attempt's error; the job completed all the same.
      expect(await queue.getJobState(jobId)).toBe('completed');
      expect(job.returnvalue && 'repaired' in job.returnvalue).toBe(true);
      expect((await counter(CounterKeys.articleLikes))[A1]).toBe(
        EXPECTED[CounterKeys.articleLikes][A1],
      );
    } finally {
      if (newsDown) news = await startNewsService(loadConfig(newsEnvSchema, workerEnv));
    }
  }, 60_000);

  it(
    'makes up a repair missed while no worker was up: two workers starting after it add its job once, which runs at once',
    async () => {
      await state.set(StateKeys.counterRepairedAt, String(Date.parse('2020-01-01T12:00:00Z')));
      await state.zadd(CounterKeys.articleLikes, 70, A1);
      const before = Date.now();
      const started = await Promise.all(
        [0, 1].map(async () =>
          startWorker(
            loadConfig(workerEnvSchema, { ...workerEnv, WORKER_PORT: String(await freePort()) }),
          ),
        ),
      );
      try {
        // The first 03:00 (TZ) after the last repair: 2020-01-02 03:00 in Shanghai.
        const job = await finished(`${JobName.RepairCounters}_202001011900`);
        expect(job.returnvalue && 'repaired' in job.returnvalue).toBe(true);
        expect(job.attemptsMade).toBe(1);
        expect((await counter(CounterKeys.articleLikes))[A1]).toBe(
          EXPECTED[CounterKeys.articleLikes][A1],
        );
        expect(Number(await state.get(StateKeys.counterRepairedAt))).toBeGreaterThanOrEqual(before);
      } finally {
        await Promise.all(started.map((each) => each.close()));
      }
    },
    SLOW,
  );

  it(
    'stops retrying a scheduled repair once its retries have ended, whatever attempts it has left',
    async () => {
      await news.close();
      try {
        // A repair whose retries ended long ago (10 minutes before the next night's run).
        const jobId = await worker.app
          .get(CounterRepairScheduler)
          .enqueue(new Date('2020-02-01T19:00:00Z'));
        const job = await finished(jobId);
        expect(await queue.getJobState(jobId)).toBe('failed');
        expect(job.data.retryUntil).toBe('2020-02-02T18:50:00.000Z');
        // The first attempt met news down; the retry a second later gave up, 150 attempts left.
        expect(job.opts.attempts).toBeGreaterThan(100);
        expect(job.attemptsMade).toBe(2);
        expect(job.failedReason).toBe(
          `counter repair ${jobId} gives up on attempt 2: its retries ended at 2020-02-02T18:50:00.000Z, shortly before the next scheduled repair, which takes over`,
        );
      } finally {
        news = await startNewsService(loadConfig(newsEnvSchema, workerEnv));
      }
    },
    SLOW,
  );

  it(
    'makes up a missed repair whose job had failed for good (news down through its attempts) when a worker starts',
    async () => {
      const jobId = `${JobName.RepairCounters}_202001021900`;
      await news.close();
      let newsDown = true;
      try {
        // That night's job, which used up its attempts while news was down, its retries long ended.
        await queue.add(
          JobName.RepairCounters,
          { scheduledFor: '202001021900', retryUntil: '2020-01-03T18:50:00.000Z' },
          { jobId, attempts: 1 },
        );
        expect((await finished(jobId)).failedReason).toMatch(/UNAVAILABLE/);
        news = await startNewsService(loadConfig(newsEnvSchema, workerEnv));
        newsDown = false;
      } finally {
        if (newsDown) news = await startNewsService(loadConfig(newsEnvSchema, workerEnv));
      }
      // Until the worker's channel to news has reconnected, any repair fails.
      const probe = {
        id: `${JobName.RepairCounters}_202001031900`,
        name: JobName.RepairCounters,
        data: { scheduledFor: '202001031900' },
        attemptsMade: 0,
      };
      for (
        const deadline = Date.now() + 15_000;
        ;
        await new Promise((resolve) => setTimeout(resolve, 200))
      ) {
        const reached = await worker.app
          .get(CounterRepairProcessor)
          .process(probe)
          .then(
            () => true,
            () => false,
          );
        if (reached) break;
        if (Date.now() > deadline) throw new Error('the worker did not reach news again');
      }
      await state.set(StateKeys.counterRepairedAt, String(Date.parse('2020-01-02T12:00:00Z')));
      await state.zadd(CounterKeys.articleLikes, 80, A1);
      const now = new Date();
      expect(await worker.app.get(CounterRepairScheduler).catchUp(now)).toBe(jobId);
      expect(await queue.getJobState(jobId)).not.toBe('failed');
      // Its retries now end before the next run after this start, not after its own night.
      const { COUNTER_REPAIR_CRON, TZ } = loadConfig(workerEnvSchema, workerEnv);
      expect((await queue.getJob(jobId))?.data.retryUntil).toBe(
        counterRepairRetryEnd(COUNTER_REPAIR_CRON, TZ, now).toISOString(),
      );
      const job = await finished(jobId);
      expect([await queue.getJobState(jobId), job.attemptsMade, job.failedReason]).toEqual([
        'completed',
        1,
        undefined,
      ]);
      expect(job.returnvalue && 'repaired' in job.returnvalue).toBe(true);
      expect((await counter(CounterKeys.articleLikes))[A1]).toBe(
        EXPECTED[CounterKeys.articleLikes][A1],
      );
    },
    SLOW,
  );

  it(
    'repairs at once when none is recorded (a new or emptied state Redis), under an id of its own',
    async () => {
      await state.del(StateKeys.counterRepairedAt);
      await state.zadd(CounterKeys.articleLikes, 90, A1);
      const now = new Date();
      const jobId = await worker.app.get(CounterRepairScheduler).catchUp(now);
      expect(jobId).toBe(`${JobName.RepairCounters}_lost_${now.getTime()}`);
      const job = await finished(jobId ?? '');
      expect(job.returnvalue && 'repaired' in job.returnvalue).toBe(true);
      expect((await counter(CounterKeys.articleLikes))[A1]).toBe(
        EXPECTED[CounterKeys.articleLikes][A1],
      );
      expect(Number(await state.get(StateKeys.counterRepairedAt))).toBeGreaterThanOrEqual(
        now.getTime(),
      );
    },
    SLOW,
  );

  it(
    'leaves the counters to the repair that holds the lock, and changes nothing',
    async () => {
      const lease = await new RedisLock(state).acquire(JobName.RepairCounters, 60_000);
      expect(lease).toBeDefined();
      try {
        await state.zadd(CounterKeys.articleLikes, 50, A1);
        const job = await finished(
          await worker.app.get(CounterRepairScheduler).enqueue(new Date('2020-02-07T19:00:00Z')),
        );
        expect(job.returnvalue).toEqual({ skipped: 'already running' });
        expect((await counter(CounterKeys.articleLikes))[A1]).toBe(50);
      } finally {
        await lease?.release();
      }
    },
    SLOW,
  );
});
