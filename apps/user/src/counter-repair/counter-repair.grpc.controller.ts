import { CounterStore, repairCounters } from '@app/cache';
import { userCounterRepairV1 } from '@app/contracts';
import { groupCountSources } from '@app/database';
import { Controller } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { USER_COUNTER_QUERIES } from './user-counter-queries';

@Controller()
@userCounterRepairV1.CounterRepairServiceControllerMethods()
export class CounterRepairGrpcController implements userCounterRepairV1.CounterRepairServiceController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counters: CounterStore,
  ) {}

  async repairCounters(): Promise<userCounterRepairV1.RepairCountersResponse> {
    return { counters: await repairCounters(this.counters, groupCountSources(this.dataSource, USER_COUNTER_QUERIES)) };
  }
}
