import { CacheKeys, CounterKeys, CounterStore, TwoLevelCache } from '@app/cache';
import { APP_CONFIG } from '@app/config';
import { type authoringV1, isArticleTitleLength } from '@app/contracts';
import { ARTICLE_CONTENT_MAX_BYTES } from '@app/grpc';
import { Snowflake, SNOWFLAKE_ID } from '@app/snowflake';
import { Inject, Injectable, Logger } from '@nestjs/common';

import { ArticleEntity, ArticleStatus } from '../articles/article.entity';
import { HiddenArticlesCache } from '../articles/hidden-articles.cache';
import { UserArticlesCache } from '../articles/user-articles.cache';
import type { NewsConfig } from '../config/news.config';
import { articleChangeJobs } from '../outbox/article-jobs';
import { JobOutboxRelay } from '../outbox/job-outbox.relay';
import { resolveCover } from './article-cover.rules';
import { ArticleHtmlSanitiser } from './article-html.sanitiser';
import { ArticleCountersReader } from './article-counters.reader';
import { ArticleReadingStatsReader } from './article-reading-stats.reader';
import { authoredPageWindow } from './authored-page.rules';
import { authoredSearchWords } from './authored-search.words';
import { AuthoringErrors } from './authoring.errors';
import { type ArticleDraft, AuthoringRepository } from './authoring.repository';

/** Statuses an author may still edit; an approved article goes back to review when edited. */
const EDITABLE = [
  ArticleStatus.Draft,
  ArticleStatus.PendingReview,
  ArticleStatus.Approved,
  ArticleStatus.Rejected,
];
/** Statuses an author may delete (reference): never approved or banned ones. */
const DELETABLE = [ArticleStatus.Draft, ArticleStatus.PendingReview, ArticleStatus.Rejected];

/** Reads of an article an edit makes when other changes keep moving it under the edit. */
const REPLACE_ATTEMPTS = 3;

/** Allowed review moves: target status → the status the article must be in. */
const REVIEW_FROM: ReadonlyMap<ArticleStatus, readonly ArticleStatus[]> = new Map([
  [ArticleStatus.Approved, [ArticleStatus.PendingReview, ArticleStatus.Banned]],
  [ArticleStatus.Rejected, [ArticleStatus.PendingReview]],
  [ArticleStatus.Banned, [ArticleStatus.Approved]],
]);

export interface ArticleInput {
  title: string;
  content: string;
  cover?: authoringV1.AuthoredCover;
  channelId: number;
  draft: boolean;
}

/**
 * The write side of articles. Every status change is a compare-and-set in MySQL, committed with
 * the jobs that bring the search index and the recommend service's candidate pools in line (the
 * outbox); the author's approved-article counter and the caches follow only when it applied.
 */
@Injectable()
export class AuthoringService {
  private readonly logger = new Logger(AuthoringService.name);

  constructor(
    private readonly repository: AuthoringRepository,
    private readonly counters: CounterStore,
    private readonly counts: ArticleCountersReader,
    private readonly readings: ArticleReadingStatsReader,
    private readonly cache: TwoLevelCache,
    private readonly authorLists: UserArticlesCache,
    private readonly hiddenArticles: HiddenArticlesCache,
    private readonly outbox: JobOutboxRelay,
    private readonly ids: Snowflake,
    private readonly html: ArticleHtmlSanitiser,
    @Inject(APP_CONFIG) private readonly config: NewsConfig,
  ) {}

  async create(userId: string, input: ArticleInput): Promise<string> {
    const draft = await this.validate(input);
    const id = this.ids.nextId();
    await this.repository.insert(id, userId, draft);
    await this.approveIfTrusted(id, userId, draft);
    return id;
  }

  /**
   * Replaces an own article in status 0–3. It becomes a draft or pending again, so an approved
   * article leaves the public lists until it is reviewed anew (the reference re-sets the status
   * on every edit the same way).
   */
  async update(userId: string, articleId: string, input: ArticleInput): Promise<string> {
    const draft = await this.validate(input);
    const article = await this.replaceEditable(userId, articleId, draft);
    if (article.status === ArticleStatus.Approved) await this.countApproved(userId, -1);
    await this.noteVisibility(articleId, article.status, draft.status);
    await this.afterChange(article);
    await this.approveIfTrusted(articleId, userId, draft);
    return articleId;
  }

