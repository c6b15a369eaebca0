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

/** The cache and state roles of an app and how long their commands wait for a reply. */
export interface RedisModuleOptions extends Omit<RedisRoleUrls, 'queueUrl'> {
  /**
   * REDIS_COMMAND_TIMEOUT_MS: a Redis that hangs (stopped, or behind a network that drops its
   * packets) keeps the connection open, and without it a request waited for the reply until its
   * client gave up. The command is not withdrawn: Redis may still run it once it answers again.
   */
  commandTimeoutMs: number;
}

/** A cache or state client of an app: its commands fail, as when Redis is down, when it hangs. */
function createRoleClient(url: string, { keyPrefix, commandTimeoutMs }: RedisModuleOptions): Redis {
  return createRedisClient(url, keyPrefix, { commandTimeout: commandTimeoutMs });
}

/** Provides the cache and state Redis clients (tokens REDIS_CACHE, REDIS_STATE) and their health. */
@Module({})
export class RedisModule {
  static forRoot(options: RedisModuleOptions): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [
        { provide: REDIS_CACHE, useFactory: () => createRoleClient(options.cacheUrl, options) },
        { provide: REDIS_STATE, useFactory: () => createRoleClient(options.stateUrl, options) },
        RedisClientsCloser,
        RedisHealth,
      ],
      exports: [REDIS_CACHE, REDIS_STATE, RedisHealth],
    };
  }
}
