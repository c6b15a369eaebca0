import { StateKeys } from '@app/cache';
import type { INestApplicationContext } from '@nestjs/common';

import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
  startRecommendOnStack,
} from './support/article-stack';
import { articleIdAt, sqlTime } from './support/article-times';

const AUTHOR = '1294287382374383616';
const READER = '1294287382374383617';
/** A signed-in reader whose id an anonymous device takes as its own. */
const NAMESAKE = '1294287382374383618';
/** A signed-in reader who only warms the recommend service up. */
const WARM_UP = '1294287382374383619';
const CHANNEL = 1;
/** A channel with a pinned article (one of CHANNEL's, as pins may be). */
const PINNED_CHANNEL = 3;
/** More than four pages of the feed's ten. */
const ARTICLES = 45;
/** More than five pages of the feed's ten. */
const PINNED_CHANNEL_ARTICLES = 55;
const HOUR = 3_600_000;

interface FeedPage {
  pre_timestamp: number;
  results: Array<{ art_id: string }>;
}

describe('the home feed as toutiao-m scrolls it (gateway -> the real recommend service)', () => {
  let stack: ArticleStack;
  let recommend: INestApplicationContext;
  let token: string;
  let pin: string;

  beforeAll(async () => {
    stack = await startArticleStack();
    await stack.sql(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default)
       VALUES (?, 'html', 1, 1, 1), (?, 'css', 3, 1, 0)`,
      [CHANNEL, PINNED_CHANNEL],
    );
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
      { id: NAMESAKE, name: 'namesake' },
      { id: WARM_UP, name: 'warm-up' },
    ]);
    const first = Date.now() - ARTICLES * HOUR;
    await seedArticles(
      stack,
      Array.from({ length: ARTICLES }, (_, index) => ({
        id: articleIdAt(first + index * HOUR),
        authorId: AUTHOR,
        channelId: CHANNEL,
        title: `article ${index}`,
        status: 2,
        createdAt: sqlTime(first + index * HOUR),
      })),
    );
    // Hours a minute after those: other ids.
    await seedArticles(
      stack,
      Array.from({ length: PINNED_CHANNEL_ARTICLES }, (_, index) => ({
        id: articleIdAt(first + index * HOUR + 60_000),
        authorId: AUTHOR,
        channelId: PINNED_CHANNEL,
        title: `css article ${index}`,
        status: 2,
        createdAt: sqlTime(first + index * HOUR + 60_000),
      })),
    );
    pin = articleIdAt(first);
    await stack.state.zadd(StateKeys.channelTopArticles(PINNED_CHANNEL), 1, pin);
    recommend = await startRecommendOnStack(stack);
    token = await stack.signIn(READER);
    // A channel's first calls can outlast the feed's deadline on a busy machine, and the pages the
    // tests walk are recommended ones, not the fallback: warm each channel up with a reader of its
    // own until a page is a fresh batch (its cursor is its stamp + 1).
    const warmUp = await stack.signIn(WARM_UP);
    for (const channel of [CHANNEL, PINNED_CHANNEL]) {
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const stamp = Date.now();
        const response = await stack.gateway.inject({
          method: 'GET',
          url: `/app/v1_1/articles?channel_id=${channel}&timestamp=${stamp}&with_top=0`,
          headers: { authorization: `Bearer ${warmUp}` },
        });
        if (response.json<{ data: FeedPage }>().data.pre_timestamp === stamp + 1) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });

  afterAll(async () => {
    await recommend?.close();
    await stack?.close();
  });

  it('deals a signed-in reader each article once, where following pre_timestamp dealt every batch again', async () => {
    // toutiao-m's article list: the next stamp is pre_timestamp while results come, Date.now() when it is 0.
    let timestamp = 0;
    const pages: string[][] = [];
    for (let page = 0; page < 4; page += 1) {
      const response = await stack.gateway.inject({
        method: 'GET',
        url: `/app/v1_1/articles?channel_id=${CHANNEL}&timestamp=${timestamp || Date.now()}&with_top=1`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(200);
      const { data } = response.json<{ data: FeedPage }>();
      pages.push(data.results.map((card) => card.art_id));
      timestamp = data.pre_timestamp;
      // Later requests carry later stamps from the reader's clock.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(pages.map((ids) => ids.length)).toEqual([10, 10, 10, 10]);
    expect(new Set(pages.flat()).size).toBe(40);
  });

  it('leads only a first page and a pull-to-refresh with the pins, and deals each scroll after them fresh articles, also from the cursor toutiao-m keeps over a refresh', async () => {
    const page = async (timestamp: number) => {
      const response = await stack.gateway.inject({
        method: 'GET',
        url: `/app/v1_1/articles?channel_id=${PINNED_CHANNEL}&timestamp=${timestamp}&with_top=1`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(200);
      const { data } = response.json<{ data: FeedPage }>();
      // Later requests carry later stamps from the reader's clock.
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { cursor: data.pre_timestamp, ids: data.results.map((card) => card.art_id) };
    };
    // toutiao-m's article list: a page asks with its cursor, or Date.now() while it has none, and
    // keeps the cursor answered; a pull-to-refresh asks with Date.now() and keeps nothing.
    let cursor = 0;
    const scroll = async () => {
      const answered = await page(cursor || Date.now());
      cursor = answered.cursor;
      return answered.ids;
    };
    const refresh = async () => (await page(Date.now())).ids;

    const first = await scroll();
    const scrolled = await scroll();
    const refreshed = await refresh();
    const afterRefresh = await scroll();
    const further = await scroll();

    expect(first[0]).toBe(pin);
    expect(refreshed[0]).toBe(pin);
    const articles = [first.slice(1), scrolled, refreshed.slice(1), afterRefresh, further];
    expect(articles.map((ids) => ids.length)).toEqual([10, 10, 10, 10, 10]);
    // No pins on a page that goes on, and no article twice: nothing replayed.
    expect(articles.flat()).not.toContain(pin);
    expect(new Set(articles.flat()).size).toBe(50);
  });

  it("keeps a device named with a user's id apart from that user in the recommend service: nothing is drawn or recorded as theirs", async () => {
    // Read by the recommend service as the user: ranked by their reads, their exposures spent.
    await stack.state.zadd(StateKeys.readingHistory(NAMESAKE), 1, articleIdAt(Date.now() - HOUR));
    for (let page = 0; page < 2; page += 1) {
      const response = await stack.gateway.inject({
        method: 'GET',
        url: `/app/v1_1/articles?channel_id=${CHANNEL}&timestamp=${Date.now()}&with_top=1`,
        headers: { authorization: `Anony ${NAMESAKE}` },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json<{ data: FeedPage }>().data.results).toHaveLength(10);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await stack.state.keys(`${stack.redis.prefix}reco:u:${NAMESAKE}:*`)).toEqual([]);
  });
});
