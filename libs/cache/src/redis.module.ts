import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';

import {
  closeRedisClient,
  createRedisClient,
  REDIS_CACHE,
  REDIS_STATE,
  type RedisRoleUrls,
} from './redis-roles';
import { RedisHealth } from './redis.health';

class RedisClientsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS_CACHE) private readonly cache: Redis,
    @Inject(REDIS_STATE) private readonly state: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([closeRedisClient(this.cache), closeRedisClient(this.state)]);
  }
}

/** Provides the cache and state Redis clients (tokens REDIS_CACHE, REDIS_STATE) and their health. */
@Module({})
export class RedisModule {
  static forRoot(urls: Omit<RedisRoleUrls, 'queueUrl'>): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        { provide: REDIS_CACHE, useFactory: () => createRedisClient(urls.cacheUrl, urls.keyPrefix) },
        { provide: REDIS_STATE, useFactory: () => createRedisClient(urls.stateUrl, urls.keyPrefix) },
        RedisClientsCloser,
        RedisHealth,
      ],
      exports: [REDIS_CACHE, REDIS_STATE, RedisHealth],
    };
  }
}
