import { type DynamicModule, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';

import { createRedisClient, REDIS_CACHE } from './redis-roles';
import { cacheInvalidationChannel, TwoLevelCache } from './two-level-cache';

const CACHE_SUBSCRIBER = Symbol('CACHE_SUBSCRIBER');

class TwoLevelCacheLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly cache: TwoLevelCache,
    @Inject(CACHE_SUBSCRIBER) private readonly subscriber: Redis,
  ) {}

  onModuleInit(): Promise<void> {
    return this.cache.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cache.stop();
    await this.subscriber.quit().catch(() => undefined);
  }
}

/** Provides the process's `TwoLevelCache` (needs RedisModule for the cache-role client). */
@Module({})
export class TwoLevelCacheModule {
  static forRoot(options: { cacheUrl: string; keyPrefix: string; l1TtlMs?: number; l1Max?: number }): DynamicModule {
    return {
      module: TwoLevelCacheModule,
      global: true,
      providers: [
        // Pub/sub channels are not prefixed by ioredis, so the deployment prefix is added here.
        {
          provide: CACHE_SUBSCRIBER,
          // A subscriber connection accepts only (P)SUBSCRIBE-family commands: no auto-pipelining.
          useFactory: () => {
            const subscriber = createRedisClient(options.cacheUrl, options.keyPrefix, { enableAutoPipelining: false });
            // ioredis reconnects and resubscribes by itself; without a listener an outage would crash the process.
            subscriber.on('error', () => undefined);
            return subscriber;
          },
        },
        {
          provide: TwoLevelCache,
          inject: [REDIS_CACHE, CACHE_SUBSCRIBER],
          useFactory: (redis: Redis, subscriber: Redis) =>
            new TwoLevelCache(redis, subscriber, {
              channel: cacheInvalidationChannel(options.keyPrefix),
              l1TtlMs: options.l1TtlMs,
              l1Max: options.l1Max,
            }),
        },
        TwoLevelCacheLifecycle,
      ],
      exports: [TwoLevelCache],
    };
  }
}
