import { CounterStore, REDIS_STATE } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import { NotificationEmitter } from '@app/queue';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';

import type { UserConfig } from '../config/user.config';
import { UserEntity } from '../users/user.entity';
import { FollowingNotifier } from './following.notifier';
import { RelationEntity } from './relation.entity';
import { RelationsCache } from './relations.cache';
import { RelationsGrpcController } from './relations.grpc.controller';
import { RelationsRepository } from './relations.repository';
import { RelationsService } from './relations.service';

@Module({
  imports: [TypeOrmModule.forFeature([RelationEntity, UserEntity])],
  controllers: [RelationsGrpcController],
  providers: [
    RelationsRepository,
    RelationsCache,
    RelationsService,
    FollowingNotifier,
    {
      provide: CounterStore,
      inject: [REDIS_STATE],
      useFactory: (redis: Redis) => new CounterStore(redis),
    },
    // The IM app's Redis adapter listens on the state role under the deployment's key prefix.
    {
      provide: NotificationEmitter,
      inject: [REDIS_STATE, APP_CONFIG],
      useFactory: (redis: Redis, config: UserConfig) =>
        new NotificationEmitter(redis, config.REDIS_KEY_PREFIX),
    },
  ],
})
export class RelationsModule {}
