import { queueConnectionOptions } from '@app/cache';
import { createTestRedis, eventually, type TestRedis } from '@app/testing';
import { WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { type Job, type JobState, type Queue, Worker } from 'bullmq';

import { startSmsProcessor } from '../test/sms-processor.fixture';
import { JobProcessor } from './processor-registry';
import { ProcessorRegistry } from './processor-registry.module';
import { JobName, QueueName, type SendSmsCodePayload } from './queue-names';
import { queuePrefix } from './queue.module';

const CODE = '864213';

@JobProcessor(QueueName.Sms, [JobName.SendSmsCode], { stalledInterval: 200 })
class QuickSmsProcessor extends WorkerHost {
  process(job: Job<SendSmsCodePayload>): Promise<string> {
    return Promise.resolve(job.data.scope);
  }
}

describe('a stalled job handed out again (real Redis and BullMQ)', () => {
  let redis: TestRedis;
  let app: TestingModule;
  let queue: Queue;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    redis = createTestRedis();
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    ({ app, queue } = await startSmsProcessor(redis, QuickSmsProcessor));
  });

  afterAll(async () => {
    await app?.close();
    await redis?.cleanup();
    warn.mockRestore();
  });

  it('logs one warning naming its queue, id and name, never its payload, and the job then runs', async () => {
    const [worker] = app.get(ProcessorRegistry).startedWorkers();
    await worker.pause(true);

    const payload: SendSmsCodePayload = { mobile: '13900000001', code: CODE, scope: 'app' };
    await queue.add(JobName.SendSmsCode, payload, { jobId: 'send-sms-code_stalled', attempts: 3 });
    // A worker that takes the job and dies: its lock is never renewed, nor the job finished.
    const dying = new Worker(QueueName.Sms, null, {
      connection: queueConnectionOptions(redis.queueUrl),
      prefix: queuePrefix(redis.prefix),
      autorun: false,
      lockDuration: 300,
    });
    const taken = await dying.getNextJob('dead-worker-token');
    expect(taken?.id).toBe('send-sms-code_stalled');
    await dying.close(true);

    worker.resume();
    await eventually(
      () => queue.getJobState('send-sms-code_stalled'),
      (state: JobState | 'unknown') => state === 'completed',
      'the stalled job to complete',
    );
    const lines = await eventually(
      () => warn.mock.calls.map(([line]: unknown[]) => String(line)),
      (logged) => logged.length > 0,
      'the stalled warning',
    );
    expect(lines).toEqual([
      'job send-sms-code_stalled (sms/send-sms-code) stalled (its worker gone, or blocked past its lock): handed out again, stalled 1 time so far',
    ]);
    expect(lines.join('\n')).not.toContain(CODE);
  });
});
