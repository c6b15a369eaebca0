import { createTestRedis, eventually, type TestRedis } from '@app/testing';
import { WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { type Job, type JobState, type Queue, UnrecoverableError } from 'bullmq';

import { startSmsProcessor } from '../test/sms-processor.fixture';
import { JobProcessor } from './processor-registry';
import { JobName, QueueName } from './queue-names';

@JobProcessor(QueueName.Sms, [JobName.SendSmsCode])
class FailingSmsProcessor extends WorkerHost {
  process(job: Job): Promise<void> {
    if (job.data === null) throw new UnrecoverableError('Job has a malformed payload');
    return Promise.reject(new Error('Aliyun SendSms answered isv.BUSINESS_LIMIT_CONTROL: busy'));
  }
}

describe('ProcessorRegistry with a started worker (real Redis and BullMQ)', () => {
  let redis: TestRedis;
  let app: TestingModule;
  let queue: Queue;
  const errors: string[] = [];

  beforeAll(async () => {
    redis = createTestRedis();
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      errors.push(String(message));
    });
    ({ app, queue } = await startSmsProcessor(redis, FailingSmsProcessor));
  });

  afterAll(async () => {
    await app?.close();
    await redis?.cleanup();
    jest.restoreAllMocks();
  });

  /** Once the job is failed in Redis and the worker has told of it: it emits after its script. */
  const failed = async (id: string) => {
    await eventually(
      () => queue.getJobState(id),
      (state: JobState | 'unknown') => state === 'failed',
      `job ${id} to fail`,
    );
    await eventually(
      () => errors.filter((line) => line.startsWith(`job ${id} `)).length,
      (lines) => lines > 0,
      `job ${id}'s failure logged`,
    );
  };

  it('logs a job that failed for good once, with its reason, and none of its retried attempts', async () => {
    await queue.add(
      JobName.SendSmsCode,
      {},
      { jobId: 'send-sms-code_a', attempts: 3, backoff: 10 },
    );
    await failed('send-sms-code_a');
    expect(errors.splice(0)).toEqual([
      'job send-sms-code_a (sms/send-sms-code) failed for good after 3 attempts: Aliyun SendSms answered isv.BUSINESS_LIMIT_CONTROL: busy',
    ]);
  });

  it('logs a job refused at its first attempt', async () => {
    await queue.add(JobName.SendSmsCode, null, { jobId: 'send-sms-code_b', attempts: 3 });
    await failed('send-sms-code_b');
    expect(errors.splice(0)).toEqual([
      'job send-sms-code_b (sms/send-sms-code) failed for good after 1 attempt: Job has a malformed payload',
    ]);
  });
});
