import { queueConnectionOptions } from '@app/cache';
import { mysqlDataSourceOptions } from '@app/database';
import { JobName, JobProducer, QueueName, queuePrefix } from '@app/queue';
import {
  createTestDatabase,
  createTestRedis,
  eventually,
  type RedisServer,
  startRedisServer,
  type TestDatabase,
  type TestRedis,
} from '@app/testing';
import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

import { NEWS_SCHEMA } from '../database/news-schema';
import { articleChangeJobs } from './article-jobs';
import { writeOutboxJobs } from './job-outbox';
import { JobOutboxRelay, OUTBOX_PROBE_SQL, RELAY_BATCH } from './job-outbox.relay';

const ARTICLE = '1300000000000000001';
const OTHER = '1300000000000000002';

describe('JobOutboxRelay (real MariaDB and Redis)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let redis: TestRedis;
  const opened: Queue[] = [];

  const queuesOn = (queueUrl: string) => {
    const options = {
      connection: queueConnectionOptions(queueUrl),
      prefix: queuePrefix(redis.prefix),
    };
    const queues = [
      new Queue(QueueName.SearchIndex, options),
      new Queue(QueueName.Candidates, options),
    ];
    opened.push(...queues);
    return queues;
  };
  const relayOn = (queues: Queue[]) =>
    new JobOutboxRelay(dataSource, new JobProducer(queues), { OUTBOX_RELAY_INTERVAL_MS: 60_000 });
  const outboxSize = async () =>
    Number(
      (await dataSource.query<Array<{ n: string }>>('SELECT COUNT(*) AS n FROM news_job_outbox'))[0]
        .n,
    );
  const commit = (jobs: Parameters<typeof writeOutboxJobs>[1]) =>
    dataSource.transaction((manager) => writeOutboxJobs(manager, jobs));

  beforeAll(async () => {
    database = await createTestDatabase([NEWS_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, NEWS_SCHEMA),
    ).initialize();
    redis = createTestRedis();
  });

  afterEach(async () => {
    await dataSource.query('DELETE FROM news_job_outbox');
  });

  afterAll(async () => {
    await Promise.all(opened.map((queue) => queue.close()));
    await redis?.cleanup();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('enqueues the jobs of a committed change once and empties the outbox; a rolled-back change leaves none', async () => {
    const [search, candidates] = queuesOn(redis.queueUrl);
    const relay = relayOn([search, candidates]);
    const [index, refresh] = articleChangeJobs(ARTICLE, 'approve', '7');
    await commit(articleChangeJobs(ARTICLE, 'approve', '7'));
    await expect(
      dataSource.transaction(async (manager) => {
        await writeOutboxJobs(manager, articleChangeJobs(OTHER, 'approve', '8'));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await outboxSize()).toBe(2);

    await relay.relay();
    expect((await search.getJob(index.jobId))?.data).toEqual({
      articleId: ARTICLE,
      reason: 'approve',
    });
    expect((await candidates.getJob(refresh.jobId))?.data).toEqual({ articleId: ARTICLE });
    expect(await search.getJob(articleChangeJobs(OTHER, 'approve', '8')[0].jobId)).toBeUndefined();
    expect(await outboxSize()).toBe(0);

    // Relayed again (the row outlived its enqueue): still one job of that id.
    await commit([index]);
    await relay.relay();
    expect(
      await search.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed'),
    ).toBe(1);
    expect(await outboxSize()).toBe(0);
  });

  it('looks for rows with one read and opens no transaction while the outbox is empty', async () => {
    const relay = relayOn(queuesOn(redis.queueUrl));
    const transaction = jest.spyOn(dataSource, 'transaction');
    const query = jest.spyOn(dataSource, 'query');
    await relay.relay();
    expect(query.mock.calls).toEqual([[OUTBOX_PROBE_SQL]]);
    expect(transaction).not.toHaveBeenCalled();
    transaction.mockRestore();
    query.mockRestore();
  });

  it('keeps the rows while the queue Redis is down and relays them once it is back', async () => {
    const server: RedisServer = await startRedisServer({ appendOnly: false });
    const queues = queuesOn(`${server.url}/2`);
    try {
      const relay = relayOn(queues);
      await Promise.all(queues.map((queue) => queue.waitUntilReady()));
      await server.crash();
      await commit(articleChangeJobs(ARTICLE, 'edit', '9'));
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const started = Date.now();
      await relay.relay();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('not connected'));
      warn.mockRestore();
      expect(await outboxSize()).toBe(2);

      await server.start();
      const deadline = Date.now() + 10_000;
      while (!(await new JobProducer(queues).connected()) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await relay.relay();
      expect(await outboxSize()).toBe(0);
      expect(
        await queues[0].getJob(articleChangeJobs(ARTICLE, 'edit', '9')[0].jobId),
      ).toBeDefined();
    } finally {
      await Promise.all(opened.splice(-2).map((queue) => queue.close()));
      await server.remove();
    }
  });

  it('lets article changes commit their jobs while a batch waits for a queue Redis that hangs', async () => {
    const server: RedisServer = await startRedisServer({ appendOnly: false });
    const queues = queuesOn(`${server.url}/2`);
    const change = dataSource.createQueryRunner();
    try {
      const relay = relayOn(queues);
      await Promise.all(queues.map((queue) => queue.waitUntilReady()));
      await commit(articleChangeJobs(ARTICLE, 'edit', '14'));
      server.freeze();
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      // The batch is read and locked, then waits for the queue (up to 5 s) before it rolls back.
      const relaying = relay.relay();
      await eventually(
        () =>
          dataSource.query<unknown[]>(
            `SELECT 1 FROM information_schema.INNODB_TRX t
             JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
             WHERE p.DB = DATABASE() AND t.trx_rows_locked > 0`,
          ),
        (transactions) => transactions.length > 0,
        'the batch to be read',
      );
      // An article change meanwhile, giving up on a lock after 1 s.
      await change.connect();
      await change.query('SET SESSION innodb_lock_wait_timeout = 1');
      await change.startTransaction();
      await writeOutboxJobs(change.manager, articleChangeJobs(OTHER, 'edit', '15'));
      await change.commitTransaction();
      await relaying;
      warn.mockRestore();
      server.thaw();
      expect(await outboxSize()).toBe(4);
    } finally {
      server.thaw();
      if (change.isTransactionActive) await change.rollbackTransaction();
      await change.release();
      await Promise.all(opened.splice(-2).map((queue) => queue.close()));
      await server.remove();
    }
  });

  it('drops a row that is no job, and relays the rows behind it', async () => {
    const [search, candidates] = queuesOn(redis.queueUrl);
    await dataSource.query(
      "INSERT INTO news_job_outbox (job_name, job_id, payload) VALUES ('no-such-job', 'x_1', '{}'), (?, 'y_1', 'not json')",
      [JobName.IndexArticle],
    );
    await commit(articleChangeJobs(OTHER, 'delete', '10'));
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await relayOn([search, candidates]).relay();
    expect(logged).toHaveBeenCalledTimes(2);
    logged.mockRestore();
    expect(await outboxSize()).toBe(0);
    expect(await search.getJob(articleChangeJobs(OTHER, 'delete', '10')[0].jobId)).toBeDefined();
  });

  it('drops a row BullMQ would refuse (its id, a queue news does not feed), and relays the rows behind it', async () => {
    const [search, candidates] = queuesOn(redis.queueUrl);
    const payload = JSON.stringify({ articleId: ARTICLE, reason: 'edit' });
    // Hand-made, or written by another release: an integer id, an id with ':', a job of a queue
    // news has no producer for.
    await dataSource.query(
      'INSERT INTO news_job_outbox (job_name, job_id, payload) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)',
      [
        JobName.IndexArticle,
        '42',
        payload,
        JobName.IndexArticle,
        'index-article:1',
        payload,
        JobName.SendSmsCode,
        'send-sms-code_1',
        JSON.stringify({ mobile: '13911111111', code: '123456', scope: 'app' }),
      ],
    );
    await commit(articleChangeJobs(OTHER, 'delete', '11'));
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await relayOn([search, candidates]).relay();
    expect(warned).not.toHaveBeenCalled();
    expect(logged).toHaveBeenCalledTimes(3);
    logged.mockRestore();
    warned.mockRestore();
    expect(await outboxSize()).toBe(0);
    expect(await search.getJob(articleChangeJobs(OTHER, 'delete', '11')[0].jobId)).toBeDefined();
    expect(await search.getJob('42')).toBeUndefined();
  });

  it('drops a row of a job news does not feed without logging its payload (an SMS code)', async () => {
    const [search, candidates] = queuesOn(redis.queueUrl);
    const sms = JSON.stringify({ mobile: '13911111111', code: '482913', scope: 'app' });
    await dataSource.query(
      'INSERT INTO news_job_outbox (job_name, job_id, payload) VALUES (?, ?, ?), (?, ?, ?)',
      [
        JobName.SendSmsCode,
        'send-sms-code_2',
        sms,
        JobName.SendSmsCode,
        'send-sms-code_3',
        `${sms}}`,
      ],
    );
    const messages: string[] = [];
    const logged = jest
      .spyOn(Logger.prototype, 'error')
      .mockImplementation((message: unknown) => void messages.push(String(message)));
    await relayOn([search, candidates]).relay();
    logged.mockRestore();
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(message).not.toContain('482913');
    expect(await outboxSize()).toBe(0);
  });

  it('relays the committed rows while a change that wrote rows is still committing', async () => {
    const [search, candidates] = queuesOn(redis.queueUrl);
    const committed = Array.from({ length: 30 }, (_, index) =>
      articleChangeJobs(ARTICLE, 'edit', `c${index}`),
    ).flat();
    await commit(committed);
    // An article change between its outbox insert and its commit (another replica's batch is
    // locked the same way): its rows are skipped, and no other row may wait for it.
    const change = dataSource.createQueryRunner();
    await change.connect();
    await change.startTransaction();
    try {
      await writeOutboxJobs(change.manager, articleChangeJobs(OTHER, 'edit', '13'));
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      void relayOn([search, candidates]).relay();
      await eventually(outboxSize, (size) => size === 0, 'the committed rows to be relayed');
      warn.mockRestore();
      expect(await search.getJob(committed[0].jobId)).toBeDefined();
      await change.commitTransaction();
    } finally {
      if (change.isTransactionActive) await change.rollbackTransaction();
      await change.release();
    }
    expect(await outboxSize()).toBe(2);
  });

  it('lets two replicas relay at once: every row becomes one job', async () => {
    const queues = queuesOn(redis.queueUrl);
    const changes = Array.from(
      { length: RELAY_BATCH + 50 },
      (_, index) => articleChangeJobs(ARTICLE, 'edit', `r${index}`)[1],
    );
    await commit(changes);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await Promise.all([relayOn(queues).relay(), relayOn(queuesOn(redis.queueUrl)).relay()]);
    // Neither waited for the other's rows, nor deadlocked with it.
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(await outboxSize()).toBe(0);
    const ids = new Set((await queues[1].getJobs(['waiting'], 0, -1)).map((job) => job.id));
    for (const change of changes) expect(ids.has(change.jobId)).toBe(true);
  });
});
