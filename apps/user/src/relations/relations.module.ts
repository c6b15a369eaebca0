import { CounterStore, REDIS_STATE } from '@app/cache';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';

import { NotificationsModule } from '../notifications/notifications.module';
import { UserEntity } from '../users/user.entity';
import { FollowingNotifier } from './following.notifier';
import { RelationEntity } from './relation.entity';
import { RelationsCache } from './relations.cache';
import { RelationsGrpcController } from './relations.grpc.controller';
import { RelationsRepository } from './relations.repository';
import { RelationsService } from './relations.service';

@Module({
  imports: [TypeOrmModule.forFeature([RelationEntity, UserEntity]), NotificationsModule],
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
  ],
})
export class RelationsModule {}
