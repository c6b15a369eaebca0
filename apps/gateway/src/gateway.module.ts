import { RedisModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import { EdgeHealthModule, GrpcClientModule, NEWS_GRPC, USER_GRPC } from '@app/grpc';
import { type DynamicModule, Module } from '@nestjs/common';

import { ChannelsModule } from './channels/channels.module';
import type { GatewayConfig } from './config/gateway.config';
import { UsersModule } from './users/users.module';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        AppConfigModule.forValue(config),
        AppLoggerModule.forRoot(config, 'gateway'),
        RedisModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          stateUrl: config.REDIS_STATE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
        }),
        GrpcClientModule.forRoot(config, [USER_GRPC, NEWS_GRPC]),
        EdgeHealthModule.forRoot({
          redis: true,
          grpc: [
            { name: 'user', service: USER_GRPC, url: config.USER_GRPC_URL },
            { name: 'news', service: NEWS_GRPC, url: config.NEWS_GRPC_URL },
          ],
        }),
        UsersModule,
        ChannelsModule,
      ],
    };
  }
}
