import { CacheKeys, TwoLevelCache } from '@app/cache';
import { GRPC_MAX_MESSAGE_BYTES } from '@app/grpc';

import {
  type ArticleStack,
  seedArticles,
  seedUsers,
  startArticleStack,
} from './support/article-stack';

const AUTHOR = '1294287382374383716';
/** Approved articles of about 1 MB each: five of them are more than one gRPC message holds. */
const LARGE = Array.from(
  { length: 6 },
  (_, index) => `13000000000000020${String(index).padStart(2, '0')}`,
);
const LARGE_CONTENT_BYTES = 1_000_000;

const contentOf = (index: number): string =>
  `<p>${String.fromCharCode(97 + index).repeat(LARGE_CONTENT_BYTES)}</p>`;

interface Detail {
  art_id: string;
  content: string;
}

describe('GET /articles/{id} of large articles read at once (their misses batched into GetArticles)', () => {
  let stack: ArticleStack;

  beforeAll(async () => {
    stack = await startArticleStack();
    await seedUsers(stack, [{ id: AUTHOR, name: 'author' }]);
    await seedArticles(
      stack,
      LARGE.map((id, index) => ({
        id,
        authorId: AUTHOR,
        channelId: 1,
        title: `large ${index}`,
        status: 2,
        createdAt: `2019-05-${String(index + 1).padStart(2, '0')} 08:00:00`,
        content: contentOf(index),
      })),
    );
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers every reader 200 with its full content though together they exceed one reply', async () => {
    expect(LARGE.length * LARGE_CONTENT_BYTES).toBeGreaterThan(GRPC_MAX_MESSAGE_BYTES);
    // Cold caches: dropped from Redis and from every process's L1, as a write drops them.
    await stack.newsService!.get(TwoLevelCache).invalidate(...LARGE.map(CacheKeys.articleDetail));
    const responses = await Promise.all(
      LARGE.map((id) => stack.gateway.inject({ method: 'GET', url: `/app/v1_0/articles/${id}` })),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(LARGE.map(() => 200));
    const details = responses.map((response) => response.json<{ data: Detail }>().data);
    expect(details.map((detail) => detail.art_id)).toEqual(LARGE);
    expect(details.map((detail, index) => detail.content === contentOf(index))).toEqual(
      LARGE.map(() => true),
    );
  });
});
