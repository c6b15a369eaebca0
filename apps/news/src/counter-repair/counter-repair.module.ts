import { CounterStore, REDIS_STATE } from '@app/cache';
import { Module } from '@nestjs/common';
import type Redis from 'ioredis';

import { CounterRepairGrpcController } from './counter-repair.grpc.controller';

/** `CounterRepairService`: the worker's nightly job rebuilds the news counters from MySQL through it. */
@Module({
  controllers: [CounterRepairGrpcController],
  providers: [{ provide: CounterStore, inject: [REDIS_STATE], useFactory: (redis: Redis) => new CounterStore(redis) }],
})
export class CounterRepairModule {}
