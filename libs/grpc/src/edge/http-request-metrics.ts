import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestAbortHookHandler,
  onResponseHookHandler,
} from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

type RequestLabel = 'method' | 'route' | 'status';

/** The route label of a request no route took: an unknown path, or one the router cannot read. */
export const UNMATCHED_ROUTE = 'unmatched';

/** From 5 ms, a cached answer's, to 10 s, past every deadline the apps give a downstream call. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Paths that are not client traffic: the scrape itself and the probes. */
function isTraffic(url: string): boolean {
  return url !== '/metrics' && !url.startsWith('/health/');
}

/** The hooks that count the requests of one route (or of the not-found handler). */
export interface RequestCountHooks {
  onResponse: onResponseHookHandler;
  onRequestAbort: onRequestAbortHookHandler;
}

/**
 * The series of one route, a histogram child per method and status, each made on first use: a
 * request observes its duration with two map reads, no labels object.
 */
class RouteSeries {
  private readonly byMethod = new Map<string, Map<number, Histogram.Internal<RequestLabel>>>();

  constructor(
    private readonly histogram: Histogram<RequestLabel>,
    private readonly aborted: Counter<'method' | 'route'>,
    private readonly route: string,
  ) {}

  readonly hooks: RequestCountHooks = {
    onResponse: (request, reply, done) => {
      this.observe(request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    },
    // Fastify runs it when the client hangs up before the answer is sent; no onResponse follows.
    onRequestAbort: (request, done) => {
      this.abandoned(request.method);
      done();
    },
  };

  abandoned(method: string): void {
    this.aborted.inc({ method, route: this.route });
  }

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
 * handful of codes. A request whose client hung up before its answer was sent counts in
 * `http_requests_aborted_total` instead, by method and route. `/metrics` and `/health/*` are not
 * counted.
 */
export class HttpRequestMetrics {
  private readonly histogram: Histogram<RequestLabel>;
  private readonly aborted: Counter<'method' | 'route'>;
  private readonly unmatched: RouteSeries;

  constructor(registry: Registry) {
    this.histogram = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP requests answered, by method, route pattern (unmatched for a path no route takes) and status code, and how long each took.',
      labelNames: ['method', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    this.aborted = new Counter({
      name: 'http_requests_aborted_total',
      help: 'HTTP requests whose client hung up before the answer was sent, by method and route pattern (unmatched for a path no route takes).',
      labelNames: ['method', 'route'],
      registers: [registry],
    });
    this.unmatched = new RouteSeries(this.histogram, this.aborted, UNMATCHED_ROUTE);
  }

  /**
   * Gives every route registered from now on an onResponse hook of its own that knows its pattern
   * (Fastify's reply times the request), so a request pays no lookup of its route.
   */
  watchRoutes(fastify: FastifyInstance): void {
    fastify.addHook('onRoute', (route) => {
      if (!isTraffic(route.url)) return;
      const { hooks } = new RouteSeries(this.histogram, this.aborted, route.url);
      route.onResponse = [...toArray(route.onResponse), hooks.onResponse];
      route.onRequestAbort = [...toArray(route.onRequestAbort), hooks.onRequestAbort];
    });
  }

  /**
   * The hooks of the not-found handler, which count every request it takes as unmatched: an
   * unknown path's, a body refused on one (413, 415) before the handler runs, and a request whose
   * route handed it on (a `/static/` file that is not there).
   */
  get unmatchedHooks(): RequestCountHooks {
    return this.unmatched.hooks;
  }

  /**
   * Counts a request the router could not read, once its answer is sent (or its client gone): no
   * hook runs for it.
   */
  countUnroutable(request: FastifyRequest, reply: FastifyReply): void {
    const started = process.hrtime.bigint();
    const { raw } = reply;
    const answered = (): void => {
      raw.off('close', abandoned);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.unmatched.observe(request.method, reply.statusCode, seconds);
    };
    const abandoned = (): void => {
      raw.off('finish', answered);
      this.unmatched.abandoned(request.method);
    };
    raw.once('finish', answered);
    raw.once('close', abandoned);
  }
}

function toArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
