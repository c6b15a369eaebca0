import type { authoringV1 } from '@app/contracts';

/** The YApi shape of GET /statistics/articles/{id}. */
export interface MpArticleStatistics {
  avg_read_proc: number;
  bounce_rate: number;
  time_spent: number;
  conversion: {
    reco_count: number;
    read_count: number;
    fans_read_count: number;
    comment_count: number;
  };
  origin: { recommend: number; channel: number; relation: number; outter: number; other: number };
  completed: { gt80: number; lt80: number; lt20: number };
}

/**
 * Fills the shape from what the news service records: reads and comments (live counters).
 * Nothing records read progress, dwell time, exposures, the reader's relation to the author or
 * where a read came from (the gateway's trace log is not reachable from here), so
 * `avg_read_proc`, `bounce_rate`, `time_spent`, `completed.*`, `reco_count` and `fans_read_count`
 * are 0, and every read is counted under `origin.other`, which keeps `origin` summing to `read_count`.
 */
export function presentArticleStatistics(
  stats: authoringV1.GetArticleStatisticsResponse,
): MpArticleStatistics {
  return {
    avg_read_proc: 0,
    bounce_rate: 0,
    time_spent: 0,
    conversion: {
      reco_count: 0,
      read_count: stats.readCount,
      fans_read_count: 0,
      comment_count: stats.commentCount,
    },
    origin: { recommend: 0, channel: 0, relation: 0, outter: 0, other: stats.readCount },
    completed: { gt80: 0, lt80: 0, lt20: 0 },
  };
}
