import { CounterBuffer, REDIS_STATE } from '@app/cache';
import { APP_CONFIG, errorMessage } from '@app/config';
import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';

import type { GatewayConfig } from '../config/gateway.config';

/**
 * The counters every page view, feed batch or reading-time report moves (article and author
 * reads, recommend exposures, the articles' reading statistics), summed in process and written
 * every COUNTER_FLUSH_MS. What is left is written before the Redis clients close.
 */
@Injectable()
export class HotCounters extends CounterBuffer implements BeforeApplicationShutdown {
  constructor(
    @Inject(REDIS_STATE) state: Redis,
    @Inject(APP_CONFIG) config: Pick<GatewayConfig, 'COUNTER_FLUSH_MS'>,
  ) {
    const logger = new Logger(HotCounters.name);
    super(state, {
      flushMs: config.COUNTER_FLUSH_MS,
      onWriteError: (error, increments) =>
        logger.error(`writing ${increments} counter increments failed: ${errorMessage(error)}`),
    });
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
