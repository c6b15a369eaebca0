import { RedisModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import { type DynamicModule, Module } from '@nestjs/common';

import type { RecommendConfig } from './config/recommend.config';
import { RecommendGrpcServer } from './grpc/recommend-grpc.server';

@Module({})
export class RecommendModule {
  static forRoot(config: RecommendConfig): DynamicModule {
    return {
      module: RecommendModule,
      imports: [
        AppConfigModule.forValue(config),
        AppLoggerModule.forRoot(config, 'recommend'),
        RedisModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          stateUrl: config.REDIS_STATE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
        }),
      ],
      providers: [RecommendGrpcServer],
    };
  }
}
