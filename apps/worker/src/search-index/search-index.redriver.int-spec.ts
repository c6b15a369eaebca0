import { queueConnectionOptions } from '@app/cache';
import type { searchV1 } from '@app/contracts';
import { JobName, jobId, queuePrefix, QueueName } from '@app/queue';
import { createTestRedis, eventually, type TestRedis } from '@app/testing';
import { type JobState, Queue, Worker } from 'bullmq';
import { of } from 'rxjs';

import { SearchIndexProcessor } from './search-index.processor';
import { SearchIndexRedriver } from './search-index.redriver';

const ARTICLE = '1300000000000000001';

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
    const search = {
      indexArticle: () => of({ indexed: true }),
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
});
