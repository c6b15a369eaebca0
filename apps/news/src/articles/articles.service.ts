import {
  CacheKeys,
  CacheTtl,
  type CachePolicy,
  type PartialLoad,
  SingleFlight,
  TwoLevelCache,
  withinBudget,
} from '@app/cache';
import type { articleV1 } from '@app/contracts';
import { AppError, ErrorKind } from '@app/grpc';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Injectable } from '@nestjs/common';

import { toArticleDetail, toArticleInfo } from './article.mapper';
import { ArticleErrors } from './article.errors';
import { ArticlesRepository } from './articles.repository';
import { DETAIL_OVERHEAD_BYTES, detailBudget, detailReplyBytes } from './detail-reply-budget';
import { UserArticlesCache } from './user-articles.cache';

/** Cache policy of `art:{id}:info`. */
export const ARTICLE_INFO_POLICY: CachePolicy = {
  ttl: CacheTtl.articleInfo,
  missingTtl: CacheTtl.articleInfoMissing,
};
/** Cache policy of `art:{id}:detail`. */
export const ARTICLE_DETAIL_POLICY: CachePolicy = {
  ttl: CacheTtl.articleDetail,
  missingTtl: CacheTtl.articleInfoMissing,
};

const MAX_CARDS = 200;
const MAX_DETAILS = 100;
const MAX_PER_PAGE = 50;
const DEFAULT_PER_PAGE = 10;
const MAX_LATEST = 100;

type Info = articleV1.ArticleInfo;

/** Reads of an author's list into the cache before a page gives up (see `listByAuthor`). */
const FILL_ATTEMPTS = 3;

/** The read side of approved articles, through the two-level cache. */
@Injectable()
export class ArticlesService {
  /** Authors' lists being read from MySQL into `user:{uid}:art`, by author. */
  private readonly fillingAuthorLists = new SingleFlight<number>();

  constructor(
    private readonly articles: ArticlesRepository,
    private readonly cache: TwoLevelCache,
    private readonly userArticles: UserArticlesCache,
  ) {}

  async getDetail(articleId: string): Promise<articleV1.ArticleDetail> {
    const [detail] = await this.getDetails([articleId]);
    if (!detail) throw ArticleErrors.notFound();
    return detail;
  }

  /**
   * Details of the approved articles among `articleIds`, in that order. Cache misses are loaded
   * with one query; ids that are not approved get a null marker.
   */
  async getDetails(articleIds: readonly string[]): Promise<articleV1.ArticleDetail[]> {
    const ids = validIds(articleIds, MAX_DETAILS);
    if (ids.length === 0) return [];
    const details = await this.cache.getMany(
      ids,
      CacheKeys.articleDetail,
      (misses) => this.loadDetails(misses),
      ARTICLE_DETAIL_POLICY,
    );
    return presentInOrder(articleIds, details);
  }

  /**
   * `getDetails` within a reply of `maxReplyBytes` (0: every article): only the articles that fit
   * it are read, the first always, by the bytes this process holds, Redis stores or MySQL measures
   * for each; the others are named in `leftOut`, in the order asked, for the caller to ask for
   * again. A batch of 100 articles of about 1 MiB each read whole took news past its 384 MiB heap.
   */
  async getDetailsWithin(
    articleIds: readonly string[],
    maxReplyBytes: number,
  ): Promise<{ articles: articleV1.ArticleDetail[]; leftOut: string[] }> {
    const budget = detailBudget(maxReplyBytes);
    if (budget === undefined) return { articles: await this.getDetails(articleIds), leftOut: [] };
    const ids = validIds(articleIds, MAX_DETAILS);
    // Those this process holds count their reply bytes, those of Redis their JSON's, measured there.
    const read = await this.cache.getManyWithin(
      ids,
      CacheKeys.articleDetail,
      (misses, room) => this.loadDetailsWithin(misses, room),
      ARTICLE_DETAIL_POLICY,
      { bytes: budget, bytesOf: detailReplyBytes },
    );
    // Another call's read that this one joined may have left out even the first id: every reply
    // answers its first article (or says it has none), so the caller's asking again ends.
    const first = read.leftOut.indexOf(ids[0]);
    if (first >= 0) {
      read.leftOut.splice(first, 1);
      read.values.set(ids[0], (await this.getDetails([ids[0]]))[0] ?? null);
    }
    // Sizes of JSON, or of a row measured before it was read (edited meanwhile), are not quite
    // those of the reply: it is still bounded.
    const answered = withinBudget(presentInOrder(ids, read.values), detailReplyBytes, budget);
    const leftOut = new Set([...read.leftOut, ...answered.leftOut.map((detail) => detail.artId)]);
    return { articles: answered.taken, leftOut: ids.filter((id) => leftOut.has(id)) };
  }

  /** The card data of an approved article, or null. */
  async getInfo(articleId: string): Promise<Info | null> {
    const [info] = await this.getInfos([articleId]);
    return info ?? null;
  }

  /**
   * Cards of the approved articles among `articleIds`, in that order. Cache misses are loaded
   * with one query; ids that are not approved get a null marker.
   */
  async getInfos(articleIds: readonly string[]): Promise<Info[]> {
    const ids = validIds(articleIds, MAX_CARDS);
    if (ids.length === 0) return [];
    const infos = await this.cache.getMany(
      ids,
      CacheKeys.articleInfo,
      (misses) => this.loadInfos(misses),
      ARTICLE_INFO_POLICY,
    );
    return presentInOrder(articleIds, infos);
  }

