import { collectDefaultMetrics, Registry } from 'prom-client';

let processMetrics: Registry | undefined;

/**
 * prom-client's Node process metrics (CPU, memory, event loop lag, GC, handles), collected once
 * per process however many apps it runs (the tests run several): each app's registry serves the
 * same metric objects.
 */
function processMetricsRegistry(): Registry {
  if (processMetrics === undefined) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/**
 * The Prometheus registry of one app, served at its `/metrics`: the process metrics, the request
 * metrics of the shared HTTP edge or the call metrics of a gRPC server, and whatever the app's own
 * modules register. Its own registry rather than prom-client's global one, so several apps in one
 * process never collide on names.
 */
export class AppMetrics {
  readonly registry = Registry.merge([processMetricsRegistry()]);
}
