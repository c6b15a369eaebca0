import { queueConnectionOptions } from '@app/cache';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import type { Queue } from 'bullmq';

import { JobProducer } from './job-producer';
import { DEFAULT_JOB_OPTIONS } from './job-options';
import { QueueHealth, queueHealthClient } from './queue.health';
import { logQueueOutages } from './queue-outage-log';
import type { QueueName } from './queue-names';

const queueLogger = new Logger('Queue');

/** Where BullMQ keeps its keys: the queue Redis URL and the deployment's key prefix. */
export interface QueueRootOptions {
  queueUrl: string;
  keyPrefix: string;
}

/**
 * BullMQ's key prefix. BullMQ forbids ioredis' keyPrefix, so the deployment prefix goes into
 * BullMQ's own `prefix` and test runs or deployments sharing a server never collide.
 */
export function queuePrefix(keyPrefix: string): string {
  return `${keyPrefix}bull`;
}

/** BullMQ wiring: `forRoot` once per app, `registerQueues` where jobs are produced. */
@Module({})
export class QueueModule {
  /** Global BullMQ connection and prefix, plus {@link QueueHealth} for readiness probes. */
  static forRoot(options: QueueRootOptions): DynamicModule {
    const connection = queueConnectionOptions(options.queueUrl);
    return {
      module: QueueModule,
      global: true,
      imports: [BullModule.forRoot({ connection, prefix: queuePrefix(options.keyPrefix) })],
      providers: [
        {
          provide: QueueHealth,
          useFactory: () => new QueueHealth(queueHealthClient(options.queueUrl)),
        },
      ],
      exports: [QueueHealth],
    };
  }

  /** Registers the queues with the default job options and provides a {@link JobProducer} for them. */
  static registerQueues(...names: QueueName[]): DynamicModule {
    const queues = BullModule.registerQueue(
      ...names.map((name) => ({ name, defaultJobOptions: { ...DEFAULT_JOB_OPTIONS } })),
    );
    return {
      module: QueueModule,
      imports: [queues],
      providers: [
        {
          provide: JobProducer,
          inject: names.map((name) => getQueueToken(name)),
          useFactory: async (...registered: Queue[]) => {
            for (const queue of registered) {
              logQueueOutages(queue, `queue ${queue.name}`, queueLogger);
            }
            // BullMQ (5.x) re-emits a failed connection set-up after close() removed every
            // listener, which throws if a queue is closed while still connecting; so boot waits.
            await Promise.all(registered.map((queue) => queue.waitUntilReady()));
            return new JobProducer(registered);
          },
        },
      ],
      exports: [queues, JobProducer],
    };
  }
}
