import { ReadingStatsFields, StateKeys } from '@app/cache';

import type { FollowingReader } from './following.reader';
import type { HotCounters } from './hot-counters';
import { ReadingStatsRecorder } from './reading-stats.recorder';

describe('ReadingStatsRecorder', () => {
  const setUp = () => {
    const addToHash = jest.fn();
    const isFollowing = jest.fn().mockResolvedValue(false);
    const recorder = new ReadingStatsRecorder(
      { isFollowing } as unknown as FollowingReader,
      { addToHash } as unknown as HotCounters,
    );
    return { recorder, addToHash };
  };

  /** A cached detail whose content counts how often it is read: 1 000 characters, two minutes. */
  const cachedDetail = () => {
    const detail = { artId: '1300000000000000001', autId: '1294287382374383616', contentReads: 0 };
    return Object.defineProperty(detail, 'content', {
      get: () => {
        detail.contentReads += 1;
        return `<p>${'字'.repeat(1000)}</p>`;
      },
    }) as typeof detail & { content: string };
  };

  it('measures a cached article once for all the reports on it: a long one cost each report a pass over its HTML', async () => {
    const { recorder, addToHash } = setUp();
    const article = cachedDetail();
    await recorder.recordDuration(article, 60, undefined);
    await recorder.recordDuration(article, 120, undefined);
    expect(article.contentReads).toBe(1);
    const key = StateKeys.articleReadingStats(article.artId);
    const completions = addToHash.mock.calls.filter(
      ([, field]) => field === ReadingStatsFields.completionPercent,
    );
    expect(completions).toEqual([
      [key, ReadingStatsFields.completionPercent, 50],
      [key, ReadingStatsFields.completionPercent, 100],
    ]);
  });

  it('measures an article again once its cached detail is replaced (an edit)', async () => {
    const { recorder } = setUp();
    const [before, after] = [cachedDetail(), cachedDetail()];
    await recorder.recordDuration(before, 60, undefined);
    await recorder.recordDuration(after, 60, undefined);
    expect([before.contentReads, after.contentReads]).toEqual([1, 1]);
  });
});
