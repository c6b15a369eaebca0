import { CounterStore, REDIS_STATE } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import { GrpcClientModule, RELATION_GRPC, USER_GRPC } from '@app/grpc';
import { NotificationEmitter } from '@app/queue';
import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';

import { ArticleEntity } from '../articles/article.entity';
import { ArticlesModule } from '../articles/articles.module';
import { BackgroundNotificationsModule } from '../notifications/background-notifications';
import type { NewsConfig } from '../config/news.config';
import { AttitudeEntity } from './attitude.entity';
import { CollectionEntity } from './collection.entity';
import { LikingNotifier } from './liking.notifier';
import { ReactionsCache } from './reactions.cache';
import { ReactionsGrpcController } from './reactions.grpc.controller';
import { ReactionsRepository } from './reactions.repository';
import { ReactionsService } from './reactions.service';
import { ReportEntity } from './report.entity';

@Module({})
export class ReactionsModule {
  static forRoot(config: NewsConfig): DynamicModule {
    return {
      module: ReactionsModule,
      imports: [
        TypeOrmModule.forFeature([CollectionEntity, AttitudeEntity, ReportEntity, ArticleEntity]),
        // `liking notify` carries the liker's name and photo, and is not sent to an author who
        // blacklisted the liker: the user service owns both.
        GrpcClientModule.forRoot(config, [USER_GRPC, RELATION_GRPC]),
        ArticlesModule,
        BackgroundNotificationsModule,
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
          useFactory: (redis: Redis, appConfig: NewsConfig) =>
            new NotificationEmitter(redis, appConfig.REDIS_KEY_PREFIX),
        },
      ],
    };
  }
}
