import { queueConnectionOptions } from '@app/cache';
import { queuePrefix, QueueName } from '@app/queue';
import { startRedisServer, type RedisServer } from '@app/testing';
import { Queue } from 'bullmq';

import { WorkerMetrics } from './worker-metrics';

describe('WorkerMetrics with its queue Redis down (real Redis server)', () => {
  let server: RedisServer;
  let queue: Queue;
  let metrics: WorkerMetrics;

  beforeAll(async () => {
    server = await startRedisServer({ appendOnly: false });
    queue = new Queue(QueueName.SearchIndex, {
      connection: queueConnectionOptions(server.url),
      prefix: queuePrefix('metrics-int:'),
    });
    queue.on('error', () => undefined);
    await queue.waitUntilReady();
    await queue.add('index-article', { articleId: '1', reason: 'edit' });
    metrics = new WorkerMetrics({
      workers: () => [{ name: QueueName.SearchIndex, on: () => undefined } as never],
      queue: () => queue,
    });
  });

  afterAll(async () => {
    await queue?.disconnect();
    await server?.remove();
  });

  it('reads the backlog while the queue Redis answers', async () => {
    expect(await metrics.render()).toContain(
      'worker_queue_jobs{queue="search-index",state="waiting"} 1',
    );
  });

  it('still answers a scrape, with the process and job metrics, while the queue Redis is down, leaving its backlog out', async () => {
    await server.crash();
    const first = await metrics.render();
    expect(first).toContain('# TYPE worker_jobs_total counter');
    expect(first).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(first).not.toContain('worker_queue_jobs{queue="search-index"');
    // A scrape while the read of the one before still waits answers too.
    expect(await metrics.render()).toContain('# TYPE worker_jobs_total counter');
  });

  it('reads the backlog again once the queue Redis is back', async () => {
    await server.start(); // without persistence: back empty
    await queue.add('index-article', { articleId: '2', reason: 'edit' });
    expect(await metrics.render()).toContain(
      'worker_queue_jobs{queue="search-index",state="waiting"} 1',
    );
  });
});
