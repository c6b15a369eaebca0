import { queueConnectionOptions } from '@app/cache';
import { loadConfig } from '@app/config';
import { JobName, jobId, jobOptionsFor, QueueModule, queuePrefix, QueueName } from '@app/queue';
import { eventually, freePort } from '@app/testing';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import { type JobState, Queue, QueueEvents, Worker } from 'bullmq';

import { newsEnvSchema } from '../../apps/news/src/config/news.config';
import { startNewsService } from '../../apps/news/src/main';
import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { type RunningWorker, startWorker } from '../../apps/worker/src/main';
import { SearchIndexRedriver } from '../../apps/worker/src/search-index/search-index.redriver';
import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

/** How long a job may take to reach the state a test waits for. */
const JOB_WITHIN_MS = 20_000;

const AUTHOR = '1294287382374383616';
const ARTICLE = '1500000000000000201';

async function startSearchIndexWorker(stack: ArticleStack): Promise<RunningWorker> {
  return startWorker(
    loadConfig(workerEnvSchema, {
      ...stack.env,
      WORKER_QUEUES: QueueName.SearchIndex,
      WORKER_PORT: String(await freePort()),
      HTTP_HOST: '127.0.0.1',
      SEARCH_REDRIVE_INTERVAL_MS: '1000',
    }),
  );
}

/** The ids of the articles a search for 量子计算 finds through the gateway; undefined on an error. */
async function searchResults(stack: ArticleStack): Promise<string[] | undefined> {
  const response = await stack.gateway.inject({
    method: 'GET',
    url: `/app/v1_0/search?q=${encodeURIComponent('量子计算')}`,
  });
  if (response.statusCode !== 200) return undefined;
  return response
    .json<{ data: { results: Array<{ art_id: string }> } }>()
    .data.results.map((card) => card.art_id);
}

async function startSeededStack(): Promise<ArticleStack> {
  const stack = await startArticleStack();
  await seedUsers(stack, [{ id: AUTHOR, name: 'author' }]);
  await seedArticles(stack, [
    {
      id: ARTICLE,
      authorId: AUTHOR,
      channelId: 1,
      title: '量子计算入门',
      status: 2,
      createdAt: '2026-01-02 03:04:05',
    },
  ]);
  return stack;
}

describe('search index jobs that used up their attempts (e2e: worker, news, gateway)', () => {
  let stack: ArticleStack;
  let worker: RunningWorker;
  let producerContext: TestingModule;
  let queue: Queue;

  beforeAll(async () => {
    stack = await startSeededStack();
    worker = await startSearchIndexWorker(stack);
    producerContext = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({ queueUrl: stack.redis.queueUrl, keyPrefix: stack.redis.prefix }),
        QueueModule.registerQueues(QueueName.SearchIndex),
      ],
    }).compile();
    await producerContext.init();
    queue = producerContext.get<Queue>(getQueueToken(QueueName.SearchIndex));
  }, 60_000);

  afterAll(async () => {
    await producerContext?.close();
    await worker?.close();
    await stack?.close();
  });

  it('runs an approval’s job again once news is back, where the article stayed unsearchable for good', async () => {
    await stack.newsService?.close();
    stack.newsService = undefined;
    // News down through every attempt (two here, where the producer gives twelve over about 34 minutes).
    const id = jobId(JobName.IndexArticle, ARTICLE, 'approve', 1);
    await queue.add(
      JobName.IndexArticle,
      { articleId: ARTICLE, reason: 'approve' },
      { jobId: id, attempts: 2, backoff: { type: 'fixed', delay: 100 } },
    );
    await eventually(
      () => queue.getJobState(id),
      (state: JobState | 'unknown') => state === 'failed',
      'the job to fail',
      JOB_WITHIN_MS,
    );

    stack.newsService = await startNewsService(loadConfig(newsEnvSchema, stack.env));
    expect(
      await eventually(
        () => queue.getJobState(id),
        (state: JobState | 'unknown') => state === 'completed',
        'the job to run again',
        JOB_WITHIN_MS,
      ),
    ).toBe('completed');
    expect(
      await eventually(
        () => searchResults(stack),
        (ids) => ids !== undefined,
        'a search',
        JOB_WITHIN_MS,
      ),
    ).toEqual([ARTICLE]);
  }, 60_000);

  it('leaves a job refused for good (a malformed payload) failed', async () => {
    const id = jobId(JobName.IndexArticle, 'malformed');
    await queue.add(JobName.IndexArticle, { articleId: 'x' }, { jobId: id, attempts: 3 });
    await eventually(
      () => queue.getJobState(id),
      (state: JobState | 'unknown') => state === 'failed',
      'the job to fail',
      JOB_WITHIN_MS,
    );
    // Two rounds of the redriver, the second begun once the job had failed (the first may be one
    // already running): neither moves it.
    const redriver = worker.app.get(SearchIndexRedriver);
    expect([await redriver.redrive(), await redriver.redrive()]).toEqual([0, 0]);
    const job = await queue.getJob(id);
    expect([await job?.getState(), job?.attemptsMade]).toEqual(['failed', 1]);
  });
});

