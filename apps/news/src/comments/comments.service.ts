import {
  CacheKeys,
  commentScore,
  type CommentListPage,
  pageCursors,
  parseCursor,
  type ScoredComment,
  SingleFlight,
} from '@app/cache';
import type { commentV1 } from '@app/contracts';
import { AppError, ErrorKind } from '@app/grpc';
import { Snowflake, SNOWFLAKE_ID } from '@app/snowflake';
import { Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { ArticleErrors } from '../articles/article.errors';
import { ArticlesService } from '../articles/articles.service';
import { isBlankContent } from './comment-content';
import { CommentCounters } from './comment-counters';
import { CommentItemsCache } from './comment-items.cache';
import { CommentLikingsService } from './comment-likings.service';
import { CommentListsCache, EMPTY_LIST_PAGE } from './comment-lists.cache';
import { CommentRateLimiter } from './comment-rate-limiter';
import { type CachedComment, type CommentRow, toCachedComment } from './comment.mapper';
import { CommentErrors } from './comment.errors';
import { CommentNotifier } from './comment.notifier';
import { countsAsFanComment } from './fans-comment-count';
import { type CommentListSource, CommentsRepository, type NewComment } from './comments.repository';

const DEFAULT_COMMENT_LIMIT = 10;
const MIN_COMMENT_LIMIT = 10;
const MAX_COMMENT_LIMIT = 50;

/** `news_comment.content` is VARCHAR(200): characters, as MySQL counts them (code points). */
const MAX_CONTENT_CHARS = 200;

interface ListQuery {
  source: CommentListSource;
  key: string;
  offset: number | undefined;
  limit: number;
}

function parseListQuery(request: commentV1.ListCommentsRequest): ListQuery {
  if (request.type !== 'a' && request.type !== 'c') throw CommentErrors.invalidType();
  if (!SNOWFLAKE_ID.test(request.source)) throw CommentErrors.invalidSource();
  const limit = request.limit === 0 ? DEFAULT_COMMENT_LIMIT : request.limit;
  if (!Number.isInteger(limit) || limit < MIN_COMMENT_LIMIT || limit > MAX_COMMENT_LIMIT)
    throw CommentErrors.invalidLimit();
  const offset = request.offset === '' ? undefined : parseCursor(request.offset);
  if (request.offset !== '' && offset === undefined) throw CommentErrors.invalidOffset();
  return request.type === 'a'
    ? {
        source: { articleId: request.source },
        key: CacheKeys.articleComments(request.source),
        offset,
        limit,
      }
    : {
        source: { parentId: request.source },
        key: CacheKeys.commentReplies(request.source),
        offset,
        limit,
      };
}

function toComment(
  comment: CachedComment,
  likeCount: number,
  replyCount: number,
  isLiking: boolean,
): commentV1.Comment {
  return {
    comId: comment.com_id,
    autId: comment.aut_id,
    likeCount,
    replyCount,
    pubdate: comment.pubdate,
    content: comment.content,
    isTop: comment.is_top === 1,
    isLiking,
  };
}

/** What a list of replies answers when its comment is not there (nor listed, nor its article). */
function noReplies(): commentV1.ListCommentsResponse {
  return {
    totalCount: 0,
    ...pageCursors(EMPTY_LIST_PAGE.endScore, EMPTY_LIST_PAGE.members),
    results: [],
  };
}

/** Reads of a list into the cache before a page gives up (see `buildPage`). */
const FILL_ATTEMPTS = 3;

/** Comments as their list's zset scores them. */
async function* scoredInChunks(
  chunks: AsyncIterable<Array<Pick<CommentRow, 'id' | 'isTop' | 'createTime'>>>,
): AsyncGenerator<ScoredComment[]> {
  for await (const rows of chunks)
    yield rows.map((row) => ({ id: row.id, score: commentScore(row.createTime, row.isTop) }));
}

/** Comment lists (read through the list, item and liking caches) and new comments. */
@Injectable()
export class CommentsService {
  private readonly logger = new Logger(CommentsService.name);
  /** Lists being built from MySQL, by cache key. */
  private readonly building = new SingleFlight<number>();
  /** Articles of comments cached before `comm:{id}` held its article, read once (they never change). */
  private readonly articlesOfComments = new LRUCache<string, string>({ max: 10_000 });

  constructor(
    private readonly comments: CommentsRepository,
    private readonly articles: ArticlesService,
    private readonly lists: CommentListsCache,
    private readonly items: CommentItemsCache,
    private readonly likings: CommentLikingsService,
    private readonly counters: CommentCounters,
    private readonly notifier: CommentNotifier,
    private readonly limiter: CommentRateLimiter,
    private readonly snowflake: Snowflake,
  ) {}

  async list(request: commentV1.ListCommentsRequest): Promise<commentV1.ListCommentsResponse> {
    const query = parseListQuery(request);
    if ('articleId' in query.source && !(await this.articles.getInfo(query.source.articleId))) {
      throw ArticleErrors.notFound();
    }
    if ('parentId' in query.source && !(await this.threadIsVisible(query.source.parentId)))
      return noReplies();
    const cached = await this.lists.readPage(query.key, query.offset, query.limit);
    let page = cached ?? (await this.buildPage(query));
    let results = await this.pageResults(page, request.userId);
    if (cached && results.length < page.members.length) {
      // The cached list holds comments that are gone, so it missed a write: short or empty pages
      // would end the client's list early. It is read again from MySQL, once.
      await this.lists.drop([query.key]);
      page = await this.buildPage(query);
      results = await this.pageResults(page, request.userId);
    }
    return { totalCount: page.totalCount, ...pageCursors(page.endScore, page.members), results };
  }

  /** Whether the comment is approved and its article too, as the replies' readers may see it. */
  private async threadIsVisible(commentId: string): Promise<boolean> {
    const comment = (await this.items.getMany([commentId])).get(commentId);
    if (!comment) return false;
    const articleId = comment.art_id ?? (await this.articleOfComment(commentId));
    return articleId !== null && (await this.articles.getInfo(articleId)) !== null;
  }

  private async articleOfComment(commentId: string): Promise<string | null> {
    const known = this.articlesOfComments.get(commentId);
    if (known !== undefined) return known;
    const articleId = await this.comments.articleOf(commentId);
    if (articleId !== null) this.articlesOfComments.set(commentId, articleId);
    return articleId;
  }

  /** The page's comments that still exist, with their counters and the viewer's likes. */
  private async pageResults(page: CommentListPage, userId: string): Promise<commentV1.Comment[]> {
    const ids = page.members.map(({ id }) => id);
    const [items, counts, liked] = await Promise.all([
      this.items.getMany(ids),
      this.counters.read(ids),
      userId ? this.likings.likedAmong(userId, ids) : new Set<string>(),
    ]);
    return ids.flatMap((id, index) => {
      const item = items.get(id);
      return item
        ? [toComment(item, counts.likes[index], counts.replies[index], liked.has(id))]
        : [];
    });
  }

  async create(request: commentV1.CreateCommentRequest): Promise<commentV1.CreateCommentResponse> {
    if (isBlankContent(request.content)) throw CommentErrors.emptyContent();
    if ([...request.content].length > MAX_CONTENT_CHARS) throw CommentErrors.contentTooLong();
    // The mobile client sends `art_id: null` on top-level comments; some clients repeat the target.
    const isReply = request.artId !== '' && request.artId !== request.target;
    const articleId = isReply ? request.artId : request.target;
    const article = SNOWFLAKE_ID.test(articleId) ? await this.articles.getInfo(articleId) : null;
    if (!article) throw ArticleErrors.notFound();
    if (!article.allowComm) throw CommentErrors.articleDenied();
    if (isReply && !SNOWFLAKE_ID.test(request.target)) throw CommentErrors.invalidTargetComment();

    const comment: NewComment = {
      id: this.snowflake.nextId(),
      userId: request.userId,
      articleId,
      parentId: isReply ? request.target : null,
      content: request.content,
      isTop: false,
      byFan: countsAsFanComment(request.userId, article.autId, request.byFan),
      // MySQL keeps whole seconds; the cached copy must say what a reload from MySQL would.
      createTime: new Date(Math.floor(Date.now() / 1000) * 1000),
    };
    const stored = await this.storeWithinLimit(comment);
    if (!stored) throw CommentErrors.invalidTargetComment();
    const cached = toCachedComment(stored);
    await this.afterCreate(stored, cached);
    // Without the commenter's name (the gateway could not read it) the author is not notified,
    // as `liking notify` is not when the liker's profile cannot be read.
    if (!isReply && article.autId !== request.userId && request.userName !== undefined) {
      this.notifier.send({
        authorId: article.autId,
        commenterId: request.userId,
        commenterName: request.userName,
        commenterPhoto: request.userPhoto,
        articleId,
        articleTitle: article.title,
        createdAt: comment.createTime,
      });
    }
    return { comment: toComment(cached, 0, 0, false), target: request.target, artId: articleId };
  }

  /**
   * Stores the comment against its account's allowance, checked once the request is known to be
   * right: a comment past it is refused before anything is written or sent, and one that is not
   * stored after all (a reply to no comment, MySQL or Redis failing) gives back what it took.
   */
  private async storeWithinLimit(comment: NewComment): Promise<NewComment | null> {
    const takenAt = Date.now();
    if (!(await this.limiter.take(comment.userId, takenAt))) throw CommentErrors.tooManyRequests();
    let stored = null as NewComment | null;
    try {
      stored = await this.storeCounted(comment);
      return stored;
    } finally {
      if (!stored) {
        await this.limiter
          .giveBack(comment.userId, takenAt)
          .catch((error: unknown) =>
            this.logger.warn(
              `comment ${comment.id}: not stored, and its allowance was not given back: ${String(error)}`,
            ),
          );
      }
    }
  }

  /**
   * Stores the comment with its counters moved before the commit: a list whose article counter
   * reads 0 is answered empty without reading MySQL, so a comment committed with its counters
   * unmoved (the state Redis down, the process killed in between) was stored, answered 201 and
   * listed nowhere until the counter repair. Counters that cannot move fail the request with
   * nothing stored; a commit that fails after they moved takes them back (a counter one too high
   * only costs a read of MySQL until the repair). A commit whose answer was lost with its
   * connection may have been stored all the same: the comment is then looked up, and one that is
   * there is answered as posted, where the client would have posted it a second time.
   */
  private async storeCounted(comment: NewComment): Promise<NewComment | null> {
    let counted = null as NewComment | null;
    try {
      return await this.comments.create(comment, async (stored) => {
        await this.counters.commentCreated(stored.articleId, stored.parentId);
        counted = stored;
      });
    } catch (error) {
      if (!counted) throw error;
      const stored = await this.wasStored(comment.id);
      if (stored) return counted;
      if (stored === false) {
        await this.counters
          .commentCreated(counted.articleId, counted.parentId, -1)
          .catch((undoError: unknown) =>
            this.logger.error(
              `comment ${comment.id}: not stored, and its counters were not taken back: ${String(undoError)}`,
            ),
          );
      }
      throw error;
    }
  }

  /** Whether the comment is in MySQL; undefined when MySQL cannot say (its counters then stay). */
  private async wasStored(commentId: string): Promise<boolean | undefined> {
    try {
      return (await this.comments.articleOf(commentId)) !== null;
    } catch (error) {
      this.logger.warn(
        `comment ${commentId}: commit failed, unknown whether stored: ${String(error)}`,
      );
      return undefined;
    }
  }

  /**
   * The page of a list that is not cached: the list is read from MySQL into the cache, then the
   * page read from there as for a cached list. A list dropped again in between (moderation) is
   * read again, FILL_ATTEMPTS times at most.
   */
  private async buildPage(query: ListQuery): Promise<CommentListPage> {
    for (let attempt = 0; attempt < FILL_ATTEMPTS; attempt++) {
      if ((await this.buildList(query)) === 0) return EMPTY_LIST_PAGE;
      const page = await this.lists.readPage(query.key, query.offset, query.limit);
      if (page) return page;
    }
    throw new AppError(ErrorKind.Unavailable, 'The comments could not be listed now.');
  }

  /**
   * Reads a whole list from MySQL into the cache, a chunk at a time, and answers its length.
   * Concurrent misses of one list in this process share one read: a hot article's list can hold
   * tens of thousands of comments.
   */
  private buildList(query: ListQuery): Promise<number> {
    return this.building.run(query.key, () => this.loadList(query));
  }

  private async loadList(query: ListQuery): Promise<number> {
    const [kind, id] =
      'articleId' in query.source
        ? (['article', query.source.articleId] as const)
        : (['replies', query.source.parentId] as const);
    if (!(await this.counters.listMayHaveComments(kind, id))) return 0;
    return this.lists.replace(
      query.key,
      scoredInChunks(this.comments.listedInChunks(query.source)),
    );
  }

  /**
   * Caches once the comment is committed. Failures are logged, not thrown: the comment is stored,
   * the cache TTLs heal what is missed, and an error here would make the client post the comment
   * twice.
   */
  private async afterCreate(comment: NewComment, cached: CachedComment): Promise<void> {
    const listKey =
      comment.parentId === null
        ? CacheKeys.articleComments(comment.articleId)
        : CacheKeys.commentReplies(comment.parentId);
    const steps: Array<[string, () => Promise<void>]> = [
      ['comment cache', () => this.items.put(cached)],
      [
        'list cache',
        () =>
          this.lists.addIfCached(listKey, {
            id: comment.id,
            score: commentScore(comment.createTime, false),
          }),
      ],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        this.logger.error(`comment ${comment.id}: updating the ${name} failed: ${String(error)}`);
      }
    }
  }
}
