import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

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

/**
 * JSON logs through pino (pretty in development), request ids on HTTP requests and the
 * Authorization header redacted. Apps call `app.useLogger(app.get(Logger))` after creation.
 */
@Module({})
export class AppLoggerModule {
  static forRoot(config: Pick<BaseEnv, 'LOG_LEVEL' | 'NODE_ENV'>, name: string): DynamicModule {
    return {
      module: AppLoggerModule,
      imports: [
        LoggerModule.forRoot({
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            name,
            level: config.LOG_LEVEL,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            autoLogging:
              config.NODE_ENV === 'test' ? false : { ignore: (request) => request.url?.startsWith('/health/') ?? false },
            transport:
              config.NODE_ENV === 'development' && isInstalled('pino-pretty')
                ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
                : undefined,
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