// A stack of its own: the search-index worker's stalled check (every 30 s, which holds the queue's
// stalled-check key as long) must not yet run while another worker finds the job stalled.
describe('search index jobs that BullMQ failed as stalled (e2e: worker, news, gateway)', () => {
  let stack: ArticleStack;
  let worker: RunningWorker | undefined;
  let queue: Queue;
  let events: QueueEvents | undefined;
  let queueOptions: { connection: ReturnType<typeof queueConnectionOptions>; prefix: string };

  beforeAll(async () => {
    stack = await startSeededStack();
    queueOptions = {
      connection: queueConnectionOptions(stack.redis.queueUrl),
      prefix: queuePrefix(stack.redis.prefix),
    };
    queue = new Queue(QueueName.SearchIndex, queueOptions);
  }, 60_000);

  afterAll(async () => {
    await events?.close();
    await worker?.close();
    await queue?.close();
    await stack?.close();
  });

  it('runs again an approval’s job whose workers were killed mid-job, where it stayed failed with attempts left', async () => {
    const id = jobId(JobName.IndexArticle, ARTICLE, 'approve', 1);
    await queue.add(
      JobName.IndexArticle,
      { articleId: ARTICLE, reason: 'approve' },
      { ...jobOptionsFor(JobName.IndexArticle), jobId: id },
    );
    // A worker killed mid-job: it holds the job and no longer renews its lock. (Its own stalled
    // check would hold the queue's stalled-check key for 30 s.)
    const killed = new Worker(QueueName.SearchIndex, () => new Promise<never>(() => undefined), {
      ...queueOptions,
      lockDuration: 1_000,
      skipStalledCheck: true,
    });
    await eventually(
      () => queue.getJobState(id),
      (state: JobState | 'unknown') => state === 'active',
      'the job to be taken',
      JOB_WITHIN_MS,
    );
    await killed.close(true);
    // Another worker, allowing no stall, finds it stalled once its lock expired; BullMQ fails it
    // (attempts left or not) when a worker next takes it.
    const checker = new Worker(QueueName.SearchIndex, null, {
      ...queueOptions,
      autorun: false,
      maxStalledCount: 0,
      stalledInterval: 200,
    });
    const stalled = new Promise<string>((resolve) => checker.once('stalled', resolve));
    await checker.startStalledCheckTimer();
    expect(await stalled).toBe(id);
    await checker.close();

    const failures: string[] = [];
    events = new QueueEvents(QueueName.SearchIndex, { ...queueOptions, lastEventId: '0' });
    events.on('failed', ({ jobId: failedId, failedReason }) => {
      if (failedId === id) failures.push(failedReason);
    });
    await events.waitUntilReady();
    worker = await startSearchIndexWorker(stack);
    expect(
      await eventually(
        () => queue.getJobState(id),
        (state: JobState | 'unknown') => state === 'completed',
        'the job to run again',
        JOB_WITHIN_MS,
      ),
    ).toBe('completed');
    expect(failures).toEqual(['job stalled more than allowable limit']);
    expect(
      await eventually(
        () => searchResults(stack),
        (ids) => ids !== undefined,
        'a search',
        JOB_WITHIN_MS,
      ),
    ).toEqual([ARTICLE]);
  }, 60_000);
});
