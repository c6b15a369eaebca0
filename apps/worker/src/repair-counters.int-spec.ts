import { queueConnectionOptions } from '@app/cache';
import {
  JobName,
  JobProducer,
  queuePrefix,
  QueueName,
  type RepairCountersPayload,
} from '@app/queue';
import { createTestRedis, type TestRedis } from '@app/testing';
import { Queue } from 'bullmq';

import { requestCounterRepair } from './repair-counters';
import { counterRepairRetry } from './statistics/counter-repair.retry';
import { enqueueCounterRepair, scheduledMinute } from './statistics/counter-repair.scheduler';

describe('requestCounterRepair (real Redis)', () => {
  let redis: TestRedis;
  let queue: Queue<RepairCountersPayload>;

  beforeAll(() => {
    redis = createTestRedis();
    queue = new Queue(QueueName.Statistics, {
      connection: queueConnectionOptions(redis.queueUrl),
      prefix: queuePrefix(redis.prefix),
    });
  });

  afterAll(async () => {
    await queue?.close();
    await redis?.cleanup();
  });

  it('adds a repair of its own even in the minute of a scheduled one, which replicas still share', async () => {
    const now = new Date();
    const scheduled = {
      retry: counterRepairRetry('0 3 * * *', 'UTC', now),
      retryUntil: new Date(now.getTime() + 3_600_000),
    };
    const producer = new JobProducer([queue]);
    const [first, second] = await Promise.all([
      enqueueCounterRepair(producer, now, scheduled),
      enqueueCounterRepair(producer, now, scheduled),
    ]);
    expect(second).toBe(first);

    const config = { REDIS_QUEUE_URL: redis.queueUrl, REDIS_KEY_PREFIX: redis.prefix };
    const asked = await requestCounterRepair(config);
    const askedAgain = await requestCounterRepair(config);
    // Joining the scheduled job would answer its outcome, or nothing, without repairing again.
    expect(asked.jobId).not.toBe(first);
    expect(askedAgain.jobId).not.toBe(asked.jobId);
    const job = await queue.getJob(asked.jobId);
    expect(job?.name).toBe(JobName.RepairCounters);
    // Its first attempt always runs, and its retries have no end but its attempts.
    expect(job?.data).toEqual({ scheduledFor: scheduledMinute(now) });
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 3 });
  });
});
