import { AppMetrics } from '../edge/app-metrics';
import { metricsAnswer, PlainHttpServer } from '../health/plain-http-server';
import { GrpcServerMetrics } from './grpc-server-metrics';

/**
 * The Prometheus side of a gRPC service: its calls, recorded by `calls.interceptor` (give it to
 * the grpc-js server), and the process metrics, served at `/metrics` on a port of its own.
 */
export class GrpcMetricsEndpoint {
  private readonly metrics = new AppMetrics();
  readonly calls = new GrpcServerMetrics(this.metrics.registry);
  private readonly server = new PlainHttpServer(
    new Map([['/metrics', () => metricsAnswer(this.metrics.registry)]]),
    GrpcMetricsEndpoint.name,
  );

  /** Serves `/metrics` on `port` unless it is 0; resolves to the bound port, if any. */
  async listen(port: number, host: string): Promise<number | undefined> {
    return port === 0 ? undefined : this.server.listen(port, host);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
