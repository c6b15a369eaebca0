import { CounterKeys, REDIS_STATE, StateKeys } from '@app/cache';
import { errorMessage } from '@app/config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';

import { HotCounters } from './hot-counters';

/** The reference keeps the newest 100 articles of a reader's history. */
export const READING_HISTORY_SIZE = 100;

/**
 * What an article-detail GET records: the article's and the author's read counters (through
 * the in-process `HotCounters`), and for a signed-in reader the history zset on the state Redis
 * (article id -> seconds, auto-pipelined).
 */
@Injectable()
export class ReadingTracker {
  private readonly logger = new Logger(ReadingTracker.name);

  constructor(
    @Inject(REDIS_STATE) private readonly state: Redis,
    private readonly counters: HotCounters,
  ) {}

  async recordRead(
    articleId: string,
    authorId: string,
    readerId: string | undefined,
    now = Date.now(),
  ): Promise<void> {
    this.counters.add(CounterKeys.articleReads, articleId);
    this.counters.add(CounterKeys.authorReads, authorId);
    if (!readerId) return;
    const history = StateKeys.readingHistory(readerId);
    try {
      // Separate commands rather than a pipeline: the client's auto-pipelining sends the writes
      // of every request of this event-loop turn in one write.
      await Promise.all([
        this.state.zadd(history, now / 1000, articleId),
        this.state.zremrangebyrank(history, 0, -(READING_HISTORY_SIZE + 1)),
      ]);
    } catch (error) {
      // Reading the article matters more than remembering it.
      this.logger.error(`history not recorded for article ${articleId}: ${errorMessage(error)}`);
    }
  }

  /** Whether the reader has read anything (the recommend service then ranks by their interests). */
  async hasHistory(readerId: string): Promise<boolean> {
    return (await this.state.exists(StateKeys.readingHistory(readerId))) === 1;
  }

  /** Drops articles from the reader's history (ones deleted for good). */
  async forget(readerId: string, articleIds: readonly string[]): Promise<void> {
    if (articleIds.length > 0)
      await this.state.zrem(StateKeys.readingHistory(readerId), ...articleIds);
  }

  /** The reader's history, newest first: the newest READING_HISTORY_SIZE articles, whatever their status now. */
  history(readerId: string): Promise<string[]> {
    return this.state.zrevrange(StateKeys.readingHistory(readerId), 0, READING_HISTORY_SIZE - 1);
  }
}
