import { CounterStore, REDIS_STATE } from '@app/cache';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';

import { UserProfileEntity } from './user-profile.entity';
import { UserProfileCache } from './user-profile.cache';
import { UserEntity } from './user.entity';
import { UsersGrpcController } from './users.grpc.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, UserProfileEntity])],
  controllers: [UsersGrpcController],
  providers: [
    UsersRepository,
    UsersService,
    UserProfileCache,
    {
      provide: CounterStore,
      inject: [REDIS_STATE],
      useFactory: (redis: Redis) => new CounterStore(redis),
    },
  ],
})
export class UsersModule {}
