import { RedisModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import {
  CHANNEL_GRPC,
  downstreamService,
  EdgeHealthModule,
  GrpcClientModule,
  USER_GRPC,
} from '@app/grpc';
import { type DynamicModule, Module } from '@nestjs/common';

import type { MisConfig } from './config/mis.config';
import { MIS_SCHEMA } from './database/mis-schema';

@Module({})
export class MisModule {
  static forRoot(config: MisConfig): DynamicModule {
    return {
      module: MisModule,
      imports: [
        AppConfigModule.forValue(config),
        AppLoggerModule.forRoot(config, 'mis'),
        DatabaseModule.forRoot(config, MIS_SCHEMA),
        RedisModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          stateUrl: config.REDIS_STATE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
          commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        }),
        GrpcClientModule.forRoot(config, [USER_GRPC, CHANNEL_GRPC]),
        // Its RBAC tables are in MySQL; no route reads Redis yet.
        EdgeHealthModule.forRoot({
          mysql: 'required',
          cacheRedis: 'reported',
          stateRedis: 'reported',
          services: [
            downstreamService('user', USER_GRPC, config.USER_GRPC_URL),
            downstreamService('news', CHANNEL_GRPC, config.NEWS_GRPC_URL),
          ],
        }),
      ],
    };
  }
}
