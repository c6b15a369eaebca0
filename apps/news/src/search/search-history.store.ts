import { REDIS_STATE, StateKeys } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** Keywords kept per user, as the reference (`SEARCHING_HISTORY_COUNT_PER_USER`). */
export const SEARCH_HISTORY_SIZE = 4;

/** A user's latest search keywords: zset `user:{uid}:his:searching` (keyword → ms) in the state Redis. */
@Injectable()
export class SearchHistoryStore {
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

  /** Newest first. */
  list(userId: string): Promise<string[]> {
    return this.redis.zrevrange(StateKeys.searchHistory(userId), 0, SEARCH_HISTORY_SIZE - 1);
  }

  async clear(userId: string): Promise<void> {
    await this.redis.del(StateKeys.searchHistory(userId));
  }
}
