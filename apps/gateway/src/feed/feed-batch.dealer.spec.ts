import { Registry } from 'prom-client';

import type { ReadingTracker } from '../articles/reading-tracker';
import { FeedBatchDealer, splitRun } from './feed-batch.dealer';
import type { FeedBatchStore, NextBatch } from './feed-batch.store';
import { FeedMetrics } from './feed.metrics';
import type { UserRecommendClient } from './user-recommend.client';

/** The feed's counters in a registry of their own. */
function feedMetrics(registry = new Registry()): FeedMetrics {
  return new FeedMetrics({ registry });
}

/** The queue's answer when it holds nothing to deal: the viewer has history, the page starts afresh. */
function nothingQueued(): NextBatch {
  return { kind: 'empty', coldIds: [], isNew: false, continued: false };
}

describe('splitRun', () => {
  it('cuts a run into batches of ten, each with the exposure of its own ids', () => {
    const ids = Array.from({ length: 23 }, (_, index) => String(index + 1));
    const exposure = JSON.stringify({
      action: 'exposure',
      userId: 'u',
      articleId: `[${ids.join(',')}]`,
      algorithmCombine: 'Algo-1',
    });
    const batches = splitRun({ ids, timeStamp: 0, exposure });
    expect(batches.map((batch) => batch.ids.length)).toEqual([10, 10, 3]);
    expect(batches.flatMap((batch) => batch.ids)).toEqual(ids);
    expect(JSON.parse(batches[2].exposure) as Record<string, string>).toMatchObject({
      articleId: '[21,22,23]',
      userId: 'u',
    });
  });
});

describe('FeedBatchDealer when the queue fails after a draw', () => {
  it('deals the first batch of the drawn run and does not draw again', async () => {
    const ids = Array.from({ length: 50 }, (_, index) => String(1000 + index));
    const exposure = JSON.stringify({
      action: 'exposure',
      userId: 'd',
      articleId: `[${ids.join(',')}]`,
      algorithmCombine: 'Algo-1',
    });
    type Store = Pick<FeedBatchStore, 'next' | 'queueAndNext'>;
    const store = {
      next: jest
        .fn<ReturnType<Store['next']>, Parameters<Store['next']>>()
        .mockResolvedValue(nothingQueued()),
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
      feedMetrics(),
    );
    const dealt = await dealer.deal({ kind: 'device', id: 'd' }, 1, 5000);
    expect(recommender.recommend).toHaveBeenCalledTimes(1);
    expect(dealt).toMatchObject({ ok: true, ids: ids.slice(0, 10), cursor: 0 });
    const dealtExposure = dealt.ok ? (JSON.parse(dealt.exposure) as Record<string, string>) : {};
    expect(dealtExposure).toMatchObject({
      articleId: `[${ids.slice(0, 10).join(',')}]`,
      userId: 'd',
    });
  });
});

