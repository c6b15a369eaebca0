import { queueConnectionOptions } from '@app/cache';
import type { searchV1 } from '@app/contracts';
import { JobName, jobId, queuePrefix, QueueName } from '@app/queue';
import { createTestRedis, eventually, type TestRedis } from '@app/testing';
import { type JobState, Queue, Worker } from 'bullmq';
import { of, throwError } from 'rxjs';

import { SearchIndexProcessor } from './search-index.processor';
import { REDRIVE_BATCH, SearchIndexRedriver } from './search-index.redriver';

const ARTICLE = '1300000000000000001';
const UNREACHABLE = '1300000000000000002';

describe('SearchIndexRedriver (real Redis and BullMQ)', () => {
  let redis: TestRedis;
  let queue: Queue;
  let worker: Worker;
  let redriver: SearchIndexRedriver;

  const failed = (id: string) =>
    eventually(
      () => queue.getJobState(id),
      (state: JobState | 'unknown') => state === 'failed',
      `job ${id} to fail`,
    );

  beforeAll(() => {
    redis = createTestRedis();
    const options = {
      connection: queueConnectionOptions(redis.queueUrl),
      prefix: queuePrefix(redis.prefix),
    };
    queue = new Queue(QueueName.SearchIndex, options);
    // News answers every article but UNREACHABLE's.
    const search = {
      indexArticle: ({ articleId }: { articleId: string }) =>
        articleId === UNREACHABLE
          ? throwError(() => new Error('14 UNAVAILABLE: No connection established'))
          : of({ indexed: true }),
    } as unknown as searchV1.SearchServiceClient;
    const processor = new SearchIndexProcessor(search);
    worker = new Worker(QueueName.SearchIndex, (job) => processor.process(job), options);
    redriver = new SearchIndexRedriver(queue, { SEARCH_REDRIVE_INTERVAL_MS: 60_000 });
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await redis?.cleanup();
  });

  // Added by hand (a Queue without the producer's options, as a queue board or a script adds one):
  // no attempts, BullMQ's 0, so it had "used them all up" at its first failure.
  it.each([
    ['a malformed payload', JobName.IndexArticle, { articleId: 'x' }],
    [
      'a job name the queue has no handler for',
      'index-articles',
      { articleId: ARTICLE, reason: 'edit' },
    ],
  ])(
    'leaves a hand-made job refused for good (%s) failed, where every round ran it again',
    async (_case, name, data) => {
      const id = jobId(JobName.IndexArticle, 'hand', name.length, Object.keys(data).length);
      await queue.add(name, data, { jobId: id });
      await failed(id);

      expect(await redriver.redrive()).toBe(0);
      const job = await queue.getJob(id);
      expect([await job?.getState(), job?.attemptsMade]).toEqual(['failed', 1]);
    },
  );

  it('runs again a job that used up its attempts behind more refused jobs than a batch', async () => {
    const id = jobId(JobName.IndexArticle, UNREACHABLE, 'approve', 1);
    await queue.add(
      JobName.IndexArticle,
      { articleId: UNREACHABLE, reason: 'approve' },
      { jobId: id, attempts: 1 },
    );
    await failed(id);
    // Failed later, so listed first: a release that wrote malformed payloads.
    const refused = Array.from({ length: REDRIVE_BATCH + 10 }, (_, index) => ({
      name: JobName.IndexArticle,
      data: { articleId: `x${index}`, reason: 'edit' },
      opts: { jobId: jobId(JobName.IndexArticle, 'refused', index), attempts: 12 },
    }));
    await queue.addBulk(refused);
    await eventually(
      () => queue.getFailedCount(),
      (count) => count >= refused.length + 1,
      'the refused jobs to fail',
      30_000,
    );

    expect(await redriver.redrive()).toBe(1);
  });
});
