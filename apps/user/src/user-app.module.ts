import { RedisModule, TwoLevelCacheModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { CounterRepairModule } from '@app/grpc';
import { QueueModule } from '@app/queue';
import { SnowflakeModule } from '@app/snowflake';
import { type DynamicModule, Module } from '@nestjs/common';

import type { UserConfig } from './config/user.config';
import { USER_SCHEMA } from './database/user-schema';
import { AuthModule } from './auth/auth.module';
import { USER_COUNTER_QUERIES } from './counter-repair/user-counter-queries';
import { MaterialsModule } from './materials/materials.module';
import { RelationsModule } from './relations/relations.module';
import { UsersModule } from './users/users.module';

@Module({})
export class UserAppModule {
  static forRoot(config: UserConfig): DynamicModule {
    return {
      module: UserAppModule,
      imports: [
        AppConfigModule.forValue(config),
        AppLoggerModule.forRoot(config, 'user'),
        DatabaseModule.forRoot(config, USER_SCHEMA),
        RedisModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          stateUrl: config.REDIS_STATE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
          commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        }),
        // Profile writes broadcast their invalidation to the gateways' in-process caches.
        TwoLevelCacheModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
        }),
        SnowflakeModule.forRoot({
          datacenterId: config.SNOWFLAKE_DATACENTER_ID,
          workerId: config.SNOWFLAKE_WORKER_ID,
        }),
        QueueModule.forRoot({
          queueUrl: config.REDIS_QUEUE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
        }),
        UsersModule,
        RelationsModule,
        AuthModule,
        MaterialsModule,
        CounterRepairModule.forQueries(USER_COUNTER_QUERIES),
      ],
    };
  }
}
