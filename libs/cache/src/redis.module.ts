import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';

import {
  closeRedisClient,
  createRedisClient,
  REDIS_CACHE,
  REDIS_COMMAND_TIMEOUT_MS,
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

/** A cache or state client of an app: its commands fail, as when Redis is down, when it hangs. */
function createRoleClient(url: string, keyPrefix: string): Redis {
  return createRedisClient(url, keyPrefix, { commandTimeout: REDIS_COMMAND_TIMEOUT_MS });
}

/** Provides the cache and state Redis clients (tokens REDIS_CACHE, REDIS_STATE) and their health. */
@Module({})
export class RedisModule {
  static forRoot(urls: Omit<RedisRoleUrls, 'queueUrl'>): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        { provide: REDIS_CACHE, useFactory: () => createRoleClient(urls.cacheUrl, urls.keyPrefix) },
        { provide: REDIS_STATE, useFactory: () => createRoleClient(urls.stateUrl, urls.keyPrefix) },
        RedisClientsCloser,
        RedisHealth,
      ],
      exports: [REDIS_CACHE, REDIS_STATE, RedisHealth],
    };
  }
}
