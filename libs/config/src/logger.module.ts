import { type DynamicModule, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { LoggerModule, PinoLogger } from 'nestjs-pino';

import type { BaseEnv } from './env.schema';

/** pino-pretty is a development dependency; images built without it log plain JSON. */
function isInstalled(moduleName: string): boolean {
  try {
    require.resolve(moduleName);
    return true;
  } catch {
    return false;
  }
}

const REQUEST_LOG = Symbol('REQUEST_LOG');

/**
 * One `request completed` line per HTTP request (health probes left out), written from Fastify's
 * onResponse hook: no per-request child logger, middleware or async context, which cost the hot
 * routes a fifth of their CPU.
 */
@Injectable()
class RequestLog implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(REQUEST_LOG) private readonly enabled: boolean,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getInstance(): FastifyInstance } | undefined;
    if (!this.enabled || !adapter) return;
    adapter.getInstance().addHook('onResponse', (request, reply, done) => {
      const logger = PinoLogger.root;
      if (logger.isLevelEnabled('info') && !request.url.startsWith('/health/')) {
        logger.info(
          {
            reqId: request.id,
            method: request.method,
            url: request.url,
            statusCode: reply.statusCode,
            responseTime: Math.round(reply.elapsedTime),
          },
          'request completed',
        );
      }
      done();
    });
  }
}

/** Request lines are logged at `info`: below that level the hook would run for every request and write nothing. */
function logsRequests(level: BaseEnv['LOG_LEVEL']): boolean {
  return level === 'info' || level === 'debug' || level === 'trace';
}

/**
 * JSON logs through pino (pretty in development) with the Authorization header redacted, and a
 * line per HTTP request (not in tests; at `LOG_LEVEL` info or more verbose). Apps call
 * `app.useLogger(app.get(Logger))` after creation.
 */
@Module({})
export class AppLoggerModule {
  static forRoot(config: Pick<BaseEnv, 'LOG_LEVEL' | 'NODE_ENV'>, name: string): DynamicModule {
    return {
      module: AppLoggerModule,
      imports: [
        LoggerModule.forRoot({
          // Request lines come from RequestLog; no route runs the pino-http middleware.
          forRoutes: [],
          pinoHttp: {
            name,
            level: config.LOG_LEVEL,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            transport:
              config.NODE_ENV === 'development' && isInstalled('pino-pretty')
                ? {
                    target: 'pino-pretty',
                    options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
                  }
                : undefined,
          },
        }),
      ],
      providers: [
        {
          provide: REQUEST_LOG,
          useValue: config.NODE_ENV !== 'test' && logsRequests(config.LOG_LEVEL),
        },
        RequestLog,
      ],
      exports: [LoggerModule],
    };
  }
}
