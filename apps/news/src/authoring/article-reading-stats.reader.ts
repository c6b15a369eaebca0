import { CounterKeys, execReplies, REDIS_STATE, ReadingStatsFields, StateKeys } from '@app/cache';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** One article's reading-time reports and feed exposures, as the gateway records them (missing = 0). */
export interface ArticleReadingStats {
  reports: number;
  seconds: number;
  completionPercent: number;
  bounces: number;
  gt80: number;
  lt80: number;
  lt20: number;
  fanReads: number;
  recoExposures: number;
  recommendReads: number;
  channelReads: number;
}

/** Reads `StateKeys.articleReadingStats` and the exposure counter in one pipeline. */
@Injectable()
export class ArticleReadingStatsReader {
  constructor(@Inject(REDIS_STATE) private readonly redis: Redis) {}

  async read(articleId: string): Promise<ArticleReadingStats> {
    const [hash, exposures] = (await execReplies(
      this.redis
        .pipeline()
        .hgetall(StateKeys.articleReadingStats(articleId))
        .zscore(CounterKeys.articleRecoExposures, articleId),
    )) as [Record<string, string>, string | null];
    const field = (name: string): number => Math.max(0, Number(hash[name] ?? 0) || 0);
    return {
      reports: field(ReadingStatsFields.reports),
      seconds: field(ReadingStatsFields.seconds),
      completionPercent: field(ReadingStatsFields.completionPercent),
      bounces: field(ReadingStatsFields.bounces),
      gt80: field(ReadingStatsFields.gt80),
      lt80: field(ReadingStatsFields.lt80),
      lt20: field(ReadingStatsFields.lt20),
      fanReads: field(ReadingStatsFields.fanReads),
      recommendReads: field(ReadingStatsFields.recommendReads),
      channelReads: field(ReadingStatsFields.channelReads),
      recoExposures: Math.max(0, Number(exposures ?? 0)),
    };
  }
}
