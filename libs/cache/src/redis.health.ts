import { answersWithin } from '@app/config';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

import { REDIS_CACHE, REDIS_STATE } from './redis-roles';

/** Readiness of the Redis roles this process uses: both must answer PING within the timeout. */
@Injectable()
export class RedisHealth {
  constructor(
    @Inject(REDIS_CACHE) private readonly cache: Redis,
    @Inject(REDIS_STATE) private readonly state: Redis,
  ) {}

  async isReady(timeoutMs = 1000): Promise<boolean> {
    const ping = (client: Redis): Promise<boolean> =>
      answersWithin(
        client.ping().then((reply) => reply === 'PONG'),
        timeoutMs,
      );
    const results = await Promise.all([ping(this.cache), ping(this.state)]);
    return results.every(Boolean);
  }
}