describe('FeedBatchDealer with the queue down', () => {
  type Store = Pick<FeedBatchStore, 'next'>;
  type Recommend = UserRecommendClient['recommend'];

  type Batch = { ids: string[]; timeStamp: number; exposure: string };
  let recommender: { recommend: jest.Mock<ReturnType<Recommend>, Parameters<Recommend>> };

  /** Deals with the queue down; the recommend service answers `batches` in turn, then the last again. */
  async function dealtStraight(...batches: Batch[]) {
    const store = {
      next: jest
        .fn<ReturnType<Store['next']>, Parameters<Store['next']>>()
        .mockRejectedValue(new Error('connect ECONNREFUSED')),
    };
    recommender = {
      recommend: jest.fn<ReturnType<Recommend>, Parameters<Recommend>>(() =>
        Promise.resolve({
          ok: true,
          batch: (batches.length > 1 ? batches.shift() : undefined) ?? batches[0],
        }),
      ),
    };
    const dealer = new FeedBatchDealer(
      store as unknown as FeedBatchStore,
      recommender as unknown as UserRecommendClient,
      {
        hasHistory: jest.fn<Promise<boolean>, [string]>().mockResolvedValue(true),
      } as unknown as ReadingTracker,
      { FEED_PREFETCH_BATCHES: 5 },
      feedMetrics(),
    );
    return dealer.deal({ kind: 'device', id: 'd' }, 1, 5000);
  }

  it('answers a fresh batch straight from the recommend service with cursor 0, not its pointer back', async () => {
    // The recommend service points back at its batch before, which toutiao-m would be dealt again.
    expect(
      await dealtStraight({ ids: ['1', '2'], timeStamp: 4000, exposure: 'exposure of 1,2' }),
    ).toMatchObject({
      ok: true,
      ids: ['1', '2'],
      cursor: 0,
    });
  });

  it('keeps the newest stamp of an empty fresh batch (nothing to draw)', async () => {
    expect(await dealtStraight({ ids: [], timeStamp: 3000, exposure: '' })).toMatchObject({
      ok: true,
      ids: [],
      cursor: 3000,
    });
    expect(recommender.recommend).toHaveBeenCalledTimes(1);
  });

  it('draws once more, past every stamp and within the same deadline, when the recommend service answers a replay, and deals the fresh batch', async () => {
    // Another gateway drew under a later stamp: the service replays a batch dealt already.
    const before = Date.now();
    expect(
      await dealtStraight(
        { ids: ['3'], timeStamp: 3000, exposure: '' },
        { ids: ['4', '5'], timeStamp: 4000, exposure: 'exposure of 4,5' },
      ),
    ).toMatchObject({ ok: true, ids: ['4', '5'], cursor: 0, exposure: 'exposure of 4,5' });
    const [[, , , , deadline], [, , redrawn, , sameDeadline]] = recommender.recommend.mock.calls;
    expect(redrawn).toBeGreaterThanOrEqual(before + 60_000);
    expect(sameDeadline).toBe(deadline);
  });

  it('deals nothing of a redraw answered as a replay again: those articles were dealt', async () => {
    expect(await dealtStraight({ ids: ['3'], timeStamp: 3000, exposure: '' })).toMatchObject({
      ok: true,
      ids: [],
      exposure: '',
    });
    expect(recommender.recommend).toHaveBeenCalledTimes(2);
  });
});