  /**
   * Replaces an own editable article with `draft`; answers the article as it was just before.
   * The replace is a compare-and-set on the status read: when another change (the same save
   * clicked twice, a review) moved the article meanwhile, it is read again and the edit applied
   * to it while it is still editable, as an edit that came a moment later would be.
   */
  private async replaceEditable(
    userId: string,
    articleId: string,
    draft: ArticleDraft,
  ): Promise<ArticleEntity> {
    for (let attempt = 1; ; attempt += 1) {
      const article = await this.findOwned(userId, articleId);
      if (!EDITABLE.includes(article.status)) throw AuthoringErrors.invalidArticle();
      const version = this.ids.nextId();
      const jobs = articleChangeJobs(articleId, 'edit', version);
      await this.dropCached(article);
      if (await this.repository.replace(articleId, userId, article.status, draft, jobs, version))
        return article;
      if (attempt === REPLACE_ATTEMPTS) throw AuthoringErrors.invalidArticle();
    }
  }

  /**
   * An article submitted (not saved as a draft) by one of AUTO_APPROVE_AUTHORS goes through the
   * review an admin would give it, approved by nobody (`reviewer_id` NULL).
   */
  private async approveIfTrusted(
    articleId: string,
    userId: string,
    draft: ArticleDraft,
  ): Promise<void> {
    if (
      draft.status !== ArticleStatus.PendingReview ||
      !this.config.AUTO_APPROVE_AUTHORS.includes(userId)
    )
      return;
    try {
      // From pending only: an article banned meanwhile stays banned.
      await this.moveThroughReview(
        { articleId, status: ArticleStatus.Approved, reviewerId: 0, rejectReason: '' },
        [ArticleStatus.PendingReview],
      );
    } catch (error) {
      // Another save of the article (the same one clicked twice) or an admin moved it on
      // meanwhile (approved, saved as a draft, banned): that later outcome stands, and this save
      // is done.
      const article = await this.repository.findArticle(articleId);
      if (article?.status === ArticleStatus.PendingReview) throw error;
    }
  }

  /** 400 `Invalid article.` unless it is an own draft, pending or rejected article (reference). */
  async delete(userId: string, articleId: string): Promise<void> {
    const article = await this.findOwned(userId, articleId);
    if (!DELETABLE.includes(article.status)) throw AuthoringErrors.invalidArticle();
    const version = this.ids.nextId();
    const jobs = articleChangeJobs(articleId, 'delete', version);
    await this.dropCached(article);
    const deleted = await this.repository.transition(
      articleId,
      DELETABLE,
      ArticleStatus.Deleted,
      jobs,
      version,
      { deleteTime: new Date() },
      userId,
    );
    if (!deleted) throw AuthoringErrors.invalidArticle();
    await this.afterChange(article);
  }

  /** Empty (no article id) unless it is an own article, as the reference answers `{}`. */
  async get(userId: string, articleId: string): Promise<authoringV1.GetAuthoredArticleResponse> {
    const article = await this.ownArticle(userId, articleId);
    if (!article) {
      return { articleId: '', title: '', cover: undefined, channelId: 0, content: '', status: 0 };
    }
    return {
      articleId: article.id,
      title: article.title,
      cover: normalizeCover(article),
      channelId: article.channelId,
      content: await this.repository.findContent(articleId),
      status: article.status,
    };
  }

  async list(
    request: authoringV1.ListAuthoredArticlesRequest,
  ): Promise<authoringV1.ListAuthoredArticlesResponse> {
    const { total, rows } = await this.repository.list({
      userId: request.userId,
      statuses: request.statuses,
      channelIds: request.channelIds,
      createdFrom: parseInstant(request.createdFrom),
      createdBefore: parseInstant(request.createdBefore),
      ...authoredPageWindow(request.page, request.perPage),
    });
    const ids = rows.map((row) => row.id);
    const [counts, statistics] = await Promise.all([
      this.counts.read(ids),
      this.repository.findStatistics(ids),
    ]);
    const byId = new Map(statistics.map((row) => [row.articleId, row]));
    return {
      totalCount: total,
      articles: rows.map((row) => {
        const count = counts.get(row.id);
        const statistic = byId.get(row.id);
        return {
          ...authoredRow(row),
          commentCount: count?.commentCount ?? 0,
          fansCommentCount: statistic?.fansCommentCount ?? 0,
          readCount: count?.readCount ?? 0,
          likeCount: count?.likeCount ?? 0,
          repostCount: statistic?.repostCount ?? 0,
          collectCount: count?.collectCount ?? 0,
        };
      }),
    };
  }

  /** The author's articles holding every word of `q` (see `authoredSearchWords`), newest first. */
  async search(
    request: authoringV1.SearchAuthoredArticlesRequest,
  ): Promise<authoringV1.SearchAuthoredArticlesResponse> {
    const words = authoredSearchWords(request.q);
    if (words.length === 0) return { totalCount: 0, articles: [] };
    const { total, rows } = await this.repository.search({
      userId: request.userId,
      words,
      ...authoredPageWindow(request.page, request.perPage),
      timeLimitMs: this.config.GRPC_DEADLINE_MS,
    });
    return { totalCount: total, articles: rows.map(authoredRow) };
  }

