import { Metadata, type ServiceError, status } from '@grpc/grpc-js';

import type { ArticleCard } from '../articles/article-card';
import type { ArticleCardsReader } from '../articles/article-cards.reader';
import type { ChannelPinsReader } from '../articles/channel-pins.reader';
import type { ReadingStatsRecorder } from '../articles/reading-stats.recorder';
import type { TraceLogWriter } from '../articles/trace-log.writer';
import type { ChannelArticlesReader } from './channel-articles.reader';
import type { DealtBatch, FeedBatchDealer } from './feed-batch.dealer';
import type { FeedMetrics } from './feed.metrics';
import { timestampOfArticle } from './feed-cursor.util';
import { HomeFeedReader } from './home-feed.reader';

const card = (id: string): ArticleCard => ({
  art_id: id,
  title: `t${id}`,
  aut_id: '1',
  aut_name: 'a',
  pubdate: '2020-01-01T00:00:00',
  ch_id: 1,
  cover: { type: 0, images: [] },
  is_top: 0,
  comm_count: 0,
  like_count: 0,
  collect_count: 0,
});

function newTestReader(
  result: DealtBatch,
  topIds: string[] = [],
  latestIds: string[] = [],
  dealtIds: string[] = [],
  fallbackBudgetMs = 1000,
) {
  const dealer = {
    deal: jest.fn().mockResolvedValue(result),
    dealtIds: jest.fn().mockResolvedValue(new Set(dealtIds)),
    topUp: jest.fn().mockResolvedValue([]),
    markTimeCursor: jest.fn().mockResolvedValue(undefined),
  };
  const channels = { latestIds: jest.fn().mockResolvedValue(latestIds) };
  const pins = { ids: jest.fn().mockResolvedValue(topIds) };
  const cards = { read: jest.fn((ids: string[]) => Promise.resolve(ids.map(card))) };
  const traceLog = { write: jest.fn() };
  const stats = { recordExposures: jest.fn() };
  const metrics = { recommendFallback: jest.fn() };
  const reader = new HomeFeedReader(
    dealer as unknown as FeedBatchDealer,
    channels as unknown as ChannelArticlesReader,
    pins as unknown as ChannelPinsReader,
    cards as unknown as ArticleCardsReader,
    traceLog as unknown as TraceLogWriter,
    stats as unknown as ReadingStatsRecorder,
    metrics as unknown as FeedMetrics,
    { TZ: 'UTC', FEED_FALLBACK_BUDGET_MS: fallbackBudgetMs },
  );
  return { reader, dealer, channels, cards, traceLog, stats, metrics };
}

const user = { kind: 'user' as const, id: '42' };

