import { Module } from '@nestjs/common';

import { HealthServer } from './health-server';
import { WorkerMetricsProvider } from './worker-metrics';
import { WorkerReadiness } from './worker-readiness';

@Module({
  providers: [WorkerReadiness, WorkerMetricsProvider, HealthServer],
  exports: [HealthServer],
})
export class HealthModule {}
