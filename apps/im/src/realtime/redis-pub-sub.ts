import { closeRedisClient, createRedisClient, createSubscriberClient } from '@app/cache';
import { answersWithin, APP_CONFIG } from '@app/config';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';

import type { ImConfig } from '../config/im.config';

/**
 * The publisher and subscriber connections of the Socket.IO Redis adapter. They use the state
 * role: the cache role may evict and restart freely, which would drop fan-out between replicas.
 */
@Injectable()
export class RedisPubSub implements OnApplicationShutdown {
  readonly pub: Redis;
  readonly sub: Redis;

  constructor(@Inject(APP_CONFIG) config: ImConfig) {
    // Channels are not keys, so no keyPrefix: the prefix goes into the adapter's channel key.
    this.pub = createRedisClient(config.REDIS_STATE_URL, '', { enableAutoPipelining: false });
    this.sub = createSubscriberClient(config.REDIS_STATE_URL, '');
  }

  /** Ready when the publisher answers PING and the subscriber is connected. */
  async isReady(timeoutMs = 1000): Promise<boolean> {
    if (this.sub.status !== 'ready') return false;
    return answersWithin(
      this.pub.ping().then((reply) => reply === 'PONG'),
      timeoutMs,
    );
  }

  // Runs after Nest has closed the Socket.IO server (and with it the adapter's subscriptions). The
  // subscriber is closed at once: its commands wait through an outage, so QUIT could wait forever.
  async onApplicationShutdown(): Promise<void> {
    this.sub.disconnect();
    await closeRedisClient(this.pub);
  }
}