describe('HomeFeedReader', () => {
  it('puts pinned articles first once, then the batch, and logs the exposure', async () => {
    const { reader, traceLog, stats } = newTestReader(
      { ok: true, ids: ['7', '9', '8'], cursor: 55, exposure: 'exp', continued: false },
      ['9'],
    );
    const view = await reader.read(user, 1, 100, true);
    expect(view.pre_timestamp).toBe(55);
    expect(view.results.map((result) => result.art_id)).toEqual(['9', '7', '8']);
    expect(view.results[0].pubdate).not.toBe('2020-01-01T00:00:00');
    expect(traceLog.write).toHaveBeenCalledWith({ trace: 'exp', channelId: 1, readTime: '' });
    expect(stats.recordExposures).toHaveBeenCalledWith(['7', '9', '8']);
  });

  it('leaves the pins off a batch dealt to the cursor of the one before it', async () => {
    const { reader, traceLog } = newTestReader(
      { ok: true, ids: ['7', '8'], cursor: 101, exposure: 'exp', continued: true },
      ['9'],
    );
    const view = await reader.read(user, 1, 100, true);
    expect(view).toMatchObject({ pre_timestamp: 101 });
    expect(view.results.map((result) => result.art_id)).toEqual(['7', '8']);
    expect(traceLog.write).toHaveBeenCalledWith({ trace: 'exp', channelId: 1, readTime: '' });
  });

  it('leaves a pin off a batch dealt to the cursor of the one before it, which it led, with_top=1 (not with_top=0)', async () => {
    const { reader, traceLog, stats } = newTestReader(
      {
        ok: true,
        ids: ['7', '9', '8'],
        cursor: 101,
        exposure: '{"articleId":"[7,9,8]"}',
        continued: true,
      },
      ['9'],
    );
    const view = await reader.read(user, 1, 100, true);
    expect(view.results.map((result) => result.art_id)).toEqual(['7', '8']);
    expect(traceLog.write).toHaveBeenCalledWith({
      trace: '{"articleId":"[7,8]"}',
      channelId: 1,
      readTime: '',
    });
    expect(stats.recordExposures).toHaveBeenCalledWith(['7', '8']);
    const withoutTop = await reader.read(user, 1, 100, false);
    expect(withoutTop.results.map((result) => result.art_id)).toEqual(['7', '9', '8']);
  });

  it('keeps a page that goes on and holds nothing but pins as it is, where leaving them off ended the list', async () => {
    const { reader } = newTestReader(
      { ok: true, ids: ['9'], cursor: 101, exposure: '', continued: true },
      ['9'],
    );
    expect((await reader.read(user, 1, 100, true)).results.map((result) => result.art_id)).toEqual([
      '9',
    ]);
  });

  it('shows a pinned card with the current second, sharing one copy within the second', async () => {
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'queueMicrotask'],
      now: new Date('2024-03-01T08:00:00.200Z'),
    });
    try {
      const shared = new Map(['9', '7'].map((id) => [id, card(id)]));
      const sharedCard = (id: string): ArticleCard => shared.get(id) ?? card(id);
      const { reader, cards } = newTestReader(
        { ok: true, ids: ['7'], cursor: 1, exposure: 'e', continued: false },
        ['9'],
      );
      cards.read.mockImplementation((ids: string[]) => Promise.resolve(ids.map(sharedCard)));
      const first = (await reader.read(user, 1, 100, true)).results[0];
      expect(first).toMatchObject({ art_id: '9', pubdate: '2024-03-01T08:00:00' });
      jest.setSystemTime(new Date('2024-03-01T08:00:00.900Z'));
      expect((await reader.read(user, 1, 100, true)).results[0]).toBe(first);
      jest.setSystemTime(new Date('2024-03-01T08:00:01.000Z'));
      const next = (await reader.read(user, 1, 100, true)).results;
      expect(next[0]).toMatchObject({ art_id: '9', pubdate: '2024-03-01T08:00:01' });
      expect(next[1]).toBe(sharedCard('7'));
      expect(sharedCard('9').pubdate).toBe('2020-01-01T00:00:00');
    } finally {
      jest.useRealTimers();
    }
  });

  it('answers an empty batch without pinned articles or exposure, so the client sees the end', async () => {
    const { reader, traceLog } = newTestReader(
      { ok: true, ids: [], cursor: 0, exposure: 'exp', continued: false },
      ['9'],
    );
    expect(await reader.read(user, 1, 100, true)).toEqual({ pre_timestamp: 0, results: [] });
    expect(traceLog.write).not.toHaveBeenCalled();
  });

  it('answers the latest articles but those dealt, without pins, where a scroll found the run it waited for taken whole', async () => {
    const latest = ['1300000000000000009', '1300000000000000008', '1300000000000000007'];
    const { reader, dealer } = newTestReader(
      { ok: true, ids: [], cursor: 0, exposure: '', continued: true },
      ['9'],
      latest,
      [latest[1]],
    );
    const view = await reader.read(user, 1, Date.parse('2030-01-01T00:00:00Z'), true);
    expect(view.results.map((result) => result.art_id)).toEqual([latest[0], latest[2]]);
    expect(view.pre_timestamp).toBe(timestampOfArticle(latest[2]));
    expect(dealer.markTimeCursor).toHaveBeenCalledWith(user, 1, view.pre_timestamp, [
      latest[0],
      latest[2],
    ]);
  });

  it('answers the latest articles but those dealt in place of a replay whose articles were all withdrawn, where the page was empty', async () => {
    const latest = ['1300000000000000009', '1300000000000000008'];
    const { reader, cards } = newTestReader(
      { ok: true, ids: ['7'], cursor: 3, exposure: '', continued: false },
      ['9'],
      latest,
      ['7'],
    );
    cards.read.mockImplementation((ids: string[]) =>
      Promise.resolve(ids.filter((id) => id !== '7').map(card)),
    );
    const stamp = Date.parse('2030-01-01T00:00:00Z');
    const view = await reader.read(user, 1, stamp, true);
    expect(view.results.map((result) => result.art_id)).toEqual(['9', ...latest]);
    // The same stamp asked again answers the same page.
    expect(await reader.read(user, 1, stamp, true)).toEqual(view);
  });

  it('answers the latest articles, led by the pins, where batch after batch dealt in place of withdrawn ones was withdrawn too, or the recommend service had nothing', async () => {
    const latest = ['1300000000000000009', '1300000000000000008'];
    const withdrawn = newTestReader(
      { ok: true, ids: ['7'], cursor: 101, exposure: 'gone', continued: false },
      ['9'],
      latest,
    );
    withdrawn.cards.read.mockImplementation((ids: string[]) =>
      Promise.resolve(ids.filter((id) => id !== '7').map(card)),
    );
    const stamp = Date.parse('2030-01-01T00:00:00Z');
    const view = await withdrawn.reader.read(user, 1, stamp, true);
    expect(withdrawn.dealer.deal).toHaveBeenCalledTimes(6);
    expect(view.results.map((result) => result.art_id)).toEqual(['9', ...latest]);
    expect(withdrawn.traceLog.write).not.toHaveBeenCalled();

    const nothing = newTestReader(
      { ok: true, ids: [], cursor: 0, exposure: '', continued: false },
      ['9'],
      latest,
    );
    const answered = await nothing.reader.read(user, 1, stamp, true);
    expect(answered.results.map((result) => result.art_id)).toEqual(['9', ...latest]);
  });

  it('reads nothing more for a batch that shows articles of the feed', async () => {
    for (const exposure of ['exp', '']) {
      const { reader, dealer, channels, cards } = newTestReader(
        { ok: true, ids: ['7', '8'], cursor: 101, exposure, continued: false },
        ['9'],
      );
      await reader.read(user, 1, 100, true);
      expect(dealer.deal).toHaveBeenCalledTimes(1);
      expect(cards.read).toHaveBeenCalledTimes(1);
      expect(dealer.dealtIds).not.toHaveBeenCalled();
      expect(channels.latestIds).not.toHaveBeenCalled();
      expect(dealer.markTimeCursor).not.toHaveBeenCalled();
    }
  });

  it('counts a failure and serves the latest articles before the stamp', async () => {
    const latest = ['1300000000000000009', '1300000000000000008'];
    const { reader, metrics, channels } = newTestReader(
      { ok: false, reason: 'timeout' },
      [],
      latest,
    );
    const stamp = Date.parse('2030-01-01T00:00:00Z');
    const view = await reader.read(user, 3, stamp, false);
    expect(metrics.recommendFallback).toHaveBeenCalledWith('timeout');
    expect(channels.latestIds).toHaveBeenCalledWith(
      3,
      11,
      expect.stringMatching(/^\d+$/),
      expect.any(Number),
    );
    expect(view.results.map((result) => result.art_id)).toEqual(latest);
    expect(view.pre_timestamp).toBeLessThan(stamp);
  });

  it('goes on with the latest articles before a stamp older than the batches dealt, counting no fallback', async () => {
    const older = ['1300000000000000002', '1300000000000000001'];
    const { reader, metrics, channels } = newTestReader(
      { ok: false, beforeHistory: true },
      ['9'],
      older,
    );
    const stamp = Date.parse('2024-01-01T00:10:00Z');
    const view = await reader.read(user, 1, stamp, true);
    expect(view.results.map((result) => result.art_id)).toEqual(['9', ...older]);
    expect(channels.latestIds).toHaveBeenCalledWith(
      1,
      11,
      expect.stringMatching(/^\d+$/),
      expect.any(Number),
    );
    expect(view.pre_timestamp).toBeLessThan(stamp);
    expect(metrics.recommendFallback).not.toHaveBeenCalled();
  });

  it('leaves the pins off a fallback page in place of a batch a scroll was due', async () => {
    const latest = ['1300000000000000009', '1300000000000000008'];
    const { reader } = newTestReader(
      { ok: false, reason: 'error', continued: true },
      ['9'],
      latest,
    );
    const view = await reader.read(user, 1, Date.parse('2030-01-01T00:00:00Z'), true);
    expect(view.results.map((result) => result.art_id)).toEqual(latest);
  });

  it('leaves the pins off a page of the latest articles that goes on from a time cursor, and the article of that cursor', async () => {
    // Ids of articles created 3, 2 and 1 seconds after some instant.
    const [last, ...older] = [3, 2, 1].map((second) =>
      (BigInt(310_000_000_000 + second * 1000) << 22n).toString(),
    );
    const { reader } = newTestReader(
      { ok: true, ids: [], cursor: 0, exposure: '', continued: false },
      ['9'],
      [last, ...older],
    );
    const cursor = timestampOfArticle(last);
    const view = await reader.read(undefined, 1, cursor, true);
    expect(view.results.map((result) => result.art_id)).toEqual(older);
    expect(view.pre_timestamp).toBe(timestampOfArticle(older[1]));
    // A stamp of a clock, on which no article was created: a first page, led by the pins.
    const first = await reader.read(undefined, 1, cursor + 1, true);
    expect(first.results.map((result) => result.art_id)).toEqual(['9', last, ...older]);
  });

  it('takes every article of the millisecond a page of the latest articles ends on, so the next page, which leaves that millisecond out, skips none', async () => {
    const idAt = (ms: number, sequence = 0) =>
      ((BigInt(310_000_000_000 + ms) << 22n) | BigInt(sequence)).toString();
    // Newest first: nine a second apart, three of one millisecond, then two older ones.
    const all = [
      ...Array.from({ length: 9 }, (_, index) => idAt((20 - index) * 1000)),
      ...[2, 1, 0].map((sequence) => idAt(5_000, sequence)),
      idAt(4_000),
      idAt(3_000),
    ];
    const { reader, channels } = newTestReader({
      ok: true,
      ids: [],
      cursor: 0,
      exposure: '',
      continued: false,
    });
    channels.latestIds.mockImplementation((_channel: number, limit: number, beforeId: string) =>
      Promise.resolve(
        all.filter((id) => beforeId === '' || BigInt(id) < BigInt(beforeId)).slice(0, limit),
      ),
    );
    const first = await reader.read(undefined, 1, Date.parse('2030-01-01T00:00:00Z'), false);
    expect(first.results.map((result) => result.art_id)).toEqual(all.slice(0, 12));
    expect(first.pre_timestamp).toBe(timestampOfArticle(all[11]));
    const next = await reader.read(undefined, 1, first.pre_timestamp, false);
    expect(next.results.map((result) => result.art_id)).toEqual(all.slice(12));
  });

  it('leaves the articles the viewer was dealt off a fallback page, and starts over on them when nothing else is left', async () => {
    const [newest, dealt, older] = [3, 2, 1].map((second) =>
      (BigInt(310_000_000_000 + second * 1000) << 22n).toString(),
    );
    const failed: DealtBatch = { ok: false, reason: 'error' };
    const { reader, channels } = newTestReader(failed, [], [newest, dealt, older], [dealt]);
    const stamp = timestampOfArticle(newest) + 1;
    const view = await reader.read(user, 1, stamp, false);
    expect(view.results.map((result) => result.art_id)).toEqual([newest, older]);
    expect(view.pre_timestamp).toBe(timestampOfArticle(older));
    // The page and the cursor's own article, and as many more as were dealt.
    expect(channels.latestIds).toHaveBeenCalledWith(
      1,
      12,
      expect.stringMatching(/^\d+$/),
      expect.any(Number),
    );

    const { reader: caughtUp } = newTestReader(failed, [], [dealt], [dealt]);
    const again = await caughtUp.read(user, 1, stamp, false);
    expect(again.results.map((result) => result.art_id)).toEqual([dealt]);
  });

  it('reads older articles within the budget for a fallback page whose articles were all withdrawn since news listed them, where it answered an empty page', async () => {
    const idAt = (second: number) => (BigInt(310_000_000_000 + second * 1000) << 22n).toString();
    // Newest first: the first 15 were banned or deleted between the news read and the card read.
    const all = Array.from({ length: 30 }, (_, index) => idAt(100 - index));
    const withdrawn = new Set(all.slice(0, 15));
    const { reader, channels, cards, dealer } = newTestReader({ ok: false, reason: 'timeout' }, [
      '9',
    ]);
    channels.latestIds.mockImplementation((_channel: number, limit: number, beforeId: string) =>
      Promise.resolve(
        all.filter((id) => beforeId === '' || BigInt(id) < BigInt(beforeId)).slice(0, limit),
      ),
    );
    cards.read.mockImplementation((ids: string[]) =>
      Promise.resolve(ids.filter((id) => !withdrawn.has(id)).map(card)),
    );
    const view = await reader.read(user, 1, Date.parse('2030-01-01T00:00:00Z'), true);
    // The first page read was all withdrawn; of the next, the last five are shown.
    expect(view.results.map((result) => result.art_id)).toEqual(['9', ...all.slice(15, 20)]);
    expect(view.pre_timestamp).toBe(timestampOfArticle(all[19]));
    expect(dealer.markTimeCursor).toHaveBeenCalledWith(
      user,
      1,
      view.pre_timestamp,
      expect.arrayContaining(all.slice(15, 20)),
    );
    // Every deadline is the first call's.
    expect(new Set(channels.latestIds.mock.calls.map((call: unknown[]) => call[3])).size).toBe(1);

    // News has nothing older: the page answers empty.
    withdrawn.clear();
    all.forEach((id) => withdrawn.add(id));
    const nothing = await reader.read(user, 1, Date.parse('2030-01-01T00:00:00Z'), false);
    expect(nothing.results).toEqual([]);
  });

  it('reads the cards of a page of the latest articles once, as those of a batch', async () => {
    const latest = ['1300000000000000009', '1300000000000000008'];
    for (const viewer of [undefined, user]) {
      const { reader, channels, cards } = newTestReader(
        { ok: false, reason: 'timeout' },
        ['9'],
        latest,
      );
      const view = await reader.read(viewer, 1, Date.parse('2030-01-01T00:00:00Z'), true);
      expect(view.results.map((result) => result.art_id)).toEqual(['9', ...latest]);
      expect(channels.latestIds).toHaveBeenCalledTimes(1);
      expect(cards.read).toHaveBeenCalledTimes(1);
    }
  });

  it('reads on past withdrawn articles no further than news has articles: a read answered short is the last', async () => {
    const older = ['1300000000000000009', '1300000000000000008'];
    const { reader, channels, cards } = newTestReader({ ok: false, reason: 'timeout' });
    channels.latestIds.mockImplementation((_channel: number, limit: number, beforeId: string) =>
      Promise.resolve(older.filter((id) => BigInt(id) < BigInt(beforeId)).slice(0, limit)),
    );
    cards.read.mockResolvedValue([]);
    const view = await reader.read(user, 1, Date.parse('2030-01-01T00:00:00Z'), false);
    expect(view.results).toEqual([]);
    expect(channels.latestIds).toHaveBeenCalledTimes(1);
  });

  it('serves the latest articles to a caller without any id, without asking the recommend service', async () => {
    const { reader, dealer, metrics } = newTestReader(
      { ok: true, ids: ['1'], cursor: 1, exposure: '', continued: false },
      [],
      [],
    );
    expect(await reader.read(undefined, 0, 5, true)).toEqual({ pre_timestamp: 5, results: [] });
    expect(dealer.deal).not.toHaveBeenCalled();
    expect(metrics.recommendFallback).not.toHaveBeenCalled();
  });

  it('deals the next batch under the next stamp in place of a fresh one whose articles were all withdrawn, counting no exposure for it', async () => {
    const { reader, dealer, cards, traceLog, stats } = newTestReader(
      { ok: true, ids: ['7'], cursor: 0, exposure: 'gone', continued: false },
      ['9'],
    );
    dealer.deal.mockResolvedValueOnce({
      ok: true,
      ids: ['7'],
      cursor: 101,
      exposure: 'gone',
      continued: false,
    });
    // Dealt under the withdrawn batch's cursor, it goes on from that one: the request still had none.
    dealer.deal.mockResolvedValueOnce({
      ok: true,
      ids: ['8'],
      cursor: 102,
      exposure: 'next',
      continued: true,
    });
    cards.read.mockImplementation((ids: string[]) =>
      Promise.resolve(ids.filter((id) => id !== '7').map(card)),
    );
    const view = await reader.read(user, 1, 100, true);
    expect(view.results.map((result) => result.art_id)).toEqual(['9', '8']);
    expect(view.pre_timestamp).toBe(102);
    expect(dealer.deal.mock.calls).toEqual([
      [user, 1, 100],
      [user, 1, 101],
    ]);
    expect(traceLog.write.mock.calls).toEqual([[{ trace: 'next', channelId: 1, readTime: '' }]]);
    expect(stats.recordExposures.mock.calls).toEqual([[['8']]]);
  });

  it('fills a fresh batch some of whose articles were withdrawn with queued ones, exposing the articles shown', async () => {
    const exposure = (ids: string[]) =>
      JSON.stringify({ action: 'exposure', userId: '42', articleId: `[${ids.join(',')}]` });
    const { reader, dealer, cards, traceLog, stats } = newTestReader(
      {
        ok: true,
        ids: ['7', '8', '9'],
        cursor: 101,
        exposure: exposure(['7', '8', '9']),
        continued: false,
      },
      ['1'],
    );
    const gone = new Set(['8', '20']);
    cards.read.mockImplementation((ids: string[]) =>
      Promise.resolve(ids.filter((id) => !gone.has(id)).map(card)),
    );
    // The first id taken was withdrawn as well: another is taken in its place.
    dealer.topUp.mockResolvedValueOnce(['20']).mockResolvedValueOnce(['21']);
    const view = await reader.read(user, 1, 100, true);
    expect(view.results.map((result) => result.art_id)).toEqual(['1', '7', '9', '21']);
    expect(view.pre_timestamp).toBe(101);
    expect(dealer.topUp.mock.calls).toEqual([
      [user, 1, 100, 1],
      [user, 1, 100, 1],
    ]);
    expect(traceLog.write.mock.calls).toEqual([
      [{ trace: exposure(['7', '9', '21']), channelId: 1, readTime: '' }],
    ]);
    expect(stats.recordExposures.mock.calls).toEqual([[['7', '9', '21']]]);
  });

  it('leaves a fresh batch whose articles are all shown, and a replay, as they are', async () => {
    const { reader, dealer } = newTestReader(
      { ok: true, ids: ['7', '8'], cursor: 101, exposure: 'exp', continued: false },
      ['7'],
    );
    await reader.read(user, 1, 100, true);
    const {
      reader: replaying,
      dealer: replayDealer,
      cards,
    } = newTestReader({
      ok: true,
      ids: ['7', '8'],
      cursor: 3,
      exposure: '',
      continued: false,
    });
    cards.read.mockImplementation((ids: string[]) => Promise.resolve(ids.slice(1).map(card)));
    expect((await replaying.read(user, 1, 100, true)).results).toHaveLength(1);
    expect(dealer.topUp).not.toHaveBeenCalled();
    expect(replayDealer.topUp).not.toHaveBeenCalled();
  });

  it('goes on from a time cursor that falls among the batches dealt, where it replayed an older batch', async () => {
    const [cursorArticle, ...older] = [3, 2, 1].map((second) =>
      (BigInt(310_000_000_000 + second * 1000) << 22n).toString(),
    );
    const replay: DealtBatch = {
      ok: true,
      ids: ['7'],
      cursor: 5,
      exposure: '',
      continued: false,
      older: true,
    };
    const { reader, dealer } = newTestReader(
      { ...replay, timeCursor: true },
      ['9'],
      [cursorArticle, ...older],
      ['7'],
    );
    const view = await reader.read(user, 1, timestampOfArticle(cursorArticle), true);
    expect(view.results.map((result) => result.art_id)).toEqual(older);
    expect(view.pre_timestamp).toBe(timestampOfArticle(older[1]));
    expect(dealer.dealtIds).toHaveBeenCalledWith(user, 1);
    // A stamp that is no fallback page's time cursor replays as before.
    dealer.deal.mockResolvedValueOnce(replay);
    const again = await reader.read(user, 1, timestampOfArticle(cursorArticle) + 1, false);
    expect(again).toEqual({
      pre_timestamp: 5,
      results: [expect.objectContaining({ art_id: '7' })],
    });
  });

  it("asks news nothing to tell a fallback page's time cursor: the dealt batch says so", async () => {
    const fresh: DealtBatch = {
      ok: true,
      ids: ['7', '8'],
      cursor: 101,
      exposure: 'exp',
      continued: false,
    };
    // A client whose clock is behind: its now is older than any allowance, on every refresh.
    const { reader, channels } = newTestReader(fresh, ['9']);
    const view = await reader.read(user, 1, Date.now() - 60_000, true);
    expect(view.results.map((result) => result.art_id)).toEqual(['9', '7', '8']);
    // The fresh batch dealt to a fallback page's time cursor goes on from that page.
    const { reader: recovered, channels: recoveredNews } = newTestReader(
      { ...fresh, timeCursor: true },
      ['9'],
    );
    const goesOn = await recovered.read(user, 1, Date.now() - 60_000, true);
    expect(goesOn.results.map((result) => result.art_id)).toEqual(['7', '8']);
    expect(channels.latestIds).not.toHaveBeenCalled();
    expect(recoveredNews.latestIds).not.toHaveBeenCalled();
  });

  it('remembers the time cursor of a fallback page it serves a viewer', async () => {
    const latest = ['1300000000000000002', '1300000000000000001'];
    const { reader, dealer } = newTestReader({ ok: false, reason: 'timeout' }, [], latest);
    const view = await reader.read(user, 1, 1_700_000_000_000, true);
    expect(dealer.markTimeCursor).toHaveBeenCalledWith(user, 1, view.pre_timestamp, latest);
    expect(view.pre_timestamp).toBe(timestampOfArticle(latest[1]));
  });

  it('logs no exposure for a replayed batch', async () => {
    const { reader, traceLog, stats } = newTestReader({
      ok: true,
      ids: ['7'],
      cursor: 3,
      exposure: '',
      continued: false,
    });
    const view = await reader.read(user, 1, 100, false);
    expect(view).toMatchObject({ pre_timestamp: 3 });
    expect(view.results.map((result) => result.art_id)).toEqual(['7']);
    expect(traceLog.write).not.toHaveBeenCalled();
    expect(stats.recordExposures).not.toHaveBeenCalled();
  });

  describe('with news slow', () => {
    const DELAY_MS = 120;
    const BUDGET_MS = 300;
    const idAt = (ms: number) => (BigInt(310_000_000_000 + ms) << 22n).toString();
    // 700 articles a millisecond apart, newest first; the viewer was dealt all but one in 100.
    const all = Array.from({ length: 700 }, (_, index) => idAt(1_000_000 - index));
    const undealt = all.filter((_, index) => index % 100 === 50);
    const dealt = all.filter((id) => !undealt.includes(id));

    const deadlineExceeded = (): ServiceError =>
      Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), {
        code: status.DEADLINE_EXCEEDED,
        details: 'Deadline exceeded',
        metadata: new Metadata(),
      });

    /** ListLatestArticles answering after DELAY_MS, failing as grpc-js does at the call's deadline. */
    /** Returns how many calls answered, which depends on how late this machine's timers fire. */
    function slowNews(
      channels: ReturnType<typeof newTestReader>['channels'],
      articles: string[],
    ): { answered: number } {
      const calls = { answered: 0 };
      channels.latestIds.mockImplementation(
        (_channel: number, limit: number, beforeId: string, deadline?: number) =>
          new Promise<string[]>((resolve, reject) => {
            const page = articles
              .filter((id) => beforeId === '' || BigInt(id) < BigInt(beforeId))
              .slice(0, limit);
            const left = deadline === undefined ? Infinity : deadline - Date.now();
            if (left < DELAY_MS) setTimeout(() => reject(deadlineExceeded()), Math.max(left, 0));
            else
              setTimeout(() => {
                calls.answered += 1;
                resolve(page);
              }, DELAY_MS);
          }),
      );
      return calls;
    }

    it('answers a fallback page with what news gave within the budget for a viewer with a long history', async () => {
      const { reader, channels } = newTestReader(
        { ok: false, reason: 'timeout' },
        [],
        [],
        dealt,
        BUDGET_MS,
      );
      const news = slowNews(channels, all);
      const started = Date.now();
      const view = await reader.read(user, 1, Date.parse('2030-01-01T00:00:00Z'), false);
      expect(Date.now() - started).toBeLessThan(BUDGET_MS + 150);
      // Each call answered in time read a hundred articles, one of them not dealt; two fit the
      // budget unless the timers fire late, and the page had to stop reading before the seventh.
      expect(news.answered).toBeGreaterThanOrEqual(1);
      expect(news.answered).toBeLessThan(undealt.length);
      const shown = undealt.slice(0, news.answered);
      expect(view.results.map((result) => result.art_id)).toEqual(shown);
      expect(view.pre_timestamp).toBe(timestampOfArticle(shown[shown.length - 1]));
    });

    it('answers the withdrawn page it read, empty, when the budget runs out reading on past it', async () => {
      const { reader, channels, cards } = newTestReader(
        { ok: false, reason: 'timeout' },
        [],
        [],
        [],
        BUDGET_MS,
      );
      slowNews(channels, all);
      cards.read.mockResolvedValue([]);
      const started = Date.now();
      const view = await reader.read(user, 1, Date.parse('2030-01-01T00:00:00Z'), false);
      expect(Date.now() - started).toBeLessThan(BUDGET_MS + 150);
      expect(view.results).toEqual([]);
      expect(channels.latestIds.mock.calls.length).toBeGreaterThan(1);
    });

    it('starts no call to news past the budget, however long the cards of a withdrawn page took', async () => {
      const { reader, channels, cards } = newTestReader(
        { ok: false, reason: 'timeout' },
        [],
        [],
        [],
        BUDGET_MS,
      );
      const late: number[] = [];
      channels.latestIds.mockImplementation(
        (_channel: number, limit: number, beforeId: string, deadline: number) => {
          // As grpc-js does, a call past its deadline is started, then fails.
          if (deadline <= Date.now()) {
            late.push(Date.now() - deadline);
            return Promise.reject(deadlineExceeded());
          }
          return Promise.resolve(
            all.filter((id) => beforeId === '' || BigInt(id) < BigInt(beforeId)).slice(0, limit),
          );
        },
      );
      cards.read.mockImplementation(
        () => new Promise((resolve) => setTimeout(() => resolve([]), BUDGET_MS + 50)),
      );
      const view = await reader.read(user, 1, Date.parse('2030-01-01T00:00:00Z'), false);
      expect(view.results).toEqual([]);
      expect(late).toEqual([]);
    });

    it('fails as news failing does when the budget runs out before anything the viewer was not dealt was read', async () => {
      const { reader, channels } = newTestReader(
        { ok: false, reason: 'timeout' },
        [],
        [],
        all.slice(0, 500),
        BUDGET_MS,
      );
      slowNews(channels, all);
      const started = Date.now();
      await expect(
        reader.read(user, 1, Date.parse('2030-01-01T00:00:00Z'), false),
      ).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED });
      expect(Date.now() - started).toBeLessThan(BUDGET_MS + 150);
    });
  });
});
