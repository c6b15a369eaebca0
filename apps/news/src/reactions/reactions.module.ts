import { CounterStore, REDIS_STATE } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import { NotificationEmitter } from '@app/queue';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';

import { ArticleEntity } from '../articles/article.entity';
import { ArticlesModule } from '../articles/articles.module';
import { NotificationsModule } from '../notifications/notifications.module';
import type { NewsConfig } from '../config/news.config';
import { AttitudeEntity } from './attitude.entity';
import { CollectionEntity } from './collection.entity';
import { LikingNotifier } from './liking.notifier';
import { ReactionsCache } from './reactions.cache';
import { ReactionsGrpcController } from './reactions.grpc.controller';
import { ReactionsRepository } from './reactions.repository';
import { ReactionsService } from './reactions.service';
import { ReportEntity } from './report.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([CollectionEntity, AttitudeEntity, ReportEntity, ArticleEntity]),
    ArticlesModule,
    NotificationsModule,
  ],
  controllers: [ReactionsGrpcController],
  providers: [
    ReactionsRepository,
    ReactionsCache,
    ReactionsService,
    LikingNotifier,
    {
      provide: CounterStore,
      inject: [REDIS_STATE],
      useFactory: (redis: Redis) => new CounterStore(redis),
    },
    // The IM app's Redis adapter listens on the state role under the deployment's key prefix.
    {
      provide: NotificationEmitter,
      inject: [REDIS_STATE, APP_CONFIG],
      useFactory: (redis: Redis, config: NewsConfig) =>
        new NotificationEmitter(redis, config.REDIS_KEY_PREFIX),
    },
  ],
})
export class ReactionsModule {}
