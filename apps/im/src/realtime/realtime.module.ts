import { Module } from '@nestjs/common';

import { RedisPubSub } from './redis-pub-sub';

@Module({
  providers: [RedisPubSub],
  exports: [RedisPubSub],
})
export class RealtimeModule {}
