import { CounterKeys, ReadingStatsFields, StateKeys } from '@app/cache';
import { errorMessage } from '@app/config';
import type { articleV1 } from '@app/contracts';
import { Injectable, Logger } from '@nestjs/common';

import { FollowingReader } from './following.reader';
import { HotCounters } from './hot-counters';
import {
  classifyReading,
  expectedReadingSeconds,
  originOf,
  readingIncrements,
  type TrackingFields,
  visibleCharacters,
} from './reading-stats.util';

/**
 * The numbers behind the media platform's article statistics, on the state Redis: per article,
 * the reading-time reports (count, seconds, completion buckets, bounces, reads by fans) and the
 * views by origin in one hash, and the recommend feed's exposures in a counter zset. All go
 * through HotCounters, which writes them every COUNTER_FLUSH_MS and keeps what a write failed (the
 * state Redis restarting) for the next one: they have no rows a repair could count them from again.
 */
@Injectable()
export class ReadingStatsRecorder {
  private readonly logger = new Logger(ReadingStatsRecorder.name);
  /**
   * Expected reading time per cached detail (the two-level cache hands out one object until the
   * article changes): measuring the HTML takes about 20 ms at 1 MiB, and anyone may report.
   */
  private readonly expectedSeconds = new WeakMap<object, number>();

  constructor(
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
    const report = classifyReading(duration, this.expectedSecondsOf(article));
    const byFan =
      readerId !== undefined &&
      readerId !== article.autId &&
      (await this.isFan(readerId, article.autId));
    const key = StateKeys.articleReadingStats(article.artId);
    for (const [field, amount] of readingIncrements(report, byFan))
      this.counters.addToHash(key, field, amount);
  }

  private expectedSecondsOf(article: Pick<articleV1.ArticleDetail, 'content'>): number {
    let seconds = this.expectedSeconds.get(article);
    if (seconds === undefined) {
      seconds = expectedReadingSeconds(visibleCharacters(article.content));
      this.expectedSeconds.set(article, seconds);
    }
    return seconds;
  }

  /** Counts a detail view under where it came from, when the tracking string of its `Trace` header tells. */
  recordOrigin(articleId: string, tracking: TrackingFields): void {
    const origin = originOf(tracking);
    if (origin)
      this.counters.addToHash(
        StateKeys.articleReadingStats(articleId),
        ReadingStatsFields[origin],
        1,
      );
  }

  /**
   * Counts one recommend-feed exposure per id (an id listed twice counts twice) on
   * `CounterKeys.articleRecoExposures` through `HotCounters`; the media platform shows it as
   * `reco_count`.
   */
  recordExposures(articleIds: readonly string[]): void {
    for (const id of articleIds) this.counters.add(CounterKeys.articleRecoExposures, id);
  }

  /**
   * Whether the reader follows the author; a lookup that fails (the user service down) counts the
   * report as not a fan's, as a comment of unknown fan status is, rather than losing it.
   */
  private async isFan(readerId: string, authorId: string): Promise<boolean> {
    try {
      return await this.following.isFollowing(readerId, authorId);
    } catch (error) {
      this.logger.warn(
        `a reading report counted as not a fan's, the follow unknown: ${errorMessage(error)}`,
      );
      return false;
    }
  }
}
