import { REDIS_STATE, RedisLock } from '@app/cache';
import { GrpcClientModule, NEWS_COUNTER_REPAIR_GRPC, USER_COUNTER_REPAIR_GRPC } from '@app/grpc';
import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import type Redis from 'ioredis';

import type { WorkerConfig } from '../config/worker.config';
import { CounterRepairProcessor } from './counter-repair.processor';
import { CounterRepairRecord } from './counter-repair.record';
import { CounterRepairScheduler } from './counter-repair.scheduler';

export type StatisticsSettings = Pick<
  WorkerConfig,
  'NEWS_GRPC_URL' | 'USER_GRPC_URL' | 'COUNTER_REPAIR_DEADLINE_MS'
>;

/**
 * The `statistics` queue: the counter repair's schedule and processor, with the user and news
 * CounterRepairService clients; imported only when WORKER_QUEUES includes `statistics`.
 */
@Module({})
export class StatisticsModule {
  /** `queues`: the worker's registration of its queues, whose producer the scheduler uses. */
  static forRoot(settings: StatisticsSettings, queues: DynamicModule): DynamicModule {
    return {
      module: StatisticsModule,
      imports: [
        ScheduleModule.forRoot(),
        queues,
        GrpcClientModule.register([
          {
            service: NEWS_COUNTER_REPAIR_GRPC,
            url: settings.NEWS_GRPC_URL,
            deadlineMs: settings.COUNTER_REPAIR_DEADLINE_MS,
          },
          {
            service: USER_COUNTER_REPAIR_GRPC,
            url: settings.USER_GRPC_URL,
            deadlineMs: settings.COUNTER_REPAIR_DEADLINE_MS,
          },
        ]),
      ],
      providers: [
        CounterRepairProcessor,
        CounterRepairScheduler,
        {
          provide: RedisLock,
          inject: [REDIS_STATE],
          useFactory: (redis: Redis) => new RedisLock(redis),
        },
        {
          provide: CounterRepairRecord,
          inject: [REDIS_STATE],
          useFactory: (redis: Redis) => new CounterRepairRecord(redis),
        },
      ],
    };
  }
}
