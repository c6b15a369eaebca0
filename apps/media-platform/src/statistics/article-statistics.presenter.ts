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

/** `part` per `whole` report, rounded; 0 when there are no reports. */
function perReport(part: number, whole: number): number {
  return whole > 0 ? Math.round(part / whole) : 0;
}

/**
 * Fills the shape from what the news service returns:
 * - `read_count` and `comment_count`: the live counters (article detail views, comments);
 * - from the app's reading-time reports (`POST /app/v1_0/reading/durations`, aggregated by the
 *   gateway): `avg_read_proc` the mean completion percent (reported time over the article's
 *   expected reading time, capped at 100), `bounce_rate` the percent of reports under the bounce
 *   threshold, `time_spent` the mean seconds per report, `completed.*` the reports by completion
 *   (above 80 %, 20-80 %, below 20 %) and `fans_read_count` the reports by readers who follow
 *   the author; all 0 without reports;
 * - `reco_count`: the recommend feed's exposures of the article.
 * - `origin`: detail views opened from a recommend feed card (`recommend`) or a channel's latest
 *   list (`channel`), told apart by the tracking string the app echoes; the rest is `other`, so
 *   `origin` sums to `read_count` (`relation` and `outter` have no source in the app: 0).
 */
export function presentArticleStatistics(
  stats: authoringV1.GetArticleStatisticsResponse,
): MpArticleStatistics {
  const reports = stats.durationReportCount;
  return {
    avg_read_proc: perReport(Number(stats.completionPercentSum), reports),
    bounce_rate: perReport(stats.bounceCount * 100, reports),
    time_spent: perReport(Number(stats.durationSecondsSum), reports),
    conversion: {
      reco_count: stats.recoCount,
      read_count: stats.readCount,
      fans_read_count: stats.fansReadCount,
      comment_count: stats.commentCount,
    },
    origin: presentOrigin(stats),
    completed: {
      gt80: stats.completedGt80Count,
      lt80: stats.completedLt80Count,
      lt20: stats.completedLt20Count,
    },
  };
}

function presentOrigin(
  stats: authoringV1.GetArticleStatisticsResponse,
): MpArticleStatistics['origin'] {
  const recommend = Math.min(stats.recommendReadCount, stats.readCount);
  const channel = Math.min(stats.channelReadCount, stats.readCount - recommend);
  return {
    recommend,
    channel,
    relation: 0,
    outter: 0,
    other: stats.readCount - recommend - channel,
  };
}
