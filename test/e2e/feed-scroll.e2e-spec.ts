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
const CHANNEL = 1;
/** More than four pages of the feed's ten. */
const ARTICLES = 45;
const HOUR = 3_600_000;

interface FeedPage {
  pre_timestamp: number;
  results: Array<{ art_id: string }>;
}

describe('the home feed as toutiao-m scrolls it (gateway -> the real recommend service)', () => {
  let stack: ArticleStack;
  let recommend: INestApplicationContext;
  let token: string;

  beforeAll(async () => {
    stack = await startArticleStack();
    await stack.sql(
      `INSERT INTO news_channel (channel_id, channel_name, sequence, is_visible, is_default)
       VALUES (?, 'html', 1, 1, 1)`,
      [CHANNEL],
    );
    await seedUsers(stack, [
      { id: AUTHOR, name: 'author' },
      { id: READER, name: 'reader' },
      { id: NAMESAKE, name: 'namesake' },
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
    recommend = await startRecommendOnStack(stack);
    token = await stack.signIn(READER);
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
