import { RedisModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { ProcessorRegistryModule, QueueModule, QueueName } from '@app/queue';
import { type DynamicModule, Module } from '@nestjs/common';

import type { WorkerConfig } from './config/worker.config';
import { WORKER_SCHEMA } from './database/worker-schema';
import { CandidatesModule } from './candidates/candidates.module';
import { HealthModule } from './health/health.module';
import { SearchIndexModule } from './search-index/search-index.module';
import { SmsModule } from './sms/sms.module';
import { StatisticsModule } from './statistics/statistics.module';

/**
 * The feature module holding each queue's processors; `undefined` until a queue gets jobs. A
 * feature that also produces jobs imports `queues`, the worker's one registration of its queues.
 */
const QUEUE_FEATURES: Record<
  QueueName,
  ((config: WorkerConfig, queues: DynamicModule) => DynamicModule) | undefined
> = {
  [QueueName.Sms]: (config) => SmsModule.forRoot(config),
  [QueueName.SearchIndex]: (config, queues) => SearchIndexModule.forRoot(config, queues),
  [QueueName.Statistics]: (config, queues) => StatisticsModule.forRoot(config, queues),
  [QueueName.Notifications]: undefined,
  [QueueName.Candidates]: (config) => CandidatesModule.forRoot(config),
};

/** The worker: BullMQ processors of the queues in WORKER_QUEUES, no HTTP stack. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    const queues = QueueModule.registerQueues(...config.WORKER_QUEUES);
    const features = config.WORKER_QUEUES.flatMap(
      (queue) => QUEUE_FEATURES[queue]?.(config, queues) ?? [],
    );
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forValue(config),
        AppLoggerModule.forRoot(config, 'worker'),
        DatabaseModule.forRoot(config, WORKER_SCHEMA),
        RedisModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          stateUrl: config.REDIS_STATE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
          commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        }),
        QueueModule.forRoot({
          queueUrl: config.REDIS_QUEUE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
        }),
        // Registering a queue also loads @nestjs/bullmq's explorer, which starts the workers.
        queues,
        ProcessorRegistryModule.forQueues(config.WORKER_QUEUES),
        HealthModule,
        ...features,
      ],
    };
  }
}
