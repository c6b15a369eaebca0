import type { authoringV1 } from '@app/contracts';

import { presentArticleStatistics } from './article-statistics.presenter';

const NO_READING: authoringV1.GetArticleStatisticsResponse = {
  readCount: 12,
  commentCount: 3,
  fansCommentCount: 1,
  likeCount: 2,
  collectCount: 1,
  repostCount: 0,
  durationReportCount: 0,
  durationSecondsSum: '0',
  completionPercentSum: '0',
  bounceCount: 0,
  completedGt80Count: 0,
  completedLt80Count: 0,
  completedLt20Count: 0,
  fansReadCount: 0,
  recoCount: 0,
  recommendReadCount: 0,
  channelReadCount: 0,
};

describe('presentArticleStatistics', () => {
  it('answers 0 for every reading figure when there are no reports, and origin sums to read_count', () => {
    expect(presentArticleStatistics(NO_READING)).toEqual({
      avg_read_proc: 0,
      bounce_rate: 0,
      time_spent: 0,
      conversion: { reco_count: 0, read_count: 12, fans_read_count: 0, comment_count: 3 },
      origin: { recommend: 0, channel: 0, relation: 0, outter: 0, other: 12 },
      completed: { gt80: 0, lt80: 0, lt20: 0 },
    });
  });

  it('averages completion and seconds per report and gives bounces as a percent of reports', () => {
    const stats = presentArticleStatistics({
      ...NO_READING,
      durationReportCount: 4,
      durationSecondsSum: '3785',
      completionPercentSum: '254',
      bounceCount: 1,
      completedGt80Count: 2,
      completedLt80Count: 1,
      completedLt20Count: 1,
      fansReadCount: 1,
      recoCount: 7,
    });
    expect(stats).toMatchObject({
      avg_read_proc: 64, // 63.5
      bounce_rate: 25,
      time_spent: 946, // 946.25
      conversion: { reco_count: 7, read_count: 12, fans_read_count: 1, comment_count: 3 },
      completed: { gt80: 2, lt80: 1, lt20: 1 },
    });
    const { recommend, channel, relation, outter, other } = stats.origin;
    expect(recommend + channel + relation + outter + other).toBe(12);
  });

  it('rounds percentages to integers', () => {
    const stats = presentArticleStatistics({
      ...NO_READING,
      durationReportCount: 3,
      durationSecondsSum: '10',
      completionPercentSum: '100',
      bounceCount: 2,
    });
    expect(stats).toMatchObject({ avg_read_proc: 33, bounce_rate: 67, time_spent: 3 });
  });

  it('splits reads by origin, the unknown rest under other, never beyond read_count', () => {
    const split = presentArticleStatistics({
      ...NO_READING,
      recommendReadCount: 5,
      channelReadCount: 4,
    });
    expect(split.origin).toEqual({ recommend: 5, channel: 4, relation: 0, outter: 0, other: 3 });
    const capped = presentArticleStatistics({
      ...NO_READING,
      recommendReadCount: 10,
      channelReadCount: 9,
    });
    expect(capped.origin).toEqual({ recommend: 10, channel: 2, relation: 0, outter: 0, other: 0 });
  });
});
