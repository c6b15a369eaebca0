import { closeRedisClient, createRedisClient } from '@app/cache';
import { answersWithin } from '@app/config';
import type { OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';

/**
 * The probe's own connection to the queue Redis, as the apps' other clients: it fails fast where
 * BullMQ's connections wait, and logs an outage once where ioredis printed each failed
 * reconnection attempt's stack to stderr.
 */
export function queueHealthClient(queueUrl: string): Redis {
  return createRedisClient(queueUrl, '', { maxRetriesPerRequest: 1, enableAutoPipelining: false });
}

/** Readiness of the queue Redis role: PING answered within the timeout. */
export class QueueHealth implements OnApplicationShutdown {
  constructor(private readonly client: Redis) {}

  async isReady(timeoutMs = 1000): Promise<boolean> {
    return answersWithin(
      this.client.ping().then((reply) => reply === 'PONG'),
      timeoutMs,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedisClient(this.client);
  }
}
