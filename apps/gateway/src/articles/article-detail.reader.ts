import { CacheKeys, TwoLevelCache } from '@app/cache';
import type { articleV1 } from '@app/contracts';
import { ARTICLE_GRPC, InjectGrpcClient, isGrpcServiceError, unary } from '@app/grpc';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';

const SNOWFLAKE_ID = /^[1-9]\d{0,19}$/;

/**
 * `art:{id}:detail` from the two-level cache, answered by the gateway itself on a hit (L1 or one
 * MGET). Only a miss calls ArticleService.GetArticle, which loads and fills the cache; concurrent
 * misses of one article in this process share that call.
 */
@Injectable()
export class ArticleDetailReader {
  private readonly loading = new Map<string, Promise<articleV1.ArticleDetail | null>>();

  constructor(
    private readonly cache: TwoLevelCache,
    @InjectGrpcClient(ARTICLE_GRPC) private readonly articles: articleV1.ArticleServiceClient,
  ) {}

  /** The approved article's detail, or null when there is none. */
  async read(articleId: string): Promise<articleV1.ArticleDetail | null> {
    if (!SNOWFLAKE_ID.test(articleId)) return null;
    const cached = await this.cache.peek<articleV1.ArticleDetail>(CacheKeys.articleDetail(articleId));
    if (cached !== undefined) return cached;
    let pending = this.loading.get(articleId);
    if (!pending) {
      pending = this.fetch(articleId).finally(() => this.loading.delete(articleId));
      this.loading.set(articleId, pending);
    }
    return pending;
  }

  private async fetch(articleId: string): Promise<articleV1.ArticleDetail | null> {
    try {
      const { article } = await unary(this.articles.getArticle({ articleId }));
      return article ?? null;
    } catch (error) {
      if (isGrpcServiceError(error) && error.code === GrpcStatus.NOT_FOUND) return null;
      throw error;
    }
  }
}
