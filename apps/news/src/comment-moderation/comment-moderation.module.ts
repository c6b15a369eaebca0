import { CounterStore, REDIS_STATE } from '@app/cache';
import { Module } from '@nestjs/common';
import type Redis from 'ioredis';

import { ArticlesModule } from '../articles/articles.module';
import { CommentsModule } from '../comments/comments.module';
import { CommentModerationCache } from './comment-moderation.cache';
import { CommentModerationGrpcController } from './comment-moderation.grpc.controller';
import { CommentModerationRepository } from './comment-moderation.repository';
import { CommentModerationService } from './comment-moderation.service';

/** CommentModerationService: authors managing the comments on their own articles. */
@Module({
  imports: [ArticlesModule, CommentsModule],
  controllers: [CommentModerationGrpcController],
  providers: [
    CommentModerationRepository,
    CommentModerationCache,
    CommentModerationService,
    {
      provide: CounterStore,
      inject: [REDIS_STATE],
      useFactory: (redis: Redis) => new CounterStore(redis),
    },
  ],
})
export class CommentModerationModule {}