  /**
   * Ids of an author's approved articles, newest first, through `user:{uid}:art`. A list that is
   * not cached is read from MySQL into the cache, then the page read from there; a list dropped
   * again in between (the author wrote) is read again, FILL_ATTEMPTS times at most. A cached page
   * that lists an article no longer approved means the list missed a change: a short page (an
   * empty one ends the mobile client's list) is not answered, the list is read again, once.
   */
  async listByAuthor(
    userId: string,
    page: number,
    perPage: number,
  ): Promise<articleV1.ListUserArticlesResponse> {
    if (!SNOWFLAKE_ID.test(userId)) return { totalCount: 0, articleIds: [] };
    const size = perPage > 0 ? Math.min(perPage, MAX_PER_PAGE) : DEFAULT_PER_PAGE;
    const offset = (Math.max(page, 1) - 1) * size;
    let fills = 0;
    let readAgain = false;
    for (;;) {
      const cached = await this.userArticles.page(userId, offset, size);
      if (cached && (readAgain || (await this.allApproved(cached.ids)))) {
        return { totalCount: cached.total, articleIds: cached.ids };
      }
      if (cached) {
        await this.userArticles.drop(userId);
        readAgain = true;
      }
      if (fills === FILL_ATTEMPTS)
        throw new AppError(ErrorKind.Unavailable, 'The articles could not be listed now.');
      fills += 1;
      if ((await this.fillAuthorList(userId)) === 0) return { totalCount: 0, articleIds: [] };
    }
  }

  private async allApproved(articleIds: readonly string[]): Promise<boolean> {
    return (
      articleIds.length === 0 || (await this.getInfos(articleIds)).length === articleIds.length
    );
  }

  /**
   * Reads an author's approved articles from MySQL into the cache, a chunk at a time. Concurrent
   * misses of one author in this process share one read: writing an article drops the cached
   * list, and a prolific author's page is read by many at once.
   */
  private fillAuthorList(userId: string): Promise<number> {
    return this.fillingAuthorLists.run(userId, () =>
      this.userArticles.replace(userId, this.articles.approvedByAuthorInChunks(userId)),
    );
  }

  /** The ids among `articleIds` (at most MAX_CARDS) of articles deleted for good or unknown, in that order. */
  async listGone(articleIds: readonly string[]): Promise<string[]> {
    const ids = validIds(articleIds, MAX_CARDS);
    if (ids.length === 0) return [];
    const kept = new Set(await this.articles.findKeptIds(ids));
    return ids.filter((id) => !kept.has(id));
  }

  listLatest(channelId: number, limit: number, beforeArticleId: string): Promise<string[]> {
    const before = SNOWFLAKE_ID.test(beforeArticleId) ? beforeArticleId : undefined;
    return this.articles.findLatestIds(
      Math.max(channelId, 0),
      Math.min(Math.max(limit, 1), MAX_LATEST),
      before,
    );
  }

  private async loadInfos(ids: readonly string[]): Promise<Map<string, Info>> {
    const rows = await this.articles.findApprovedInfos(ids);
    return new Map(rows.map((row) => [row.id, toArticleInfo(row)]));
  }

  private async loadDetails(ids: readonly string[]): Promise<Map<string, articleV1.ArticleDetail>> {
    const rows = await this.articles.findApprovedDetails(ids);
    return new Map(rows.map((row) => [row.id, toArticleDetail(row)]));
  }

  /**
   * The details of `ids` whose bytes fit `room`, in that order, the first always; the others are
   * left out. Each is read with the sizes when it takes no more than its share of `room`, so a
   * batch of normal-size articles is one statement; larger ones that fit are read by a second.
   */
  private async loadDetailsWithin(
    ids: readonly string[],
    room: number,
  ): Promise<PartialLoad<articleV1.ArticleDetail>> {
    const share = Math.floor(room / ids.length) - DETAIL_OVERHEAD_BYTES;
    const rows = new Map(
      (await this.articles.findApprovedDetailsUpTo(ids, share)).map((row) => [row.id, row]),
    );
    const kept = withinBudget(
      ids.flatMap((id) => rows.get(id) ?? []),
      (row) => row.bytes + DETAIL_OVERHEAD_BYTES,
      room,
    );
    const toRead = kept.taken.filter((row) => row.content === null).map((row) => row.id);
    const readNow = new Map(
      (await this.articles.findApprovedDetails(toRead)).map((row) => [row.id, row]),
    );
    const values = new Map<string, articleV1.ArticleDetail>();
    for (const row of kept.taken) {
      const full = row.content === null ? readNow.get(row.id) : { ...row, content: row.content };
      // Not approved since its size was read: left to its null marker.
      if (full) values.set(row.id, toArticleDetail(full));
    }
    return { values, leftOut: new Set(kept.leftOut.map((row) => row.id)) };
  }
}

/** The distinct well-formed ids, at most `max` of them. */
function validIds(articleIds: readonly string[], max: number): string[] {
  return [...new Set(articleIds.filter((id) => SNOWFLAKE_ID.test(id)))].slice(0, max);
}

/** The values of `articleIds` that exist, in that order. */
function presentInOrder<T>(articleIds: readonly string[], values: Map<string, T | null>): T[] {
  return articleIds.flatMap((id) => {
    const value = values.get(id);
    return value ? [value] : [];
  });
}
