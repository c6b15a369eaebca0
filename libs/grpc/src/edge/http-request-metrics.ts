import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

type RequestLabel = 'method' | 'route' | 'status';

/** The route label of a request no route took: an unknown path, or one the router cannot read. */
export const UNMATCHED_ROUTE = 'unmatched';

/** From 5 ms, a cached answer's, to 10 s, past every deadline the apps give a downstream call. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Paths that are not client traffic: the scrape itself and the probes. */
function isTraffic(url: string): boolean {
  return url !== '/metrics' && !url.startsWith('/health/');
}

/**
 * The series of one route, a histogram child per method and status, each made on first use: a
 * request observes its duration with two map reads, no labels object.
 */
class RouteSeries {
  private readonly byMethod = new Map<string, Map<number, Histogram.Internal<RequestLabel>>>();

  constructor(
    private readonly histogram: Histogram<RequestLabel>,
    private readonly route: string,
  ) {}

  observe(method: string, status: number, seconds: number): void {
    let byStatus = this.byMethod.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.byMethod.set(method, byStatus);
    }
    let child = byStatus.get(status);
    if (child === undefined) {
      child = this.histogram.labels({ method, route: this.route, status: String(status) });
      byStatus.set(status, child);
    }
    child.observe(seconds);
  }
}

/**
 * `http_request_duration_seconds` of an HTTP app, by method, route pattern (never the raw path, so
 * ids make no new series) and status code. The code rather than its class: the apps answer 401,
 * 403, 404, 429 and 503 for different causes an operator tells apart, and a route answers only a
 * handful of codes. `/metrics` and `/health/*` are not counted.
 */
export class HttpRequestMetrics {
  private readonly histogram: Histogram<RequestLabel>;
  private readonly unmatched: RouteSeries;

  constructor(registry: Registry) {
    this.histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests answered, by method, route pattern (unmatched for a path no route takes) and status code, and how long each took.',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    this.unmatched = new RouteSeries(this.histogram, UNMATCHED_ROUTE);
  }

  /**
   * Gives every route registered from now on an onResponse hook of its own that knows its pattern
   * (Fastify's reply times the request), so a request pays no lookup of its route.
   */
  watchRoutes(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      if (!isTraffic(route.url)) return;
      const series = new RouteSeries(this.histogram, route.url);
      const record: onResponseHookHandler = (request, reply, done) => {
        series.observe(request.method, reply.statusCode, reply.elapsedTime / 1000);
        done();
      };
      route.onResponse = [...toArray(route.onResponse), record];
    });
  }

  /** Counts a request no route took once its answer is sent; no route hook runs for it. */
  countUnmatched(request: FastifyRequest, reply: FastifyReply): void {
    const started = process.hrtime.bigint();
    reply.raw.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.unmatched.observe(request.method, reply.statusCode, seconds);
    });
  }
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
