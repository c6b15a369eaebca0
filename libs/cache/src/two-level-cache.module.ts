import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type Redis from 'ioredis';

import { createSubscriberClient, REDIS_CACHE } from './redis-roles';
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

  /**
   * Closing the connection ends its subscription: UNSUBSCRIBE and QUIT would wait for a Redis that
   * is down (a subscriber's commands wait through an outage), and a subscriber has no reply due.
   */
  onApplicationShutdown(): void {
    this.subscriber.disconnect();
  }
}

/** Provides the process's `TwoLevelCache` (needs RedisModule for the cache-role client). */
@Module({})
export class TwoLevelCacheModule {
  static forRoot(options: {
    cacheUrl: string;
    keyPrefix: string;
    l1TtlMs?: number;
    l1Max?: number;
  }): DynamicModule {
    return {
      module: TwoLevelCacheModule,
      global: true,
      providers: [
        // Pub/sub channels are not prefixed by ioredis, so the deployment prefix is added here.
        {
          provide: CACHE_SUBSCRIBER,
          useFactory: () => createSubscriberClient(options.cacheUrl, options.keyPrefix),
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
