import {
  type ServerInterceptingCallInterface,
  ServerInterceptingCall,
  type ServerInterceptor,
  type ServerMethodDefinition,
  status as GrpcStatus,
} from '@grpc/grpc-js';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The labels of go-grpc-prometheus, so that dashboards made for it read these series. */
type CallLabel = 'grpc_type' | 'grpc_service' | 'grpc_method' | 'grpc_code';
type MethodLabels = Record<Exclude<CallLabel, 'grpc_code'>, string>;

/** From 1 ms, a cached read's, to 10 s, past every deadline the apps give a call. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10];

/** grpc.health.v1 answers the probes, not client traffic. */
const HEALTH_PATH_PREFIX = '/grpc.health.v1.';

/**
 * How long before the server's deadline a call's cancel can be the client's own deadline: the
 * server counts the grpc-timeout, rounded up to the ms, from the ms it read the headers in, and the
 * client's timer, on libuv's ms clock, can fire a ms early.
 */
const DEADLINE_ROUNDING_MS = 3;

/** The status name (OK, NOT_FOUND…) of each code. */
const STATUS_NAMES: readonly string[] = Object.entries(GrpcStatus)
  .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
  .sort(([, a], [, b]) => a - b)
  .map(([name]) => name);

function callType(method: ServerMethodDefinition<unknown, unknown>): string {
  if (method.requestStream) return method.responseStream ? 'bidi_stream' : 'client_stream';
  return method.responseStream ? 'server_stream' : 'unary';
}

/** `/toutiao.user.v1.UserService/GetUser` → the service's full name and the method's. */
function methodLabels(method: ServerMethodDefinition<unknown, unknown>): MethodLabels {
  const slash = method.path.lastIndexOf('/');
  return {
    grpc_type: callType(method),
    grpc_service: method.path.slice(1, slash),
    grpc_method: method.path.slice(slash + 1),
  };
}

/** The series of one method, a child per status code made on first use: a call pays an array read. */
class MethodSeries {
  private readonly byCode: Array<Histogram.Internal<CallLabel>> = [];

  constructor(
    private readonly duration: Histogram<CallLabel>,
    private readonly labels: MethodLabels,
  ) {}

  observe(code: number, seconds: number): void {
    let child = this.byCode[code];
    if (child === undefined) {
      child = this.duration.labels({
        ...this.labels,
        grpc_code: STATUS_NAMES[code] ?? String(code),
      });
      this.byCode[code] = child;
    }
    child.observe(seconds);
  }
}

/**
 * `grpc_server_handling_seconds` (with the status code, so that one histogram gives the rate, the
 * errors by status and the latency of each method) and `grpc_server_handled_total`, its counts
 * again under go-grpc-prometheus' name, copied at each scrape. Recorded by a
 * grpc-js server interceptor: it sees every call the server routes to a method, whatever answers
 * it (the handler, a validation pipe, an exception filter), on Nest's transport and on a plain
 * grpc-js server alike.
 */
export class GrpcServerMetrics {
  private readonly duration: Histogram<CallLabel>;
  private readonly byPath = new Map<string, MethodSeries>();

  readonly interceptor: ServerInterceptor = (method, call) => this.intercept(method, call);

  constructor(registry: Registry) {
    const labelNames: CallLabel[] = ['grpc_type', 'grpc_service', 'grpc_method', 'grpc_code'];
    this.duration = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'gRPC calls answered, by type, service, method and status code, and how long each took.',
      labelNames,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    const duration = this.duration;
    new Counter({
      name: 'grpc_server_handled_total',
      help: 'gRPC calls answered, by type, service, method and status code.',
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        for (const { metricName, labels, value } of (await duration.get()).values) {
          if (metricName === 'grpc_server_handling_seconds_count') this.inc(labels, value);
        }
      },
    });
  }

  private intercept(
    method: ServerMethodDefinition<unknown, unknown>,
    call: ServerInterceptingCallInterface,
  ): ServerInterceptingCall {
    if (method.path.startsWith(HEALTH_PATH_PREFIX)) return new ServerInterceptingCall(call);
    const series = this.seriesOf(method);
    const started = performance.now();
    let answered = false;
    // A single reply's OK status goes out once grpc-js wrote the reply, which waits for the
    // client's flow-control window: a client whose deadline passes or that cancels meanwhile ends
    // the call before the handler's OK reaches this interceptor.
    let replyOnItsWay = false;
    // grpc-js refuses a reply (too large, or failing to serialize) by ending the call with a status
    // of its own, sent past the interceptors from the base call, which is the one the first
    // interceptor is given: its sendStatus, seen here, tells a refused reply from one on its way.
    let statusSent = false;
    const sendStatus = call.sendStatus.bind(call);
    call.sendStatus = (status) => {
      statusSent = true;
      sendStatus(status);
    };
    const record = (code: number): void => {
      answered = true;
      series.observe(code, (performance.now() - started) / 1000);
    };
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          // Ends every call, after its status; first only for a call no handler answered: the
          // server's own deadline timer, the client's (its cancel can arrive first), a client that
          // went away, or a message grpc-js refused (its status goes out past the interceptors);
          // or for a single reply still on its way, which answered OK.
          onCancel: () => {
            if (answered) return;
            if (replyOnItsWay) return record(GrpcStatus.OK);
            const pastDeadline = Number(call.getDeadline()) - DEADLINE_ROUNDING_MS <= Date.now();
            record(pastDeadline ? GrpcStatus.DEADLINE_EXCEEDED : GrpcStatus.CANCELLED);
          },
        }),
      sendMessage: (message, next) => {
        next(message);
        // A reply grpc-js refuses ends the call within `next`; its cancel, told once the status
        // went out, comes later.
        if (!method.responseStream && !statusSent) replyOnItsWay = true;
      },
      sendStatus: (status, next) => {
        if (!answered) record(status.code);
        next(status);
      },
    });
  }

  private seriesOf(method: ServerMethodDefinition<unknown, unknown>): MethodSeries {
    let series = this.byPath.get(method.path);
    if (series === undefined) {
      series = new MethodSeries(this.duration, methodLabels(method));
      this.byPath.set(method.path, series);
    }
    return series;
  }
}
