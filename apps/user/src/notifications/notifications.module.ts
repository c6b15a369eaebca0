import { REDIS_STATE } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import { NotificationEmitter } from '@app/queue';
import { Module } from '@nestjs/common';
import type Redis from 'ioredis';

import type { UserConfig } from '../config/user.config';

/** The Socket.IO emitter of this service: the IM app's Redis adapter listens on the state role under the deployment's key prefix. */
@Module({
  providers: [
    {
      provide: NotificationEmitter,
      inject: [REDIS_STATE, APP_CONFIG],
      useFactory: (redis: Redis, config: UserConfig) =>
        new NotificationEmitter(redis, config.REDIS_KEY_PREFIX),
    },
  ],
  exports: [NotificationEmitter],
})
export class NotificationsModule {}
