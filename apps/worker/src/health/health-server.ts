import {
  jsonAnswer,
  metricsAnswer,
  PlainHttpServer,
  type PlainRoute,
  readinessHttpStatus,
} from '@app/grpc';
import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';

import { WorkerMetricsProvider } from './worker-metrics';
import { WorkerReadiness } from './worker-readiness';

/**
 * Liveness, readiness and Prometheus metrics (`/metrics`): the worker is an application context
 * with no Nest HTTP stack, and probes need nothing more. Closed before the app's shutdown hooks so
 * the pod stops being ready while workers drain.
 */
@Injectable()
export class HealthServer implements BeforeApplicationShutdown {
  private readonly server: PlainHttpServer;

  constructor(
    readiness: WorkerReadiness,
    @Inject(WorkerMetricsProvider) { metrics }: Pick<WorkerMetricsProvider, 'metrics'>,
  ) {
    this.server = new PlainHttpServer(
      new Map<string, PlainRoute>([
        ['/health/live', () => jsonAnswer(200, { status: 'ok' })],
        [
          '/health/ready',
          async () => {
            const report = await readiness.check();
            return jsonAnswer(readinessHttpStatus(report), report);
          },
        ],
        ['/metrics', () => metricsAnswer(metrics.registry)],
      ]),
      HealthServer.name,
    );
  }

  /** Starts listening; resolves to the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    return this.server.listen(port, host);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
