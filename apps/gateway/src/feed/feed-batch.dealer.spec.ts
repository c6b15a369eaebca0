import type { ReadingTracker } from '../articles/reading-tracker';
import { FeedBatchDealer, splitRun } from './feed-batch.dealer';
import type { FeedBatchStore } from './feed-batch.store';
import type { UserRecommendClient } from './user-recommend.client';

describe('splitRun', () => {
  it('cuts a run into batches of ten, each with the exposure of its own ids', () => {
    const ids = Array.from({ length: 23 }, (_, index) => String(index + 1));
    const exposure = JSON.stringify({ action: 'exposure', userId: 'u', articleId: `[${ids.join(',')}]`, algorithmCombine: 'Algo-1' });
    const batches = splitRun({ ids, timeStamp: 0, exposure });
    expect(batches.map((batch) => batch.ids.length)).toEqual([10, 10, 3]);
    expect(batches.flatMap((batch) => batch.ids)).toEqual(ids);
    expect(JSON.parse(batches[2].exposure) as Record<string, string>).toMatchObject({ articleId: '[21,22,23]', userId: 'u' });
  });
});

describe('FeedBatchDealer when the queue fails after a draw', () => {
  it('deals the first batch of the drawn run and does not draw again', async () => {
    const ids = Array.from({ length: 50 }, (_, index) => String(1000 + index));
    const exposure = JSON.stringify({ action: 'exposure', userId: 'd', articleId: `[${ids.join(',')}]`, algorithmCombine: 'Algo-1' });
    type Store = Pick<FeedBatchStore, 'next' | 'queueAndNext'>;
    const store = {
      next: jest
        .fn<ReturnType<Store['next']>, Parameters<Store['next']>>()
        .mockResolvedValue({ kind: 'empty', coldIds: [], isNew: false }),
      queueAndNext: jest
        .fn<ReturnType<Store['queueAndNext']>, Parameters<Store['queueAndNext']>>()
        .mockRejectedValue(new Error('OOM command not allowed')),
    };
    type Recommend = UserRecommendClient['recommend'];
    const recommender = {
      recommend: jest
        .fn<ReturnType<Recommend>, Parameters<Recommend>>()
        .mockResolvedValue({ ok: true, batch: { ids, timeStamp: 77, exposure } }),
    };
    const hasHistory = jest.fn<Promise<boolean>, [string]>().mockResolvedValue(true);
    const dealer = new FeedBatchDealer(
      store as unknown as FeedBatchStore,
      recommender as unknown as UserRecommendClient,
      { hasHistory } as unknown as ReadingTracker,
      { FEED_PREFETCH_BATCHES: 5 },
    );
    const dealt = await dealer.deal({ kind: 'device', id: 'd' }, 1, 5000);
    expect(recommender.recommend).toHaveBeenCalledTimes(1);
    expect(dealt).toMatchObject({ ok: true, ids: ids.slice(0, 10), cursor: 77 });
    const dealtExposure = dealt.ok ? (JSON.parse(dealt.exposure) as Record<string, string>) : {};
    expect(dealtExposure).toMatchObject({ articleId: `[${ids.slice(0, 10).join(',')}]`, userId: 'd' });
  });
});