describe('FeedBatchDealer drawing ahead', () => {
  type Store = Pick<FeedBatchStore, 'next' | 'queueAndNext' | 'queue' | 'topUp'>;
  type Recommend = UserRecommendClient['recommend'];
  const viewer = { kind: 'device' as const, id: 'd' };
  const run = Array.from({ length: 12 }, (_, index) => String(2000 + index));
  const lastBatch = { ids: ['1', '2'], exposure: 'last' };

  function setUp(recommend: Recommend) {
    const store = {
      next: jest.fn<ReturnType<Store['next']>, Parameters<Store['next']>>(),
      queueAndNext: jest.fn<ReturnType<Store['queueAndNext']>, Parameters<Store['queueAndNext']>>(),
      queue: jest
        .fn<ReturnType<Store['queue']>, Parameters<Store['queue']>>()
        .mockResolvedValue(undefined),
      topUp: jest.fn<ReturnType<Store['topUp']>, Parameters<Store['topUp']>>(),
    };
    const recommender = {
      recommend: jest.fn<ReturnType<Recommend>, Parameters<Recommend>>(recommend),
    };
    const registry = new Registry();
    const dealer = new FeedBatchDealer(
      store as unknown as FeedBatchStore,
      recommender as unknown as UserRecommendClient,
      { hasHistory: jest.fn().mockResolvedValue(true) } as unknown as ReadingTracker,
      { FEED_PREFETCH_BATCHES: 5 },
      feedMetrics(registry),
    );
    return { store, recommender, dealer, registry };
  }

  it('answers the last queued batch at once and queues the next run, leaving out the cold ids it drew', async () => {
    let answer: (result: Awaited<ReturnType<Recommend>>) => void = () => undefined;
    const { store, recommender, dealer } = setUp(
      () => new Promise((resolve) => (answer = resolve)),
    );
    store.next.mockResolvedValueOnce({
      kind: 'fresh',
      batch: lastBatch,
      cursor: 10,
      continued: false,
      lastQueued: true,
      coldIds: ['2001', '9'],
    });

    const before = Date.now();
    const dealt = await dealer.deal(viewer, 1, 5000);
    expect(dealt).toMatchObject({ ok: true, ids: ['1', '2'], cursor: 10 });
    // Drawn under the clock: the stamp of a page that goes on may be older than one drawn for since.
    expect(recommender.recommend).toHaveBeenCalledWith(
      'd',
      1,
      expect.any(Number),
      52,
      expect.any(Number),
    );
    expect(recommender.recommend.mock.calls[0][2]).toBeGreaterThanOrEqual(before);
    expect(recommender.recommend.mock.calls[0][2]).toBeLessThanOrEqual(Date.now());
    expect(store.queue).not.toHaveBeenCalled();

    answer({ ok: true, batch: { ids: run, timeStamp: 20, exposure: 'drawn' } });
    await new Promise((resolve) => setImmediate(resolve));
    const [, channel, batches, stillUndrawn] = store.queue.mock.calls[0];
    expect(channel).toBe(1);
    expect(batches.flatMap((batch) => batch.ids)).toEqual(run.filter((id) => id !== '2001'));
    expect(stillUndrawn).toEqual(['9']);
  });

  it('queues the drawn run as it is when it holds only the cold ids the viewer was dealt: the pool starts over', async () => {
    const { store, recommender, dealer } = setUp(() =>
      Promise.resolve({ ok: true, batch: { ids: ['2', '1'], timeStamp: 20, exposure: 'drawn' } }),
    );
    store.next.mockResolvedValueOnce({
      kind: 'empty',
      coldIds: ['1', '2'],
      isNew: false,
      continued: false,
    });
    store.queueAndNext.mockResolvedValue({
      kind: 'fresh',
      batch: { ids: ['2', '1'], exposure: '' },
      cursor: 30,
      continued: false,
      lastQueued: false,
      coldIds: [],
    });

    const before = Date.now();
    const dealt = await dealer.deal(viewer, 1, 5000);
    expect(recommender.recommend).toHaveBeenCalledWith(
      'd',
      1,
      expect.any(Number),
      52,
      expect.any(Number),
    );
    expect(recommender.recommend.mock.calls[0][2]).toBeGreaterThanOrEqual(before);
    const [, , stamp, batches, stillUndrawn] = store.queueAndNext.mock.calls[0];
    // The run's first batch is dealt under the request's own stamp.
    expect(stamp).toBe(5000);
    expect(batches.flatMap((batch) => batch.ids)).toEqual(['2', '1']);
    expect(stillUndrawn).toEqual([]);
    expect(dealt).toMatchObject({ ok: true, ids: ['2', '1'], cursor: 30 });
  });

  it('lets a request that comes before the run is queued wait for it instead of drawing again', async () => {
    let answer: (result: Awaited<ReturnType<Recommend>>) => void = () => undefined;
    const { store, recommender, dealer } = setUp(
      () => new Promise((resolve) => (answer = resolve)),
    );
    store.next
      .mockResolvedValueOnce({
        kind: 'fresh',
        batch: lastBatch,
        cursor: 10,
        continued: false,
        lastQueued: true,
        coldIds: [],
      })
      .mockResolvedValueOnce(nothingQueued())
      .mockResolvedValueOnce({
        kind: 'fresh',
        batch: { ids: run.slice(0, 10), exposure: 'e' },
        cursor: 20,
        continued: false,
        lastQueued: false,
        coldIds: [],
      });

    await dealer.deal(viewer, 1, 5000);
    const waiting = dealer.deal(viewer, 1, 6000);
    await new Promise((resolve) => setImmediate(resolve));
    answer({ ok: true, batch: { ids: run, timeStamp: 20, exposure: 'drawn' } });

    expect(await waiting).toMatchObject({ ok: true, ids: run.slice(0, 10), cursor: 20 });
    expect(recommender.recommend).toHaveBeenCalledTimes(1);
    expect(store.queue).toHaveBeenCalledTimes(1);
  });

  it('has a request that waited for a refill and took its last batch draw the next run', async () => {
    let answerRefill: (result: Awaited<ReturnType<Recommend>>) => void = () => undefined;
    const refill = new Promise<Awaited<ReturnType<Recommend>>>(
      (resolve) => (answerRefill = resolve),
    );
    const draws = [refill, new Promise<Awaited<ReturnType<Recommend>>>(() => undefined)];
    const { store, recommender, dealer } = setUp(
      () => draws.shift() ?? Promise.resolve({ ok: false, reason: 'error' }),
    );
    store.next
      .mockResolvedValueOnce(nothingQueued())
      .mockResolvedValueOnce(nothingQueued())
      .mockResolvedValueOnce({
        kind: 'fresh',
        batch: lastBatch,
        cursor: 40,
        continued: false,
        lastQueued: true,
        coldIds: [],
      });
    store.queueAndNext.mockResolvedValue({
      kind: 'fresh',
      batch: { ids: run.slice(0, 10), exposure: 'e' },
      cursor: 30,
      continued: false,
      lastQueued: false,
      coldIds: [],
    });

    const first = dealer.deal(viewer, 1, 5000);
    const waiting = dealer.deal(viewer, 1, 6000);
    await new Promise((resolve) => setImmediate(resolve));
    answerRefill({ ok: true, batch: { ids: run, timeStamp: 30, exposure: 'drawn' } });

    expect(await first).toMatchObject({ ok: true, ids: run.slice(0, 10) });
    // Answered while the next run is still being drawn.
    expect(await waiting).toMatchObject({ ok: true, ids: ['1', '2'], cursor: 40 });
    expect(recommender.recommend).toHaveBeenCalledTimes(2);
    expect(recommender.recommend).toHaveBeenLastCalledWith(
      'd',
      1,
      expect.any(Number),
      50,
      expect.any(Number),
    );
    // Drawn under the clock, each call after the one before (the recommend service replays a stamp at or before its newest).
    const [[, , aheadStamp], [, , nextStamp]] = recommender.recommend.mock.calls;
    expect(nextStamp).toBeGreaterThan(aheadStamp);
  });

  it('has the waiting request draw for itself when the run drawn ahead failed', async () => {
    let timeOut: () => void = () => undefined;
    const aheadTimesOut = new Promise<Awaited<ReturnType<Recommend>>>(
      (resolve) => (timeOut = () => resolve({ ok: false, reason: 'timeout' })),
    );
    const results = [
      aheadTimesOut,
      Promise.resolve({ ok: true as const, batch: { ids: run, timeStamp: 30, exposure: 'drawn' } }),
    ];
    const { store, recommender, dealer } = setUp(
      () => results.shift() ?? Promise.resolve({ ok: false, reason: 'error' }),
    );
    store.next
      .mockResolvedValueOnce({
        kind: 'fresh',
        batch: lastBatch,
        cursor: 10,
        continued: false,
        lastQueued: true,
        coldIds: [],
      })
      .mockResolvedValue(nothingQueued());
    store.queueAndNext.mockResolvedValue({
      kind: 'fresh',
      batch: { ids: run.slice(0, 10), exposure: 'e' },
      cursor: 30,
      continued: false,
      lastQueued: false,
      coldIds: [],
    });

    await dealer.deal(viewer, 1, 5000);
    const waiting = dealer.deal(viewer, 1, 6000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(recommender.recommend).toHaveBeenCalledTimes(1);
    timeOut();
    const dealt = await waiting;

    expect(dealt).toMatchObject({ ok: true, ids: run.slice(0, 10), cursor: 30 });
    expect(recommender.recommend).toHaveBeenCalledTimes(2);
    expect(store.queue).not.toHaveBeenCalled();
    expect(store.queueAndNext).toHaveBeenCalledTimes(1);
  });

  it('draws the next run when filling a batch took the last queued ids, and fills nothing while the queue is down', async () => {
    const { store, recommender, dealer } = setUp(() =>
      Promise.resolve({ ok: true, batch: { ids: run, timeStamp: 20, exposure: 'drawn' } }),
    );
    store.topUp
      .mockResolvedValueOnce({ ids: ['7'], lastQueued: false, coldIds: [] })
      .mockResolvedValueOnce({ ids: ['8'], lastQueued: true, coldIds: ['2001'] })
      .mockRejectedValueOnce(new Error('connect ECONNREFUSED'));

    expect(await dealer.topUp(viewer, 1, 5000, 1)).toEqual(['7']);
    expect(recommender.recommend).not.toHaveBeenCalled();
    expect(await dealer.topUp(viewer, 1, 5000, 2)).toEqual(['8']);
    expect(store.topUp).toHaveBeenLastCalledWith(viewer, 1, 5000, 2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(recommender.recommend).toHaveBeenCalledTimes(1);
    const [, , batches] = store.queue.mock.calls[0];
    expect(batches.flatMap((batch) => batch.ids)).toEqual(run.filter((id) => id !== '2001'));
    expect(await dealer.topUp(viewer, 1, 5000, 1)).toEqual([]);
  });

  it('deals a queued batch with one store call and no recommend call', async () => {
    const { store, recommender, dealer } = setUp(() => Promise.reject(new Error('not called')));
    store.next.mockResolvedValueOnce({
      kind: 'fresh',
      batch: { ids: run.slice(0, 10), exposure: 'e' },
      cursor: 5001,
      continued: false,
      lastQueued: false,
      coldIds: [],
    });
    expect(await dealer.deal(viewer, 1, 5000)).toMatchObject({ ok: true, ids: run.slice(0, 10) });
    expect(store.next).toHaveBeenCalledTimes(1);
    expect(recommender.recommend).not.toHaveBeenCalled();
  });

  it('draws once more, past every stamp and within the same deadline, when the recommend service answers a replay, and queues only the fresh run', async () => {
    // Another gateway drew under a later stamp: the service replays a batch dealt already.
    const answers = [
      { ok: true as const, batch: { ids: ['7', '8'], timeStamp: 10, exposure: '' } },
      { ok: true as const, batch: { ids: run, timeStamp: 90, exposure: 'drawn' } },
    ];
    const { store, recommender, dealer } = setUp(() =>
      Promise.resolve(answers.shift() ?? { ok: false, reason: 'error' }),
    );
    store.next.mockResolvedValueOnce(nothingQueued());
    store.queueAndNext.mockResolvedValue({
      kind: 'fresh',
      batch: { ids: run.slice(0, 10), exposure: 'e' },
      cursor: 5001,
      continued: false,
      lastQueued: false,
      coldIds: [],
    });

    const before = Date.now();
    expect(await dealer.deal(viewer, 1, 5000)).toMatchObject({ ok: true, ids: run.slice(0, 10) });
    const [[, , stamp, , deadline], [, , redrawn, , sameDeadline]] =
      recommender.recommend.mock.calls;
    expect(stamp).toBeLessThanOrEqual(Date.now());
    expect(redrawn).toBeGreaterThanOrEqual(before + 60_000);
    expect(redrawn).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(deadline).toBeGreaterThanOrEqual(before + 200);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 200);
    expect(sameDeadline).toBe(deadline);
    const [, , , batches] = store.queueAndNext.mock.calls[0];
    expect(batches.flatMap((batch) => batch.ids)).toEqual(run);
  });

  it.each([
    ['a replay of a stamp before every batch (nothing, cursor 0)', { ids: [], timeStamp: 0 }, 2],
    ['a replay answered again', { ids: ['7'], timeStamp: 10 }, 2],
    ['an empty fresh batch (nothing to draw, the newest stamp)', { ids: [], timeStamp: 4000 }, 1],
  ])('draws at most once more: %s', async (_case, answer, calls) => {
    const { store, recommender, dealer } = setUp(() =>
      Promise.resolve({ ok: true, batch: { ...answer, exposure: '' } }),
    );
    store.next.mockResolvedValue(nothingQueued());
    store.queueAndNext.mockResolvedValue(nothingQueued());
    await dealer.deal(viewer, 1, 5000);
    expect(recommender.recommend).toHaveBeenCalledTimes(calls);
  });

  it('neither queues nor deals a redraw answered as a replay again (a clock more than a minute behind): the page is dealt nothing', async () => {
    const { store, recommender, dealer } = setUp(() =>
      Promise.resolve({ ok: true, batch: { ids: ['7', '8'], timeStamp: 10, exposure: '' } }),
    );
    store.next.mockResolvedValue(nothingQueued());

    expect(await dealer.deal(viewer, 1, 5000)).toMatchObject({ ok: true, ids: [] });
    expect(recommender.recommend).toHaveBeenCalledTimes(2);
    expect(store.queueAndNext).not.toHaveBeenCalled();
  });

  it('draws the next run under a stamp past the redraw, where the clock alone is still behind what the recommend service keeps for it', async () => {
    const answers = [
      { ok: true as const, batch: { ids: ['7', '8'], timeStamp: 10, exposure: '' } },
      { ok: true as const, batch: { ids: run, timeStamp: 90, exposure: 'drawn' } },
      { ok: true as const, batch: { ids: run, timeStamp: 95, exposure: 'drawn' } },
    ];
    const { store, recommender, dealer } = setUp(() =>
      Promise.resolve(answers.shift() ?? { ok: false, reason: 'error' }),
    );
    store.next.mockResolvedValue(nothingQueued());
    store.queueAndNext.mockResolvedValue({
      kind: 'fresh',
      batch: { ids: run.slice(0, 10), exposure: 'e' },
      cursor: 5001,
      continued: false,
      lastQueued: false,
      coldIds: [],
    });

    await dealer.deal(viewer, 1, 5000);
    await dealer.deal(viewer, 1, 5001);
    const stamps = recommender.recommend.mock.calls.map(([, , stamp]) => stamp);
    expect(stamps).toHaveLength(3);
    expect(stamps[2]).toBeGreaterThan(stamps[1]);
  });

  it('draws another run when what the fallback pages showed left nothing of the one queued, where the page was dealt nothing, and stops after three', async () => {
    const { store, recommender, dealer, registry } = setUp(() =>
      Promise.resolve({ ok: true, batch: { ids: run, timeStamp: 20, exposure: 'drawn' } }),
    );
    const emptied = async () =>
      (await registry.getSingleMetric('feed_recommend_runs_left_empty_total')?.get())?.values[0]
        ?.value;
    store.next.mockResolvedValue(nothingQueued());
    store.queueAndNext.mockResolvedValueOnce({
      kind: 'empty',
      coldIds: ['9'],
      isNew: false,
      continued: false,
    });
    store.queueAndNext.mockResolvedValueOnce({
      kind: 'fresh',
      batch: { ids: run.slice(0, 10), exposure: 'e' },
      cursor: 5001,
      continued: false,
      lastQueued: false,
      coldIds: [],
    });
    expect(await dealer.deal(viewer, 1, 5000)).toMatchObject({ ok: true, ids: run.slice(0, 10) });
    expect(recommender.recommend).toHaveBeenCalledTimes(2);
    // The second draw leaves out the cold-start ids the first did not draw, under the same stamp.
    expect(recommender.recommend.mock.calls[1][3]).toBe(51);
    expect(store.queueAndNext.mock.calls.map(([, , stamp]) => stamp)).toEqual([5000, 5000]);
    // Each run left empty is counted, for operators to tell these draws from the others.
    expect(await emptied()).toBe(1);

    store.queueAndNext.mockResolvedValue(nothingQueued());
    expect(await dealer.deal(viewer, 1, 6000)).toMatchObject({ ok: true, ids: [] });
    expect(recommender.recommend).toHaveBeenCalledTimes(5);
    expect(await emptied()).toBe(4);
  });

  it('draws the runs of one refill within one recommend deadline, none once the time left is shorter than the last draw took, where each had a deadline of its own and a page waited three', async () => {
    let now = 1_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const { store, recommender, dealer } = setUp(() => {
        // Each draw takes 80 ms: a third would start with 40 ms of the 200 left.
        now += 80;
        return Promise.resolve({ ok: true, batch: { ids: run, timeStamp: 20, exposure: 'drawn' } });
      });
      store.next.mockResolvedValue(nothingQueued());
      store.queueAndNext.mockResolvedValue(nothingQueued());
      expect(await dealer.deal(viewer, 1, 5000)).toMatchObject({ ok: true, ids: [] });
      expect(recommender.recommend.mock.calls.map((call) => call[4])).toEqual([
        1_000_200, 1_000_200,
      ]);
    } finally {
      clock.mockRestore();
    }
  });

  it('says a failed refill of a stamp that goes on from a batch goes on too, so its fallback page does', async () => {
    const { store, dealer } = setUp(() => Promise.resolve({ ok: false, reason: 'timeout' }));
    store.next.mockResolvedValue({ kind: 'empty', coldIds: [], isNew: false, continued: true });
    expect(await dealer.deal(viewer, 1, 5001)).toEqual({
      ok: false,
      reason: 'timeout',
      continued: true,
    });
    store.next.mockResolvedValue(nothingQueued());
    expect(await dealer.deal(viewer, 1, 7000)).toEqual({ ok: false, reason: 'timeout' });
  });
});
