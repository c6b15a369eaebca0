import { createRedisClient } from '@app/cache';
import { createTestRedis, type TestRedis } from '@app/testing';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import type Redis from 'ioredis';

import type { ArticleCard } from '../articles/article-card';
import type { ArticleCardsReader } from '../articles/article-cards.reader';
import type { ChannelPinsReader } from '../articles/channel-pins.reader';
import type { ChannelArticlesReader } from './channel-articles.reader';
import { LatestPagesReader } from './latest-pages.reader';

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

const idAt = (ms: number) => (BigInt(310_000_000_000 + ms) << 22n).toString();

const deadlineExceeded = (): ServiceError =>
  Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), {
    code: status.DEADLINE_EXCEEDED,
    details: 'Deadline exceeded',
    metadata: new Metadata(),
  });

/**
 * ListLatestArticles over `articles` (newest first, changed in place by a test), answering after
 * `delayMs` and failing as grpc-js does at the call's deadline.
 */
function newsOf(articles: string[], slowness: { delayMs: number } = { delayMs: 0 }) {
  return {
    latestIds: jest.fn(
      (_channel: number, limit: number, beforeId: string, deadline?: number) =>
        new Promise<string[]>((resolve, reject) => {
          const page = articles
            .filter((id) => beforeId === '' || BigInt(id) < BigInt(beforeId))
            .slice(0, limit);
          const left = deadline === undefined ? Infinity : deadline - Date.now();
          if (left < slowness.delayMs)
            setTimeout(() => reject(deadlineExceeded()), Math.max(left, 0));
          else setTimeout(() => resolve(page), slowness.delayMs);
        }),
    ),
  };
}

describe('LatestPagesReader (real Redis)', () => {
  let testRedis: TestRedis;
  let redis: Redis;
  let channelId = 0;

  beforeAll(() => {
    testRedis = createTestRedis();
    redis = createRedisClient(testRedis.cacheUrl, testRedis.prefix);
  });

  afterAll(async () => {
    await redis.quit();
    await testRedis.cleanup();
  });

  function newTestReader(news: ReturnType<typeof newsOf>, budgetMs = 1000, pins: string[] = []) {
    // A channel of its own per test: the page cursors are kept per channel.
    channelId += 1;
    const reader = new LatestPagesReader(
      news as unknown as ChannelArticlesReader,
      { ids: () => Promise.resolve(pins) } as unknown as ChannelPinsReader,
      { read: (ids: string[]) => Promise.resolve(ids.map(card)) } as unknown as ArticleCardsReader,
      redis,
      { FEED_FALLBACK_BUDGET_MS: budgetMs },
    );
    const page = async (number: number, perPage: number) =>
      (await reader.read('anony', channelId, number, perPage)).results.map(
        (result) => result.art_id,
      );
    return { reader, page };
  }

  // 300 articles a second apart, newest first.
  const articles = () => Array.from({ length: 300 }, (_, index) => idAt((1000 - index) * 1000));

  it('shows a later page whose articles are all pinned as it is, where leaving the pins off answered an empty page that ended the list', async () => {
    const all = articles().slice(0, 25);
    const pins = all.slice(10, 20);
    const { page } = newTestReader(newsOf(all), 1000, pins);
    expect(await page(1, 10)).toEqual([...pins, ...all.slice(0, 10)]);
    expect(await page(2, 10)).toEqual(pins);
    expect(await page(3, 10)).toEqual(all.slice(20, 25));
  });

  it('leaves the pins off a later page among the latest articles', async () => {
    const all = articles().slice(0, 25);
    const { page } = newTestReader(newsOf(all), 1000, [all[12]]);
    expect(await page(2, 10)).toEqual([...all.slice(10, 12), ...all.slice(13, 20)]);
  });

  describe('with news slow', () => {
    const DELAY_MS = 120;

    it('fails as news failing does when a deep page without a cached cursor is not read within the budget', async () => {
      const news = newsOf(articles(), { delayMs: DELAY_MS });
      const { page } = newTestReader(news, 300);
      const started = Date.now();
      // 200 articles to walk past, then the page: three calls of 120 ms.
      await expect(page(5, 50)).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED });
      expect(Date.now() - started).toBeLessThan(300 + 150);
    });

    it('answers what it read of a page within the budget, and the next page goes on from it', async () => {
      const all = articles();
      const slowness = { delayMs: DELAY_MS };
      const news = newsOf(all, slowness);
      const { page } = newTestReader(news, 200);
      const started = Date.now();
      // The first call takes the 90 articles before the page and its first 10; the second is late.
      expect(await page(4, 30)).toEqual(all.slice(90, 100));
      expect(Date.now() - started).toBeLessThan(200 + 150);
      slowness.delayMs = 0;
      expect(await page(5, 30)).toEqual(all.slice(100, 130));
    });
  });

  it('starts no call past the budget, where news answered the one before just in time', async () => {
    const all = articles();
    const news = newsOf(all);
    news.latestIds.mockImplementation(
      (_channel: number, limit: number, beforeId: string, deadline?: number) =>
        new Promise<string[]>((resolve, reject) => {
          const left = (deadline ?? Infinity) - Date.now();
          if (left <= 0) {
            reject(deadlineExceeded());
            return;
          }
          // The answer comes a millisecond early; a busy event loop hands it on past the deadline.
          setTimeout(() => {
            resolve(
              all.filter((id) => BigInt(id) < BigInt(beforeId || '9'.repeat(40))).slice(0, limit),
            );
            const busyUntil = Date.now() + 5;
            while (Date.now() < busyUntil);
          }, left - 1);
        }),
    );
    const { page } = newTestReader(news, 100);
    // 200 articles to walk past: the first call reads 100 of them.
    await expect(page(3, 100)).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED });
    expect(news.latestIds).toHaveBeenCalledTimes(1);
  });

  it('reads a deep page without a cached cursor in as few calls as the articles before it and the page take', async () => {
    const all = articles();
    const news = newsOf(all);
    const { page } = newTestReader(news);
    expect(await page(3, 20)).toEqual(all.slice(40, 60));
    expect(news.latestIds).toHaveBeenCalledTimes(1);
    expect(await page(4, 20)).toEqual(all.slice(60, 80));
    expect(news.latestIds).toHaveBeenCalledTimes(2);
  });

  it("never skips articles: a page cursor is not replaced by an older one, read from another reader's older page", async () => {
    const all = articles();
    const news = newsOf(all);
    const { page } = newTestReader(news);
    const older = [...all];
    // One reader reads page 1; three articles are published; another reads page 3 with no cursor
    // for page 2 (it took over five minutes on page 2, say).
    await page(1, 10);
    all.unshift(idAt(2_000_000), idAt(1_999_000), idAt(1_998_000));
    const third = await page(3, 10);
    expect(third).toEqual(older.slice(17, 27));
    // The first goes on to pages 2 and 3 from its page 1's cursor, ending page 3 on an older id.
    expect(await page(2, 10)).toEqual(older.slice(10, 20));
    expect(await page(3, 10)).toEqual(older.slice(20, 30));
    // The second reader's page 4 starts right after its page 3 (or repeats), never past it.
    const fourth = await page(4, 10);
    expect(BigInt(fourth[0])).toBeGreaterThanOrEqual(BigInt(older[27]));
    expect(fourth).toContain(older[27]);
  });
});
