import { loadConfig } from '@app/config';
import { JobName, jobId, QueueModule, QueueName } from '@app/queue';
import { freePort } from '@app/testing';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import type { JobState, Queue } from 'bullmq';

import { newsEnvSchema } from '../../apps/news/src/config/news.config';
import { startNewsService } from '../../apps/news/src/main';
import { workerEnvSchema } from '../../apps/worker/src/config/worker.config';
import { type RunningWorker, startWorker } from '../../apps/worker/src/main';
import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const AUTHOR = '1294287382374383616';
const ARTICLE = '1500000000000000201';

async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('search index jobs that used up their attempts (e2e: worker, news, gateway)', () => {
  let stack: ArticleStack;
  let worker: RunningWorker;
  let producerContext: TestingModule;
  let queue: Queue;

  beforeAll(async () => {
    stack = await startArticleStack();
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
    worker = await startWorker(
      loadConfig(workerEnvSchema, {
        ...stack.env,
        WORKER_QUEUES: QueueName.SearchIndex,
        WORKER_PORT: String(await freePort()),
        HTTP_HOST: '127.0.0.1',
        SEARCH_REDRIVE_INTERVAL_MS: '1000',
      }),
    );
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
    const found = async () => {
      const response = await stack.gateway.inject({
        method: 'GET',
        url: `/app/v1_0/search?q=${encodeURIComponent('量子计算')}`,
      });
      if (response.statusCode !== 200) return undefined;
      return response
        .json<{ data: { results: Array<{ art_id: string }> } }>()
        .data.results.map((card) => card.art_id);
    };
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
    );

    stack.newsService = await startNewsService(loadConfig(newsEnvSchema, stack.env));
    expect(
      await eventually(
        () => queue.getJobState(id),
        (state: JobState | 'unknown') => state === 'completed',
        'the job to run again',
      ),
    ).toBe('completed');
    expect(await eventually(found, (ids) => ids !== undefined, 'a search')).toEqual([ARTICLE]);
  }, 60_000);

  it('leaves a job refused for good (a malformed payload) failed', async () => {
    const id = jobId(JobName.IndexArticle, 'malformed');
    await queue.add(JobName.IndexArticle, { articleId: 'x' }, { jobId: id, attempts: 3 });
    await eventually(
      () => queue.getJobState(id),
      (state: JobState | 'unknown') => state === 'failed',
      'the job to fail',
    );
    // Two rounds of the redriver.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const job = await queue.getJob(id);
    expect([await job?.getState(), job?.attemptsMade]).toEqual(['failed', 1]);
  });
});
