import { closeRedisClient } from '@app/cache';
import { answersWithin } from '@app/config';
import type { OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';

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
