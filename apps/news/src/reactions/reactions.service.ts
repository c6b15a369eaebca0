import {
  type CounterKey,
  CounterKeys,
  type CounterMove,
  CounterStore,
  countOrUndo,
} from '@app/cache';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { ArticlesService } from '../articles/articles.service';
import { ArticleAttitude, attitudeCounterDeltas } from './attitude-transition';
import { LikingNotifier } from './liking.notifier';
import { ReactionErrors } from './reaction.errors';
import { ReactionsCache } from './reactions.cache';
import {
  type CollectedArticle,
  type ReactedArticle,
  ReactionsRepository,
} from './reactions.repository';

const REPORT_TYPES = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8]);
const REPORT_TYPE_OTHER = 0;
const REMARK_MAX = 200;
const PER_PAGE = { min: 10, max: 50 } as const;
/**
 * Most likes and dislikes of one user kept in `user:{uid}:art:attitude`; a user with more is
 * answered for the articles asked about only, from MySQL.
 */
export const MAX_CACHED_ATTITUDES = 10_000;
/**
 * Most collections of one user kept in `user:{uid}:art:collection`; a user with more is paged
 * and checked straight from MySQL.
 */
export const MAX_CACHED_COLLECTIONS = 10_000;

/** -1 in GetViewerState: no attitude. */
export const NO_ATTITUDE = -1;

export interface CollectionIdsPage {
  totalCount: number;
  page: number;
  perPage: number;
  articleIds: string[];
}

export interface ViewerState {
  attitude: number;
  isCollected: boolean;
}

function signedIn(userId: string): string {
  if (!SNOWFLAKE_ID.test(userId)) throw ReactionErrors.unauthenticated();
  return userId;
}

function articleIdOf(articleId: string): string {
  if (!SNOWFLAKE_ID.test(articleId)) throw ReactionErrors.invalidArticleId();
  return articleId;
}

/**
 * Collections, likes, dislikes and reports. Each write changes MySQL first, moves the counters
 * only when a row really changed, then deletes the user's cached collections / attitudes. When
 * the counters cannot move (the state Redis is down), the row is put back as it was and the
 * request fails: it changed nothing, and the client may send it again.
 */
@Injectable()
export class ReactionsService {
  private readonly logger = new Logger(ReactionsService.name);
  /** Users found to have more than MAX_CACHED_ATTITUDES, so the next request skips the read. */
  private readonly manyAttitudes = new LRUCache<string, true>({ max: 10_000, ttl: 10 * 60_000 });
  /** Users found to have more than MAX_CACHED_COLLECTIONS, so the next request skips the read. */
  private readonly manyCollections = new LRUCache<string, true>({ max: 10_000, ttl: 10 * 60_000 });
  /**
   * Their totals: counting millions of rows takes seconds, so paging through such a list counts
   * once a minute per replica (the total may lag that long).
   */
  private readonly manyCollectionTotals = new LRUCache<string, number>({
    max: 10_000,
    ttl: 60_000,
  });

  constructor(
    private readonly reactions: ReactionsRepository,
    private readonly cache: ReactionsCache,
    private readonly counters: CounterStore,
    private readonly notifier: LikingNotifier,
    private readonly articles: ArticlesService,
  ) {}

  /** Returns the collected article (its channel goes to the trace log). */
  async collect(userId: string, articleId: string): Promise<ReactedArticle> {
    const user = signedIn(userId);
    const article = await this.approvedArticle(articleId);
    await this.changeCollections(user, async () => {
      if (!(await this.reactions.collect(user, article.id))) return;
      await countOrUndo(
        () => this.countCollection(user, article.id, 1),
        () => this.reactions.uncollect(user, article.id),
        this.logger,
      );
    });
    return article;
  }

  /** Only the caller's own row is touched; an article that is no longer visible can still be removed. */
  async uncollect(userId: string, articleId: string): Promise<void> {
    const user = signedIn(userId);
    const id = articleIdOf(articleId);
    await this.changeCollections(user, async () => {
      if (!(await this.reactions.uncollect(user, id))) return;
      await countOrUndo(
        () => this.countCollection(user, id, -1),
        () => this.reactions.undoUncollect(user, id),
        this.logger,
      );
    });
  }

