import { CounterStore, REDIS_STATE } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import { NotificationEmitter } from '@app/queue';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';

import { ArticlesModule } from '../articles/articles.module';
import type { NewsConfig } from '../config/news.config';
import { NotificationsModule } from '../notifications/notifications.module';
import { CommentCounters } from './comment-counters';
import { CommentItemsCache } from './comment-items.cache';
import { CommentLikingEntity } from './comment-liking.entity';
import { CommentLikingsCache } from './comment-likings.cache';
import { CommentLikingsRepository } from './comment-likings.repository';
import { CommentLikingsService } from './comment-likings.service';
import { CommentListsCache } from './comment-lists.cache';
import { CommentRateLimiter } from './comment-rate-limiter';
import { CommentEntity } from './comment.entity';
import { CommentNotifier } from './comment.notifier';
import { CommentsGrpcController } from './comments.grpc.controller';
import { CommentsRepository } from './comments.repository';
import { CommentsService } from './comments.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([CommentEntity, CommentLikingEntity]),
    ArticlesModule,
    NotificationsModule,
  ],
  controllers: [CommentsGrpcController],
  providers: [
    CommentsRepository,
    CommentLikingsRepository,
    CommentListsCache,
    CommentItemsCache,
    CommentLikingsCache,
    CommentCounters,
    CommentNotifier,
    CommentsService,
    CommentLikingsService,
    {
      provide: CounterStore,
      inject: [REDIS_STATE],
      useFactory: (redis: Redis) => new CounterStore(redis),
    },
    {
      provide: CommentRateLimiter,
      inject: [REDIS_STATE, APP_CONFIG],
      useFactory: (redis: Redis, config: NewsConfig) =>
        new CommentRateLimiter(
          redis,
          { perMinute: config.COMMENT_LIMIT_PER_MINUTE, perDay: config.COMMENT_LIMIT_PER_DAY },
          config.TZ,
        ),
    },
    // The IM app's Redis adapter listens on the state role under the deployment's key prefix.
    {
      provide: NotificationEmitter,
      inject: [REDIS_STATE, APP_CONFIG],
      useFactory: (redis: Redis, config: NewsConfig) =>
        new NotificationEmitter(redis, config.REDIS_KEY_PREFIX),
    },
  ],
  exports: [CommentsService],
})
export class CommentsModule {}
