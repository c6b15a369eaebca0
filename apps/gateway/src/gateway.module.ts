import { RedisModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import { type DynamicModule, Module } from '@nestjs/common';

import { ChannelsModule } from './channels/channels.module';
import type { GatewayConfig } from './config/gateway.config';
import { GrpcClientsModule } from './grpc-clients.module';
import { HealthModule } from './health/health.module';
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
        GrpcClientsModule.forRoot(config),
        HealthModule,
        UsersModule,
        ChannelsModule,
      ],
    };
  }
}