  async listCollections(userId: string, page: number, perPage: number): Promise<CollectionIdsPage> {
    const user = signedIn(userId);
    const [pageNo, size] = [page === 0 ? 1 : page, perPage === 0 ? PER_PAGE.min : perPage];
    if (!Number.isInteger(pageNo) || pageNo < 1 || size < PER_PAGE.min || size > PER_PAGE.max) {
      throw ReactionErrors.invalidPage();
    }
    const start = (pageNo - 1) * size;
    const cached = await this.cache.collectionPage(user, start, start + size - 1);
    if (cached) {
      const [shown, back] = await Promise.all([
        this.articles.getInfos(cached.articleIds),
        this.articles.getInfos(cached.hiddenIds),
      ]);
      if (!cached.countsHidden && shown.length === cached.articleIds.length && back.length === 0) {
        return {
          totalCount: cached.total,
          page: pageNo,
          perPage: size,
          articleIds: cached.articleIds,
        };
      }
      // A collected article was hidden (the total would still count it, and its page come out
      // short or the pages after it shifted) or approved again (it would be missing) since the
      // list was cached: read it again.
      await this.cache.invalidateCollections(user);
    }
    const all = await this.loadCollections(user);
    if (!all) {
      // The total is counted from the rows the page comes from: `count:user:art:collecting` also
      // counts collected articles that are no longer approved, which the list leaves out.
      const [totalCount, articleIds] = await Promise.all([
        this.manyCollectionTotal(user),
        this.reactions.collectedPage(user, start, size),
      ]);
      return { totalCount, page: pageNo, perPage: size, articleIds };
    }
    const visible = all.filter((collected) => collected.visible);
    const articleIds = visible.slice(start, start + size).map(({ articleId }) => articleId);
    return { totalCount: visible.length, page: pageNo, perPage: size, articleIds };
  }

  async like(userId: string, articleId: string): Promise<void> {
    const user = signedIn(userId);
    const article = await this.approvedArticle(articleId);
    const changed = await this.setAttitude(user, article, ArticleAttitude.Like);
    if (changed && article.authorId !== user) this.notifier.send(user, article);
  }

  async dislike(userId: string, articleId: string): Promise<void> {
    const user = signedIn(userId);
    await this.setAttitude(user, await this.approvedArticle(articleId), ArticleAttitude.Dislike);
  }

  unlike(userId: string, articleId: string): Promise<void> {
    return this.clearAttitude(signedIn(userId), articleIdOf(articleId), ArticleAttitude.Like);
  }

  undislike(userId: string, articleId: string): Promise<void> {
    return this.clearAttitude(signedIn(userId), articleIdOf(articleId), ArticleAttitude.Dislike);
  }

  async report(userId: string, articleId: string, type: number, remark: string): Promise<void> {
    const user = signedIn(userId);
    if (!REPORT_TYPES.has(type)) throw ReactionErrors.invalidReportType();
    const kept = type === REPORT_TYPE_OTHER && remark !== '' ? remark : null;
    // In characters, as the column (utf8mb4) and the edge count them, not UTF-16 units.
    if (kept !== null && [...kept].length > REMARK_MAX) throw ReactionErrors.invalidRemark();
    const article = await this.approvedArticle(articleId);
    if (!(await this.reactions.addReport(user, article.id, type, kept))) {
      throw ReactionErrors.alreadyReported();
    }
  }

  async viewerState(userId: string, articleId: string): Promise<ViewerState> {
    const user = signedIn(userId);
    const id = articleIdOf(articleId);
    const [[attitude], isCollected] = await Promise.all([
      this.attitudesOf(user, [id]),
      this.isCollected(user, id),
    ]);
    return { attitude: attitude ?? NO_ATTITUDE, isCollected };
  }

  /** The liked ones among `articleIds`, in their order. */
  async likedArticles(userId: string, articleIds: readonly string[]): Promise<string[]> {
    const user = signedIn(userId);
    const ids = articleIds.map(articleIdOf);
    const attitudes = await this.attitudesOf(user, ids);
    return ids.filter((_, index) => attitudes[index] === ArticleAttitude.Like);
  }

  /** From the article card cache (`art:{id}:info`, approved articles only): no SQL on a hit. */
  private async approvedArticle(articleId: string): Promise<ReactedArticle> {
    const info = await this.articles.getInfo(articleIdOf(articleId));
    if (!info) throw ReactionErrors.articleNotFound();
    return { id: info.artId, authorId: info.autId, title: info.title, channelId: info.chId };
  }

  private async setAttitude(
    user: string,
    article: ReactedArticle,
    next: ArticleAttitude,
  ): Promise<boolean> {
    let changed = false;
    await this.changeAttitudes(user, async () => {
      const change = await this.reactions.setAttitude(user, article.id, next);
      if (!change.changed) return;
      await countOrUndo(
        () => this.countAttitude(article.id, article.authorId, change.previous, next),
        () => this.reactions.undoAttitude(user, article.id, next, change.previous),
        this.logger,
      );
      changed = true;
    });
    return changed;
  }