  /** Moves an article through review (MIS): approve or reject a pending one, ban or unban. */
  async review(
    request: authoringV1.ReviewArticleRequest,
  ): Promise<authoringV1.ReviewArticleResponse> {
    const allowedFrom = REVIEW_FROM.get(request.status);
    if (!allowedFrom) throw AuthoringErrors.invalidStatus();
    return this.moveThroughReview(request, allowedFrom);
  }

  /** `review`, the article moved only from one of `allowedFrom`. */
  private async moveThroughReview(
    request: authoringV1.ReviewArticleRequest,
    allowedFrom: readonly ArticleStatus[],
  ): Promise<authoringV1.ReviewArticleResponse> {
    const target = request.status as ArticleStatus;
    if (!SNOWFLAKE_ID.test(request.articleId)) throw AuthoringErrors.notFound();
    const article = await this.repository.findArticle(request.articleId);
    if (!article) throw AuthoringErrors.notFound();
    if (!allowedFrom.includes(article.status)) throw AuthoringErrors.invalidStatus();
    const version = this.ids.nextId();
    const jobs = articleChangeJobs(
      article.id,
      target === ArticleStatus.Approved ? 'approve' : 'delete',
      version,
    );
    await this.dropCached(article);
    const applied = await this.repository.review(
      {
        articleId: article.id,
        from: article.status,
        to: target,
        reviewerId: request.reviewerId,
        rejectReason:
          target === ArticleStatus.Rejected ? request.rejectReason.slice(0, 200) || null : null,
      },
      jobs,
      version,
    );
    if (!applied) throw AuthoringErrors.invalidStatus();
    if (target === ArticleStatus.Approved) await this.countApproved(article.userId, 1);
    if (article.status === ArticleStatus.Approved) await this.countApproved(article.userId, -1);
    await this.noteVisibility(article.id, article.status, target);
    await this.afterChange(article);
    return { articleId: article.id, status: target };
  }

  /**
   * Sums over the author's articles (in the channels and creation-time bounds asked), read a chunk
   * of ids at a time.
   */
  async authorStatistics(
    request: authoringV1.GetAuthorStatisticsRequest,
  ): Promise<authoringV1.GetAuthorStatisticsResponse> {
    const filter = {
      userId: request.userId,
      channelIds: request.channelIds,
      createdFrom: parseInstant(request.createdFrom),
      createdBefore: parseInstant(request.createdBefore),
    };
    let readCount = 0;
    let commentCount = 0;
    let collectCount = 0;
    for await (const ids of this.repository.authorArticleIdsInChunks(filter)) {
      for (const count of (await this.counts.read(ids)).values()) {
        readCount += count.readCount;
        commentCount += count.commentCount;
        collectCount += count.collectCount;
      }
    }
    const repostCount = await this.repository.authorRepostCount(filter);
    // 64-bit on the wire: sums over an author's articles pass 2^31.
    return {
      readCount: String(readCount),
      commentCount: String(commentCount),
      collectCount: String(collectCount),
      repostCount: String(repostCount),
    };
  }

  async articleStatistics(
    userId: string,
    articleId: string,
  ): Promise<authoringV1.GetArticleStatisticsResponse> {
    const article = await this.findOwned(userId, articleId);
    const [counts, [statistic], reading] = await Promise.all([
      this.counts.read([article.id]),
      this.repository.findStatistics([article.id]),
      this.readings.read(article.id),
    ]);
    const count = counts.get(article.id);
    return {
      readCount: count?.readCount ?? 0,
      commentCount: count?.commentCount ?? 0,
      fansCommentCount: statistic?.fansCommentCount ?? 0,
      likeCount: count?.likeCount ?? 0,
      collectCount: count?.collectCount ?? 0,
      repostCount: statistic?.repostCount ?? 0,
      durationReportCount: reading.reports,
      durationSecondsSum: String(reading.seconds),
      completionPercentSum: String(reading.completionPercent),
      bounceCount: reading.bounces,
      completedGt80Count: reading.gt80,
      completedLt80Count: reading.lt80,
      completedLt20Count: reading.lt20,
      fansReadCount: reading.fanReads,
      recoCount: reading.recoExposures,
      recommendReadCount: reading.recommendReads,
      channelReadCount: reading.channelReads,
    };
  }

  /**
   * The caller's own article, not deleted, or null. Someone else's article is as missing as an
   * unknown id, so no answer tells an author whether another's article exists.
   */
  private async ownArticle(userId: string, articleId: string): Promise<ArticleEntity | null> {
    if (!SNOWFLAKE_ID.test(articleId)) return null;
    const article = await this.repository.findArticle(articleId);
    const own = article?.userId === userId && article.status !== ArticleStatus.Deleted;
    return own ? article : null;
  }

