import { createTestRedis, type TestRedis } from '@app/testing';
import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';

import { jobId } from './job-options';
import { JobProducer } from './job-producer';
import { QueueModule } from './queue.module';
import { QueueHealth } from './queue.health';
import { JobName, QueueName } from './queue-names';

describe('JobProducer (real Redis)', () => {
  let redis: TestRedis;
  let moduleRef: TestingModule;
  let producer: JobProducer;
  let queue: Queue;

  const payload = { mobile: '13911111111', code: '123456', scope: 'app' } as const;

  beforeAll(async () => {
    redis = createTestRedis();
    moduleRef = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({ queueUrl: redis.queueUrl, keyPrefix: redis.prefix }),
        QueueModule.registerQueues(QueueName.Sms),
      ],
    }).compile();
    await moduleRef.init();
    producer = moduleRef.get(JobProducer);
    queue = moduleRef.get<Queue>(getQueueToken(QueueName.Sms));
  });

  afterAll(async () => {
    await moduleRef?.close();
    await redis?.cleanup();
  });

  it('adds a typed job to its queue under the run prefix with the default options', async () => {
    const id = jobId(JobName.SendSmsCode, 'app', payload.mobile, 1);
    await expect(producer.enqueue(JobName.SendSmsCode, payload, { jobId: id })).resolves.toBe(id);

    const job = await queue.getJob(id);
    expect(job?.name).toBe(JobName.SendSmsCode);
    expect(job?.data).toEqual(payload);
    expect(job?.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 1000 } });
    expect(await redis.client('queue').exists(`${redis.prefix}bull:sms:${id}`)).toBe(1);
  });

  it('enqueues a job id once however often it is sent', async () => {
    const id = jobId(JobName.SendSmsCode, 'app', payload.mobile, 2);
    const before = await queue.getWaitingCount();
    await producer.enqueue(JobName.SendSmsCode, payload, { jobId: id });
    await producer.enqueue(JobName.SendSmsCode, { ...payload, code: '654321' }, { jobId: id });
    expect(await queue.getWaitingCount()).toBe(before + 1);
    expect((await queue.getJob(id))?.data).toEqual(payload);
  });

  it('delays a job when asked', async () => {
    const id = jobId(JobName.SendSmsCode, 'app', payload.mobile, 3);
    await producer.enqueue(JobName.SendSmsCode, payload, { jobId: id, delayMs: 60_000 });
    expect(await queue.getJobState(id)).toBe('delayed');
  });

  it('tries a job as often as asked, in place of its own attempts and backoff', async () => {
    const id = jobId(JobName.SendSmsCode, 'app', payload.mobile, 4);
    const retry = { attempts: 40, backoff: { type: 'fixed', delay: 5_000 }, stackTraceLimit: 2 };
    await producer.enqueue(JobName.SendSmsCode, payload, { jobId: id, retry });
    expect((await queue.getJob(id))?.opts).toMatchObject({
      ...retry,
      removeOnFail: { age: 604_800 },
    });
  });

  it('refuses a job id BullMQ cannot store', async () => {
    await expect(producer.enqueue(JobName.SendSmsCode, payload, { jobId: 'a:b' })).rejects.toThrow(
      /Invalid job id/,
    );
  });

  it('refuses a job whose queue is not registered', async () => {
    await expect(
      new JobProducer([]).enqueue(JobName.SendSmsCode, payload, { jobId: 'x-1' }),
    ).rejects.toThrow('Queue "sms" for job "send-sms-code" is not registered');
  });

  it('reports the queue Redis as ready', async () => {
    await expect(moduleRef.get(QueueHealth).isReady()).resolves.toBe(true);
  });
});
