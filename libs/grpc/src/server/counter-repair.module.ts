import { type CounterKey, CounterStore, REDIS_STATE, repairCounters } from '@app/cache';
import { counterRepairV1 } from '@app/contracts';
import { type GroupCountQuery, groupCountSources } from '@app/database';
import { Controller, type DynamicModule, Inject, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';

/** What one counter counts in the serving app's tables. */
export interface CounterQuery {
  key: CounterKey;
  query: GroupCountQuery;
}

const COUNTER_QUERIES = Symbol('COUNTER_QUERIES');

@Controller()
@counterRepairV1.CounterRepairServiceControllerMethods()
class CounterRepairGrpcController implements counterRepairV1.CounterRepairServiceController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counters: CounterStore,
    @Inject(COUNTER_QUERIES) private readonly queries: readonly CounterQuery[],
  ) {}

  async repairCounters(): Promise<counterRepairV1.RepairCountersResponse> {
    return { counters: await repairCounters(this.counters, groupCountSources(this.dataSource, this.queries)) };
  }
}

/**
 * `toutiao.counters.v1.CounterRepairService` for an app that owns counters: the worker's repair
 * job rebuilds them from the app's tables through it, one `GroupCountQuery` per counter.
 */
@Module({})
export class CounterRepairModule {
  static forQueries(queries: readonly CounterQuery[]): DynamicModule {
    return {
      module: CounterRepairModule,
      controllers: [CounterRepairGrpcController],
      providers: [
        { provide: COUNTER_QUERIES, useValue: queries },
        { provide: CounterStore, inject: [REDIS_STATE], useFactory: (redis: Redis) => new CounterStore(redis) },
      ],
    };
  }
}