  /** As `ownArticle`; 400 `Invalid article.` otherwise, as the reference's writes scoped by user and id. */
  private async findOwned(userId: string, articleId: string): Promise<ArticleEntity> {
    const article = await this.ownArticle(userId, articleId);
    if (!article) throw AuthoringErrors.invalidArticle();
    return article;
  }

  private async validate(input: ArticleInput): Promise<ArticleDraft> {
    const title = input.title.trim();
    if (!isArticleTitleLength(title)) throw AuthoringErrors.invalidTitle();
    // Stored as every reader's page will show it: whoever writes (media platform, a gRPC caller).
    const content = await this.html.sanitise(input.content);
    if (content.trim().length === 0) throw AuthoringErrors.invalidContent();
    if (Buffer.byteLength(content) > ARTICLE_CONTENT_MAX_BYTES)
      throw AuthoringErrors.contentTooLong();
    const cover = resolveCover(input.cover, content, this.config.STORAGE_PUBLIC_URL);
    if (input.channelId === 0) throw AuthoringErrors.feedChannel();
    if (
      !Number.isInteger(input.channelId) ||
      input.channelId < 0 ||
      !(await this.repository.channelExists(input.channelId))
    ) {
      throw AuthoringErrors.invalidChannel();
    }
    return {
      title,
      content,
      cover,
      channelId: input.channelId,
      status: input.draft ? ArticleStatus.Draft : ArticleStatus.PendingReview,
    };
  }

  /**
   * The author's approved-article counter after a committed change. A failure is logged, not
   * answered: the change is done (a retry would be refused), and the counter repair heals it.
   */
  private async countApproved(userId: string, by: 1 | -1): Promise<void> {
    try {
      await this.counters.increment(CounterKeys.userArticles, userId, by);
    } catch (error) {
      this.logger.error(`count:user:arts of ${userId} not moved by ${by}: ${String(error)}`);
    }
  }

  /**
   * Notes an approved article leaving the readers' lists, or coming back, for the cached copies of
   * readers' collections that still count it as it was. A failure is logged, not answered: the
   * change is done, and those copies expire within minutes.
   */
  private async noteVisibility(
    articleId: string,
    from: ArticleStatus,
    to: ArticleStatus,
  ): Promise<void> {
    const [was, is] = [from === ArticleStatus.Approved, to === ArticleStatus.Approved];
    if (was === is) return;
    try {
      await (is ? this.hiddenArticles.shown(articleId) : this.hiddenArticles.hidden(articleId));
    } catch (error) {
      this.logger.error(`article ${articleId}: art:hidden:recent not updated: ${String(error)}`);
    }
  }

  /**
   * Drops the article's cached copies and its author's list (so that no rebuild already reading
   * MySQL caches it as it was). Called before a change too: a cache Redis that is down then
   * refuses the change with nothing written, where the change was committed and answered 503.
   */
  private async dropCached(article: ArticleEntity): Promise<void> {
    await this.cache.invalidate(
      CacheKeys.articleInfo(article.id),
      CacheKeys.articleDetail(article.id),
      // Its related articles were drawn from its channel and title as they were.
      CacheKeys.articleRelated(article.id),
    );
    await this.authorLists.drop(article.userId);
  }

  /**
   * After a committed change: drops the cached copies again (a failure is logged, not answered:
   * the change is done and a retry would be refused) and relays the change's jobs, committed with
   * it in the outbox: when the queue is down they wait there, so the call does not fail for them.
   */
  private async afterChange(article: ArticleEntity): Promise<void> {
    await this.dropCached(article).catch((error: unknown) =>
      this.logger.error(`article ${article.id}: cached copies not dropped: ${String(error)}`),
    );
    await this.outbox.relay();
  }
}

/** A row of an author's list, its counters 0. */
function authoredRow(article: ArticleEntity): authoringV1.AuthoredArticleRow {
  return {
    articleId: article.id,
    title: article.title,
    status: article.status,
    cover: normalizeCover(article),
    pubdate: article.createTime.toISOString(),
    allowComment: Boolean(article.allowComment),
    commentCount: 0,
    fansCommentCount: 0,
    readCount: 0,
    likeCount: 0,
    repostCount: 0,
    collectCount: 0,
  };
}

function normalizeCover(article: ArticleEntity): authoringV1.AuthoredCover {
  const images = Array.isArray(article.cover?.images)
    ? article.cover.images.filter((image) => typeof image === 'string')
    : [];
  return { type: Number(article.cover?.type ?? 0), images };
}

function parseInstant(value: string): Date | undefined {
  if (!value) return undefined;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}
