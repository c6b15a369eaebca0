import { RedisModule, TwoLevelCacheModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { CounterRepairModule, GrpcClientModule, RELATION_GRPC, USER_GRPC } from '@app/grpc';
import { QueueModule } from '@app/queue';
import { SnowflakeModule } from '@app/snowflake';
import { type DynamicModule, Module } from '@nestjs/common';

import type { NewsConfig } from './config/news.config';
import { NEWS_SCHEMA } from './database/news-schema';
import { AnnouncementsModule } from './announcements/announcements.module';
import { ArticlesModule } from './articles/articles.module';
import { AuthoringModule } from './authoring/authoring.module';
import { ChannelsModule } from './channels/channels.module';
import { CommentModerationModule } from './comment-moderation/comment-moderation.module';
import { CommentsModule } from './comments/comments.module';
import { FansCommentCountRepair } from './counter-repair/fans-comment-count.repair';
import { NEWS_COUNTER_QUERIES } from './counter-repair/news-counter-queries';
import { ReactionsModule } from './reactions/reactions.module';
import { SearchModule } from './search/search.module';

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
          commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        }),
        TwoLevelCacheModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
        }),
        QueueModule.forRoot({
          queueUrl: config.REDIS_QUEUE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
        }),
        SnowflakeModule.forRoot({
          datacenterId: config.SNOWFLAKE_DATACENTER_ID,
          workerId: config.SNOWFLAKE_WORKER_ID,
        }),
        ChannelsModule,
        ArticlesModule,
        ReactionsModule,
        SearchModule.forRoot(config),
        AnnouncementsModule,
        CommentsModule,
        AuthoringModule,
        CommentModerationModule,
        // The user service's clients, one of each for the app: `liking notify` carries the liker's
        // name and photo; likes and comments are not notified to an author who blacklisted their
        // sender; the fans' comment repair settles comments of unknown fan status from the user's
        // follows.
        GrpcClientModule.forRoot(config, [USER_GRPC, RELATION_GRPC]),
        CounterRepairModule.forQueries(NEWS_COUNTER_QUERIES, [FansCommentCountRepair]),
      ],
    };
  }
}
