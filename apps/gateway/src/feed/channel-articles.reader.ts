import { REDIS_STATE, StateKeys } from '@app/cache';
import type { articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';

/** How long a replica serves a channel's pinned ids without reading them again. */
export const PINS_CACHE_MS = 1_000;

/** The largest batch ArticleService.ListLatestArticles answers. */
export const LATEST_MAX_LIMIT = 100;

/** Article ids of a channel: its pinned (top) articles and its latest approved ones. */
@Injectable()
export class ChannelArticlesReader {
  private readonly pins = new LRUCache<number, Promise<string[]>>({ max: 1_000, ttl: PINS_CACHE_MS });

  constructor(
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
    @Inject(REDIS_STATE) private readonly state: Redis,
  ) {}

  /**
   * `ch:{cid}:art:top`, highest sequence first (as the reference reads it). Pins change rarely
   * and every feed page reads them, so each replica keeps them for a second.
   */
  topIds(channelId: number): Promise<string[]> {
    let pins = this.pins.get(channelId);
    if (!pins) {
      pins = this.state.zrevrange(StateKeys.channelTopArticles(channelId), 0, -1);
      this.pins.set(channelId, pins);
      pins.catch(() => this.pins.delete(channelId));
    }
    return pins;
  }

  /** The latest approved ids of the channel (0 = all), newest first, older than `beforeId` ('' = newest). */
  async latestIds(channelId: number, limit: number, beforeId: string): Promise<string[]> {
    const { articleIds } = await unary(
      this.articles.listLatestArticles({ channelId, limit, beforeArticleId: beforeId }),
    );
    return articleIds;
  }
}