  private async clearAttitude(
    user: string,
    articleId: string,
    expected: ArticleAttitude,
  ): Promise<void> {
    await this.changeAttitudes(user, async () => {
      if (!(await this.reactions.clearAttitude(user, articleId, expected))) return;
      await countOrUndo(
        async () => {
          // The author is needed for `count:user:liked` even when the article is no longer approved.
          const authorId =
            (await this.articles.getInfo(articleId))?.autId ??
            (await this.reactions.findAuthorId(articleId));
          await this.countAttitude(articleId, authorId, expected, null);
        },
        () => this.reactions.undoAttitude(user, articleId, null, expected),
        this.logger,
      );
    });
  }

  private async countCollection(user: string, articleId: string, by: 1 | -1): Promise<void> {
    await this.counters.move([
      [CounterKeys.articleCollections, articleId, by],
      [CounterKeys.userCollections, user, by],
    ]);
  }

  private async countAttitude(
    articleId: string,
    authorId: string | undefined,
    previous: ArticleAttitude | null,
    next: ArticleAttitude | null,
  ): Promise<void> {
    const deltas = attitudeCounterDeltas(previous, next);
    const moves: Array<readonly [CounterKey, string | undefined, number]> = [
      [CounterKeys.articleLikes, articleId, deltas.articleLikes],
      [CounterKeys.articleDislikes, articleId, deltas.articleDislikes],
      [CounterKeys.userLikesReceived, authorId, deltas.authorLikesReceived],
    ];
    await this.counters.move(
      moves.filter((move): move is CounterMove => move[1] !== undefined && move[2] !== 0),
    );
  }

  private changeCollections(user: string, write: () => Promise<void>): Promise<void> {
    return this.changeCached(() => this.cache.invalidateCollections(user), write);
  }

  private changeAttitudes(user: string, write: () => Promise<void>): Promise<void> {
    return this.changeCached(() => this.cache.invalidateAttitudes(user), write);
  }

  /**
   * The user's cached copies are deleted before the write, so a cache Redis that is down refuses
   * the request with nothing changed (deleted after it only, a like was stored and counted and
   * answered 503), and again after it, also when it failed halfway, so a fill that read MySQL
   * meanwhile is not kept; a failure then is logged, the change being made.
   */
  private async changeCached(
    invalidate: () => Promise<void>,
    write: () => Promise<void>,
  ): Promise<void> {
    await invalidate();
    try {
      await write();
    } finally {
      await invalidate().catch((error: unknown) =>
        this.logger.error(`a changed reaction's cached copies were not dropped: ${String(error)}`),
      );
    }
  }

  /** All of the user's collections, cached under the fill lease; undefined when there are too many. */
  private async loadCollections(user: string): Promise<CollectedArticle[] | undefined> {
    if (this.manyCollections.has(user)) return undefined;
    const lease = await this.cache.leaseCollections(user);
    const collected = await this.reactions.findCollected(user, MAX_CACHED_COLLECTIONS);
    if (collected.length > MAX_CACHED_COLLECTIONS) {
      // Too many to read and hold at once (say, an account with millions of collections).
      this.manyCollections.set(user, true);
      return undefined;
    }
    if (lease) await this.cache.fillCollections(user, lease, collected);
    return collected;
  }

  private async manyCollectionTotal(user: string): Promise<number> {
    let total = this.manyCollectionTotals.get(user);
    if (total === undefined) {
      total = await this.reactions.countCollected(user);
      this.manyCollectionTotals.set(user, total);
    }
    return total;
  }

  private async isCollected(user: string, articleId: string): Promise<boolean> {
    const cached = await this.cache.isCollected(user, articleId);
    if (cached !== undefined) return cached;
    const all = await this.loadCollections(user);
    if (!all) return this.reactions.isCollected(user, articleId);
    return all.some((collected) => collected.articleId === articleId);
  }

  private async attitudesOf(
    user: string,
    articleIds: readonly string[],
  ): Promise<(ArticleAttitude | null)[]> {
    const cached = await this.cache.attitudes(user, articleIds);
    if (cached) return cached;
    let known = this.manyAttitudes.has(user) ? undefined : await this.loadAttitudes(user);
    if (!known) {
      // Too many to read and hold at once (say, an account with millions of likes): these articles only.
      this.manyAttitudes.set(user, true);
      known = await this.reactions.attitudesAmong(user, articleIds);
    }
    const byArticle = new Map(known.map(({ articleId, attitude }) => [articleId, attitude]));
    return articleIds.map((id) => byArticle.get(id) ?? null);
  }

  /** All of the user's likes and dislikes, cached under the fill lease; undefined when there are too many. */
  private async loadAttitudes(
    user: string,
  ): Promise<Array<{ articleId: string; attitude: ArticleAttitude }> | undefined> {
    const lease = await this.cache.leaseAttitudes(user);
    const all = await this.reactions.findAttitudes(user, MAX_CACHED_ATTITUDES);
    if (all.length > MAX_CACHED_ATTITUDES) return undefined;
    if (lease) await this.cache.fillAttitudes(user, lease, all);
    return all;
  }
}
