import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify';
import { Logger } from 'nestjs-pino';

import { AppMetrics } from './app-metrics';
import { boundRequestDrain, RequestDrainDeadline } from './bounded-close';
import { answerClientError } from './client-error-answer';
import { useClosingAnswer } from './closing-answer';
import { configureHttpApp } from './configure-http-app';
import { type CorsHook, fixedCorsHeaders, type HttpCorsOptions, registerCors } from './cors';
import { readEmptyJsonAsNoBody } from './empty-json-body.parser';
import { type HttpErrorBody, toHttpError } from './http-exception.filter';
import { HttpRequestMetrics, type RequestCountHooks } from './http-request-metrics';
import { MetricsModule } from './metrics.module';
import { SECURITY_HEADERS } from './security-headers';

/** What `createHttpApp` reads of the app's settings (see `httpAppEnvSchema`). */
export interface HttpAppSettings {
  TRUSTED_PROXY_HOPS: number;
  HTTP_SHUTDOWN_DRAIN_MS: number;
}

/**
 * Only the last `hops` entries of X-Forwarded-For, the ones our proxies appended, are trusted:
 * whatever the client put before them (any address, a new one per request) would otherwise be the
 * caller's IP, and so the key of the per-IP SMS limit. With none, the socket address is the caller.
 */
function trustProxy(hops: number): number | false {
  return hops === 0 ? false : hops;
}

/**
 * The errors of a path Fastify's router cannot take (a `%` that decodes to no UTF-8, a parameter
 * past its 100 characters): such a path names no route.
 */
const UNROUTABLE = new Set(['FST_ERR_BAD_URL', 'FST_ERR_MAX_PARAM_LENGTH']);

/**
 * Answers the errors Fastify raises before a route runs in the error envelope: an unroutable path
 * 404, like every unknown path, where Fastify answered 400 or 414 with its own body; the rest
 * (an async route constraint's failure) 500, as an unexpected error. No hook runs for such a
 * request, so its security headers are set here and the app's CORS hook, when given, is run here:
 * a browser client on another origin reads this answer as it reads every other.
 */
export function answerUnroutable(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  cors?: CorsHook,
): void {
  let status = 404;
  let body: HttpErrorBody = { message: `Cannot ${request.method} ${request.url}` };
  if (!UNROUTABLE.has(error.code)) {
    request.log.error({ err: error }, 'framework error before routing');
    ({ status, body } = toHttpError(error));
  }
  void reply.headers(SECURITY_HEADERS);
  const answer = (): void => {
    void reply
      .code(status)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(body));
  };
  if (cors === undefined) return answer();
  // The hook answers a preflight itself.
  cors(request, reply, () => {
    if (!reply.sent) answer();
  });
}

/**
 * `setNotFoundHandler` with hooks of the not-found handler's own: Fastify runs every lifecycle hook
 * these options name, though its types name only preValidation and preHandler.
 */
type SetNotFoundHandlerWithHooks = (
  hooks: RequestCountHooks,
  handler: (request: FastifyRequest, reply: FastifyReply) => unknown,
) => FastifyInstance;

/**
 * Nest's Fastify adapter, whose JSON parser (Nest registers it as the app starts) reads an empty
 * body as none, and whose not-found handler counts the requests it takes as unmatched.
 */
class EdgeFastifyAdapter extends FastifyAdapter {
  constructor(
    options: FastifyServerOptions,
    private readonly requests: HttpRequestMetrics,
  ) {
    super(options);
  }

  override registerParserMiddleware(prefix?: string, rawBody?: boolean): void {
    super.registerParserMiddleware(prefix, rawBody);
    readEmptyJsonAsNoBody(this.getInstance());
  }

  override setNotFoundHandler(
    handler: (request: FastifyRequest, reply: FastifyReply) => unknown,
  ): ReturnType<FastifyAdapter['setNotFoundHandler']> {
    // Its hooks, not the handler, count: a body refused on an unknown path never reaches the handler.
    const instance = this.getInstance<FastifyInstance>();
    const setWithHooks = instance.setNotFoundHandler.bind(
      instance,
    ) as unknown as SetNotFoundHandlerWithHooks;
    return setWithHooks(this.requests.unmatchedHooks, handler);
  }
}

/**
 * Creates a Fastify HTTP app (not listening yet) with pino logs and the shared edge under `prefix`;
 * with `cors`, every answer carries its headers, the unroutable path's, a malformed request's 400
 * and the 503 of a request that arrives while the app closes included. Its `/metrics`
 * serves the process metrics, every request's duration by route and status, and what the app's
 * modules register in the `AppMetrics` they are given.
 */
export async function createHttpApp(
  module: DynamicModule,
  prefix: string,
  settings: HttpAppSettings,
  cors?: HttpCorsOptions,
): Promise<NestFastifyApplication> {
  const metrics = new AppMetrics();
  const requests = new HttpRequestMetrics(metrics.registry);
  let corsHook: CorsHook | undefined;
  const frameworkErrors = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    requests.countUnroutable(request, reply);
    answerUnroutable(error, request, reply, corsHook);
  };
  const adapter = new EdgeFastifyAdapter(
    {
      trustProxy: trustProxy(settings.TRUSTED_PROXY_HOPS),
      frameworkErrors,
      // Both answered with the security headers and CORS's, which Fastify's own answers lack.
      clientErrorHandler: answerClientError(fixedCorsHeaders(cors)),
      return503OnClosing: false,
    },
    requests,
  );
  const drainDeadline = new RequestDrainDeadline(
    adapter.getInstance<FastifyInstance>().server,
    settings.HTTP_SHUTDOWN_DRAIN_MS,
  );
  const withMetrics: DynamicModule = {
    ...module,
    imports: [...(module.imports ?? []), MetricsModule.forRoot(metrics)],
    providers: [
      ...(module.providers ?? []),
      { provide: RequestDrainDeadline, useValue: drainDeadline },
    ],
  };
  const app = await NestFactory.create<NestFastifyApplication>(withMetrics, adapter, {
    bufferLogs: true,
    // Boot errors reach the caller (runMain exits non-zero; tests fail with the real error).
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  // The edge first: its security headers go on the preflights the CORS hook answers.
  configureHttpApp(app, prefix);
  // Before init, when Nest registers the routes.
  requests.watchRoutes(app.getHttpAdapter().getInstance());
  if (cors !== undefined) corsHook = await registerCors(app.getHttpAdapter().getInstance(), cors);
  useClosingAnswer(app.getHttpAdapter().getInstance());
  boundRequestDrain(app.getHttpAdapter().getInstance(), drainDeadline);
  return app;
}
