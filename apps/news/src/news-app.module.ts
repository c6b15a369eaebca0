import { RedisModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { SnowflakeModule } from '@app/snowflake';
import { type DynamicModule, Module } from '@nestjs/common';

import type { NewsConfig } from './config/news.config';
import { NEWS_SCHEMA } from './database/news-schema';
import { ChannelsModule } from './channels/channels.module';

@Module({})
export class NewsAppModule {
  static forRoot(config: NewsConfig): DynamicModule {
    return {
      module: NewsAppModule,
      imports: [
        AppConfigModule.forValue(config),
        AppLoggerModule.forRoot(config, 'news'),
        DatabaseModule.forRoot(config, NEWS_SCHEMA),
        RedisModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          stateUrl: config.REDIS_STATE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
        }),
        SnowflakeModule.forRoot({ datacenterId: config.SNOWFLAKE_DATACENTER_ID, workerId: config.SNOWFLAKE_WORKER_ID }),
        ChannelsModule,
      ],
    };
  }
}
