import { CounterKeys, execReplies, ReadingStatsFields, REDIS_STATE, StateKeys } from '@app/cache';
import { errorMessage } from '@app/config';
import type { articleV1 } from '@app/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';

import { FollowingReader } from './following.reader';
import { HotCounters } from './hot-counters';
import {
  classifyReading,
  expectedReadingSeconds,
  readingIncrements,
  readOrigin,
  visibleCharacters,
} from './reading-stats.util';

/**
 * The numbers behind the media platform's article statistics, on the state Redis: per article,
 * the reading-time reports (count, seconds, completion buckets, bounces, reads by fans) and the
 * views by origin in one hash (one round trip per call), and the recommend feed's exposures in a
 * counter zset (through HotCounters). A failure is logged, never answered to the reader.
 */
@Injectable()
export class ReadingStatsRecorder {
  private readonly logger = new Logger(ReadingStatsRecorder.name);

  constructor(
    @Inject(REDIS_STATE) private readonly state: Redis,
    private readonly following: FollowingReader,
    private readonly counters: HotCounters,
  ) {}

  /**
   * One report of `duration` seconds on an approved article (its cached detail gives the
   * expected reading time); `readerId` (signed-in readers) decides whether it is a fan's read.
   */
  async recordDuration(
    article: Pick<articleV1.ArticleDetail, 'artId' | 'autId' | 'content'>,
    duration: number,
    readerId: string | undefined,
  ): Promise<void> {
    try {
      const report = classifyReading(
        duration,
        expectedReadingSeconds(visibleCharacters(article.content)),
      );
      const byFan =
        readerId !== undefined &&
        readerId !== article.autId &&
        (await this.following.isFollowing(readerId, article.autId));
      const key = StateKeys.articleReadingStats(article.artId);
      const transaction = this.state.multi();
      for (const [field, amount] of readingIncrements(report, byFan))
        transaction.hincrby(key, field, amount);
      await execReplies(transaction);
    } catch (error) {
      this.logFailure(`reading time not recorded for article ${article.artId}`, error);
    }
  }

  /** Counts a detail view under where it came from, when its `Trace` header tells. */
  async recordOrigin(articleId: string, trace: string | undefined): Promise<void> {
    const origin = readOrigin(trace);
    if (!origin) return;
    try {
      await this.state.hincrby(StateKeys.articleReadingStats(articleId), ReadingStatsFields[origin], 1);
    } catch (error) {
      this.logFailure(`read origin not recorded for article ${articleId}`, error);
    }
  }

  /**
   * Counts one recommend-feed exposure per id (an id listed twice counts twice) on
   * `CounterKeys.articleRecoExposures` through `HotCounters`; the media platform shows it as
   * `reco_count`.
   */
  recordExposures(articleIds: readonly string[]): void {
    for (const id of articleIds) this.counters.add(CounterKeys.articleRecoExposures, id);
  }

  private logFailure(what: string, error: unknown): void {
    this.logger.error(`${what}: ${errorMessage(error)}`);
  }
}
