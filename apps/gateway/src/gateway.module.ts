import { AuthModule } from '@app/auth';
import { RedisModule, TwoLevelCacheModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import {
  ANNOUNCEMENT_GRPC,
  ARTICLE_GRPC,
  AUTH_GRPC,
  CHANNEL_GRPC,
  COMMENT_GRPC,
  downstreamService,
  EdgeHealthModule,
  GrpcClientModule,
  REACTION_GRPC,
  RELATION_GRPC,
  SEARCH_GRPC,
  USER_GRPC,
} from '@app/grpc';
import { type DynamicModule, Module } from '@nestjs/common';

import { AnnouncementsModule } from './announcements/announcements.module';
import { ArticlesModule } from './articles/articles.module';
import { AuthHttpModule } from './auth/auth.module';
import { ChannelsModule } from './channels/channels.module';
import { CommentsModule } from './comments/comments.module';
import type { GatewayConfig } from './config/gateway.config';
import { FeedModule } from './feed/feed.module';
import { ReactionsModule } from './reactions/reactions.module';
import { RelationsModule } from './relations/relations.module';
import { SearchModule } from './search/search.module';
import { UsersModule } from './users/users.module';

/** The original user_reco.proto has no package: grpc.health.v1 knows the service by its bare name. */
const USER_RECOMMEND_SERVICE_NAME = 'UserRecommend';

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
          commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        }),
        TwoLevelCacheModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
        }),
        AuthModule.forRoot({ keysDir: config.JWT_KEYS_DIR }),
        GrpcClientModule.forRoot(config, [
          USER_GRPC,
          AUTH_GRPC,
          RELATION_GRPC,
          CHANNEL_GRPC,
          SEARCH_GRPC,
          ANNOUNCEMENT_GRPC,
          COMMENT_GRPC,
          ARTICLE_GRPC,
          REACTION_GRPC,
        ]),
        // Every route reads the cache role and every signed-in one the session on the state role.
        EdgeHealthModule.forRoot({
          cacheRedis: 'required',
          stateRedis: 'required',
          services: [
            downstreamService('user', USER_GRPC, config.USER_GRPC_URL),
            downstreamService('news', CHANNEL_GRPC, config.NEWS_GRPC_URL),
            {
              name: 'recommend',
              url: config.RECOMMEND_GRPC_URL,
              healthService: USER_RECOMMEND_SERVICE_NAME,
            },
          ],
        }),
        AuthHttpModule,
        UsersModule,
        RelationsModule,
        ChannelsModule,
        ArticlesModule,
        AnnouncementsModule,
        SearchModule,
        CommentsModule,
        ReactionsModule,
        FeedModule,
      ],
    };
  }
}
