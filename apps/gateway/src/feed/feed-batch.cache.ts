import { REDIS_CACHE } from '@app/cache';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';

import type { RecommendBatch } from './user-recommend.client';

/** Long enough for retries and a pull-to-refresh with the same stamp, short enough to stay fresh. */
export const FEED_BATCH_TTL_SECONDS = 60;

/** Whose feed: a signed-in user or an anonymous device (kept apart although both are strings). */
export interface FeedViewer {
  kind: 'user' | 'device';
  id: string;
}

/**
 * Recommend batches per viewer, channel and stamp on the cache Redis, plus single-flight in this
 * replica: the same request repeated (retry, double tap, refresh with the same stamp) makes one
 * gRPC call. Only successful batches are stored, so a fallback never outlives the outage.
 */
@Injectable()
export class FeedBatchCache {
  private readonly logger = new Logger(FeedBatchCache.name);
  private readonly inFlight = new Map<string, Promise<RecommendBatch | undefined>>();

  constructor(@Inject(REDIS_CACHE) private readonly redis: Redis) {}

  /** The cached batch, or the one `load` gives (stored when it is a batch). */
  get(
    viewer: FeedViewer,
    channelId: number,
    timestamp: number,
    load: () => Promise<RecommendBatch | undefined>,
  ): Promise<RecommendBatch | undefined> {
    const key = `feed:batch:${viewer.kind}:${viewer.id}:${channelId}:${timestamp}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const result = this.readThrough(key, load).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, result);
    return result;
  }

  private async readThrough(
    key: string,
    load: () => Promise<RecommendBatch | undefined>,
  ): Promise<RecommendBatch | undefined> {
    const cached = await this.read(key);
    if (cached) return cached;
    const batch = await load();
    if (batch) {
      await this.redis
        .set(key, JSON.stringify(batch), 'EX', FEED_BATCH_TTL_SECONDS)
        .catch((error: unknown) => {
          this.logger.warn(
            `feed batch not cached: ${error instanceof Error ? error.message : String(error)}`,
          );
        });
    }
    return batch;
  }

  // The cache role may be down or evicting; the feed then simply asks the recommend service.
  private async read(key: string): Promise<RecommendBatch | undefined> {
    try {
      const raw = await this.redis.get(key);
      return raw ? (JSON.parse(raw) as RecommendBatch) : undefined;
    } catch {
      return undefined;
    }
  }
}
