import { Module } from '@nestjs/common';

import { HealthServer } from './health-server';
import { ShutdownStateProvider } from './shutdown-state';
import { WorkerMetricsProvider } from './worker-metrics';
import { WorkerReadiness } from './worker-readiness';

@Module({
  providers: [WorkerReadiness, WorkerMetricsProvider, HealthServer, ShutdownStateProvider],
  exports: [HealthServer, ShutdownStateProvider],
})
export class HealthModule {}
