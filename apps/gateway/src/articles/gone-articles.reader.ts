import type { articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/** How long a replica trusts that an article hidden from readers was not deleted for good. */
export const NOT_GONE_CACHE_MS = 5 * 60_000;

/**
 * Which articles are deleted for good or unknown (news' ListGoneArticles). An article that is only
 * hidden (in review, rejected, banned) stays in readers' histories, so every page of theirs would
 * ask about it again: each replica remembers the "not gone" answers for NOT_GONE_CACHE_MS, and an
 * article deleted meanwhile is reported at most that much later.
 */
@Injectable()
export class GoneArticlesReader {
  private readonly notGone = new LRUCache<string, true>({ max: 100_000, ttl: NOT_GONE_CACHE_MS });

  constructor(
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
  ) {}

  /** The ids among `articleIds` of articles deleted for good or unknown; no call when all were checked lately. */
  async gone(articleIds: readonly string[]): Promise<string[]> {
    const unchecked = articleIds.filter((id) => !this.notGone.has(id));
    if (unchecked.length === 0) return [];
    const { articleIds: gone } = await unary(
      this.articles.listGoneArticles({ articleIds: unchecked }),
    );
    const goneIds = new Set(gone);
    for (const id of unchecked) if (!goneIds.has(id)) this.notGone.set(id, true);
    return gone;
  }
}
