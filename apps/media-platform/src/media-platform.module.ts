import { AuthModule } from '@app/auth';
import { RedisModule } from '@app/cache';
import { AppConfigModule, AppLoggerModule } from '@app/config';
import {
  AUTH_GRPC,
  AUTHORING_GRPC,
  CHANNEL_GRPC,
  COMMENT_GRPC,
  COMMENT_MODERATION_GRPC,
  downstreamService,
  EdgeHealthModule,
  FOLLOWER_STATISTICS_GRPC,
  GrpcClientModule,
  MATERIAL_GRPC,
  RELATION_GRPC,
  USER_GRPC,
} from '@app/grpc';
import { type DynamicModule, Module } from '@nestjs/common';

import { ArticlesModule } from './articles/articles.module';
import { MpAuthModule } from './auth/auth.module';
import { ChannelsModule } from './channels/channels.module';
import { MpCommentsModule } from './comments/comments.module';
import type { MediaPlatformConfig } from './config/media-platform.config';
import { FollowersModule } from './followers/followers.module';
import { ImagesModule } from './images/images.module';
import { ProfileModule } from './profile/profile.module';
import { ArticleStatisticsModule } from './statistics/article-statistics.module';

@Module({})
export class MediaPlatformModule {
  static forRoot(config: MediaPlatformConfig): DynamicModule {
    return {
      module: MediaPlatformModule,
      imports: [
        AppConfigModule.forValue(config),
        AppLoggerModule.forRoot(config, 'media-platform'),
        RedisModule.forRoot({
          cacheUrl: config.REDIS_CACHE_URL,
          stateUrl: config.REDIS_STATE_URL,
          keyPrefix: config.REDIS_KEY_PREFIX,
          commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        }),
        AuthModule.forRoot({ keysDir: config.JWT_KEYS_DIR }),
        GrpcClientModule.forRoot(config, [
          USER_GRPC,
          AUTH_GRPC,
          CHANNEL_GRPC,
          MATERIAL_GRPC,
          RELATION_GRPC,
          FOLLOWER_STATISTICS_GRPC,
          COMMENT_GRPC,
          COMMENT_MODERATION_GRPC,
          AUTHORING_GRPC,
        ]),
        // Signed-in routes read the session on the state role; nothing here reads the cache role.
        EdgeHealthModule.forRoot({
          cacheRedis: 'reported',
          stateRedis: 'required',
          services: [
            downstreamService('user', USER_GRPC, config.USER_GRPC_URL),
            downstreamService('news', CHANNEL_GRPC, config.NEWS_GRPC_URL),
          ],
        }),
        MpAuthModule,
        ChannelsModule,
        MpCommentsModule,
        ImagesModule,
        ProfileModule,
        FollowersModule,
        ArticlesModule,
        ArticleStatisticsModule,
      ],
    };
  }
}
