import { CounterStore, repairCounters } from '@app/cache';
import { newsCounterRepairV1 } from '@app/contracts';
import { groupCountSources } from '@app/database';
import { Controller } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { NEWS_COUNTER_QUERIES } from './news-counter-queries';

@Controller()
@newsCounterRepairV1.CounterRepairServiceControllerMethods()
export class CounterRepairGrpcController implements newsCounterRepairV1.CounterRepairServiceController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counters: CounterStore,
  ) {}

  async repairCounters(): Promise<newsCounterRepairV1.RepairCountersResponse> {
    return { counters: await repairCounters(this.counters, groupCountSources(this.dataSource, NEWS_COUNTER_QUERIES)) };
  }
}
