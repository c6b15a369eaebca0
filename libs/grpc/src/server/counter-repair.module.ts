import { type CounterKey, CounterStore, REDIS_STATE } from '@app/cache';
import { counterRepairV1 } from '@app/contracts';
import { groupCounts, type GroupCountQuery } from '@app/database';
import { Controller, type DynamicModule, Inject, Module, type Type } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';

/** What one counter counts in the serving app's tables. */
export interface CounterQuery {
  key: CounterKey;
  query: GroupCountQuery;
}

/** A count the app keeps in a column of its own tables, rebuilt from its rows by its own statements. */
export interface ColumnCounterRepair {
  /** `table.column`, as the repair's answer names it. */
  key: string;
  /** Rebuilds the column; answers how many rows hold a count above zero. */
  repair(dataSource: DataSource): Promise<number>;
}

/** A column repair, or an injectable class of one that needs the app's providers (a gRPC client, say). */
export type ColumnCounterRepairSource = ColumnCounterRepair | Type<ColumnCounterRepair>;

const COUNTER_QUERIES = Symbol('COUNTER_QUERIES');
const COLUMN_REPAIRS = Symbol('COLUMN_REPAIRS');

@Controller()
@counterRepairV1.CounterRepairServiceControllerMethods()
class CounterRepairGrpcController implements counterRepairV1.CounterRepairServiceController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counters: CounterStore,
    @Inject(COUNTER_QUERIES) private readonly queries: readonly CounterQuery[],
    @Inject(COLUMN_REPAIRS) private readonly columns: readonly ColumnCounterRepair[],
  ) {}

  /**
   * Replaces each counter, one after another, with what its query counts. Increments never stop
   * for it: those made while a counter is rebuilt are kept (`CounterStore.replace`).
   */
  async repairCounters(): Promise<counterRepairV1.RepairCountersResponse> {
    const counters: counterRepairV1.RepairedCounter[] = [];
    for (const { key, query } of this.queries) {
      counters.push({
        key,
        members: await this.counters.replace(key, groupCounts(this.dataSource, query)),
      });
    }
    for (const column of this.columns)
      counters.push({ key: column.key, members: await column.repair(this.dataSource) });
    return { counters };
  }
}

/**
 * `toutiao.counters.v1.CounterRepairService` for an app that owns counters: the worker's repair
 * job rebuilds them from the app's tables through it, one `GroupCountQuery` per Redis counter and
 * one `ColumnCounterRepair` per count column.
 */
@Module({})
export class CounterRepairModule {
  static forQueries(
    queries: readonly CounterQuery[],
    columns: readonly ColumnCounterRepairSource[] = [],
  ): DynamicModule {
    const classes = columns.filter(
      (column): column is Type<ColumnCounterRepair> => typeof column === 'function',
    );
    return {
      module: CounterRepairModule,
      controllers: [CounterRepairGrpcController],
      providers: [
        { provide: COUNTER_QUERIES, useValue: queries },
        ...classes,
        {
          provide: COLUMN_REPAIRS,
          inject: classes,
          useFactory: (...built: ColumnCounterRepair[]): ColumnCounterRepair[] =>
            columns.map((column) =>
              typeof column === 'function' ? built[classes.indexOf(column)] : column,
            ),
        },
        {
          provide: CounterStore,
          inject: [REDIS_STATE],
          useFactory: (redis: Redis) => new CounterStore(redis),
        },
      ],
    };
  }
}
