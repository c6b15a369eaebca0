import { REDIS_STATE, StateKeys } from '@app/cache';
import { errorMessage } from '@app/config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';

import { holdsRefusedControl } from './search-text.util';

/** Keywords kept per user, as the reference (`SEARCHING_HISTORY_COUNT_PER_USER`). */
export const SEARCH_HISTORY_SIZE = 4;

/** A user's latest search keywords: zset `user:{uid}:his:searching` (keyword → ms) in the state Redis. */
@Injectable()
export class SearchHistoryStore {
  private readonly logger = new Logger(SearchHistoryStore.name);

  constructor(@Inject(REDIS_STATE) private readonly redis: Redis) {}

  /** Adds (or refreshes) the keyword and keeps only the newest {@link SEARCH_HISTORY_SIZE}. */
  async save(userId: string, keyword: string, at: number = Date.now()): Promise<void> {
    const key = StateKeys.searchHistory(userId);
    await this.redis
      .multi()
      .zadd(key, at, keyword)
      .zremrangebyrank(key, 0, -(SEARCH_HISTORY_SIZE + 1))
      .exec();
  }

  /**
   * Newest first. A keyword holding a control character the search refuses now (saved before it
   * did) is left out and deleted, as the suggestions' were: searched now it would not be saved.
   */
  async list(userId: string): Promise<string[]> {
    const key = StateKeys.searchHistory(userId);
    const keywords = await this.redis.zrevrange(key, 0, SEARCH_HISTORY_SIZE - 1);
    const refused = keywords.filter(holdsRefusedControl);
    if (refused.length === 0) return keywords;
    // Only a history that holds one pays this write, and its failure fails no answer.
    await this.redis
      .zrem(key, ...refused)
      .catch((error: unknown) =>
        this.logger.warn(`could not drop refused search keywords: ${errorMessage(error)}`),
      );
    return keywords.filter((keyword) => !holdsRefusedControl(keyword));
  }

  async clear(userId: string): Promise<void> {
    await this.redis.del(StateKeys.searchHistory(userId));
  }
}
