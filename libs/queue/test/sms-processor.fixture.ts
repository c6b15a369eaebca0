import type { TestRedis } from '@app/testing';
import { getQueueToken, type WorkerHost } from '@nestjs/bullmq';
import type { Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';

import { ProcessorRegistryModule } from '../src/processor-registry.module';
import { QueueName } from '../src/queue-names';
import { QueueModule } from '../src/queue.module';

/** The sms queue on `redis` with `processor` on a worker the registry started, and that queue. */
export async function startSmsProcessor(
  redis: TestRedis,
  processor: Type<WorkerHost>,
): Promise<{ app: TestingModule; queue: Queue }> {
  const app = await Test.createTestingModule({
    imports: [
      QueueModule.forRoot({ queueUrl: redis.queueUrl, keyPrefix: redis.prefix }),
      QueueModule.registerQueues(QueueName.Sms),
      ProcessorRegistryModule.forQueues([QueueName.Sms]),
    ],
    providers: [processor],
  }).compile();
  try {
    await app.init();
  } catch (error) {
    await app.close();
    throw error;
  }
  return { app, queue: app.get<Queue>(getQueueToken(QueueName.Sms)) };
}
