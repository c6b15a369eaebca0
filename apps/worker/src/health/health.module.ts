import { Module } from '@nestjs/common';

import { HealthServer } from './health-server';
import { WorkerReadiness } from './worker-readiness';

@Module({
  providers: [WorkerReadiness, HealthServer],
  exports: [HealthServer],
})
export class HealthModule {}
