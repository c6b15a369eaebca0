import { type CounterKey, CounterStore, REDIS_STATE } from '@app/cache';
import { counterRepairV1 } from '@app/contracts';
import { groupCounts, type GroupCountQuery } from '@app/database';
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

  /**
   * Replaces each counter, one after another, with what its query counts. An increment that lands
   * between a counter's query and its swap is undone until the next repair, the same window the
   * original nightly job had; increments never stop for it.
   */
  async repairCounters(): Promise<counterRepairV1.RepairCountersResponse> {
    const counters: counterRepairV1.RepairedCounter[] = [];
    for (const { key, query } of this.queries) {
      counters.push({ key, members: await this.counters.replace(key, groupCounts(this.dataSource, query)) });
    }
    return { counters };
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
