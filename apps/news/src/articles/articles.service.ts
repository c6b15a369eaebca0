import { CacheKeys, CacheTtl, type CachePolicy, TwoLevelCache } from '@app/cache';
import type { articleV1 } from '@app/contracts';
import { Injectable } from '@nestjs/common';

import { toArticleDetail, toArticleInfo } from './article.mapper';
import { ArticleErrors } from './article.errors';
import { ArticlesRepository } from './articles.repository';
import { UserArticlesCache } from './user-articles.cache';

const SNOWFLAKE_ID = /^[1-9]\d{0,19}$/;

/** Cache policy of `art:{id}:info`. */
export const ARTICLE_INFO_POLICY: CachePolicy = { ttl: CacheTtl.articleInfo, missingTtl: CacheTtl.articleInfoMissing };
/** Cache policy of `art:{id}:detail`. */
export const ARTICLE_DETAIL_POLICY: CachePolicy = { ttl: CacheTtl.articleDetail, missingTtl: CacheTtl.articleInfoMissing };

const MAX_CARDS = 200;
const MAX_PER_PAGE = 50;
const DEFAULT_PER_PAGE = 10;
const MAX_LATEST = 100;

type Info = articleV1.ArticleInfo;

/** The read side of approved articles, through the two-level cache. */
@Injectable()
export class ArticlesService {
  /** Card loads in flight in this process, by article id, so concurrent misses share one query. */
  private readonly loadingInfos = new Map<string, Promise<Info | null>>();

  constructor(
    private readonly articles: ArticlesRepository,
    private readonly cache: TwoLevelCache,
    private readonly userArticles: UserArticlesCache,
  ) {}

  async getDetail(articleId: string): Promise<articleV1.ArticleDetail> {
    if (!SNOWFLAKE_ID.test(articleId)) throw ArticleErrors.notFound();
    const detail = await this.cache.get(
      CacheKeys.articleDetail(articleId),
      async () => {
        const row = await this.articles.findApprovedDetail(articleId);
        return row && toArticleDetail(row);
      },
      ARTICLE_DETAIL_POLICY,
    );
    if (!detail) throw ArticleErrors.notFound();
    return detail;
  }

  /** The card data of an approved article, or null. */
  async getInfo(articleId: string): Promise<Info | null> {
    const [info] = await this.getInfos([articleId]);
    return info ?? null;
  }

  /**
   * Cards of the approved articles among `articleIds`, in that order. Cache misses are loaded
   * with one query and cached one by one; ids that are not approved get a null marker.
   */
  async getInfos(articleIds: readonly string[]): Promise<Info[]> {
    const ids = [...new Set(articleIds.filter((id) => SNOWFLAKE_ID.test(id)))].slice(0, MAX_CARDS);
    if (ids.length === 0) return [];
    const cached = await this.cache.peekMany<Info>(ids.map((id) => CacheKeys.articleInfo(id)));
    const found = new Map<string, Info | null>();
    const misses: string[] = [];
    ids.forEach((id, index) => {
      const value = cached[index];
      if (value === undefined) misses.push(id);
      else found.set(id, value);
    });
    const loaded = await Promise.all(misses.map((id) => this.loadingInfos.get(id) ?? this.startLoading(misses, id)));
    misses.forEach((id, index) => found.set(id, loaded[index]));
    return articleIds.flatMap((id) => {
      const info = found.get(id);
      return info ? [info] : [];
    });
  }

  /** Ids of an author's approved articles, newest first, through `user:{uid}:art`. */
  async listByAuthor(userId: string, page: number, perPage: number): Promise<articleV1.ListUserArticlesResponse> {
    if (!SNOWFLAKE_ID.test(userId)) return { totalCount: 0, articleIds: [] };
    const size = perPage > 0 ? Math.min(perPage, MAX_PER_PAGE) : DEFAULT_PER_PAGE;
    const offset = (Math.max(page, 1) - 1) * size;
    const cached = await this.userArticles.page(userId, offset, size);
    if (cached) return { totalCount: cached.total, articleIds: cached.ids };
    const articles = await this.articles.findApprovedByAuthor(userId);
    await this.userArticles.fill(userId, articles);
    const newestFirst = [...articles].sort(
      (a, b) => b.createTime.getTime() - a.createTime.getTime() || (BigInt(b.id) > BigInt(a.id) ? 1 : -1),
    );
    return { totalCount: articles.length, articleIds: newestFirst.slice(offset, offset + size).map((article) => article.id) };
  }

  listLatest(channelId: number, limit: number, beforeArticleId: string): Promise<string[]> {
    const before = SNOWFLAKE_ID.test(beforeArticleId) ? beforeArticleId : undefined;
    return this.articles.findLatestIds(Math.max(channelId, 0), Math.min(Math.max(limit, 1), MAX_LATEST), before);
  }

  /**
   * Starts one query for every miss that is not already being loaded and registers each id, so a
   * concurrent request for the same cold articles waits for this query instead of running its own.
   */
  private startLoading(misses: readonly string[], requested: string): Promise<Info | null> {
    const batch = misses.filter((id) => !this.loadingInfos.has(id));
    const query = this.loadInfos(batch);
    for (const id of batch) {
      const one = query.then((infos) => infos.get(id) ?? null).finally(() => this.loadingInfos.delete(id));
      this.loadingInfos.set(id, one);
    }
    return this.loadingInfos.get(requested) as Promise<Info | null>;
  }

  private async loadInfos(ids: readonly string[]): Promise<Map<string, Info>> {
    const rows = await this.articles.findApprovedInfos(ids);
    const infos = new Map(rows.map((row) => [row.id, toArticleInfo(row)]));
    await Promise.all(ids.map((id) => this.cache.set(CacheKeys.articleInfo(id), infos.get(id) ?? null, ARTICLE_INFO_POLICY)));
    return infos;
  }
}
