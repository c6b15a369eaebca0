import {
  CacheKeys,
  CounterKeys,
  execReplies,
  pageCursors,
  parseCursor,
  readCommentListPage,
  REDIS_CACHE,
  REDIS_STATE,
  TwoLevelCache,
} from '@app/cache';
import type { articleV1, commentV1 } from '@app/contracts';
import { AppError, COMMENT_GRPC, InjectGrpcClient, unary } from '@app/grpc';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';

/** A page request, validated. */
export interface CommentPageQuery {
  type: 'a' | 'c';
  source: string;
  /** The previous page's `last_id`; undefined for the first page. */
  offset: string | undefined;
  limit: number;
  /** The signed-in viewer, for `is_liking`. */
  viewerId: string | undefined;
}

/** `comm:{id}` as the news service caches it (apps/news/src/comments/comment.mapper.ts). */
interface CachedComment {
  com_id: string;
  aut_id: string;
  pubdate: string;
  content: string;
  is_top: 0 | 1;
  /** Missing from copies cached before it was added. */
  art_id?: string;
}

/**
 * Comment pages. A page whose every part is in the shared cache (the list zset, each `comm:{id}`,
 * the viewer's liking set and, for article lists, `art:{id}:info`; for reply lists the replied
 * comment's `comm:{id}` and its article's `art:{id}:info`) is answered here with the
 * news service's rules; anything missing sends the whole page to CommentService.ListComments,
 * which reads MySQL and fills the caches for the next page.
 */
@Injectable()
export class CommentPageReader {
  constructor(
    @Inject(REDIS_CACHE) private readonly redis: Redis,
    @Inject(REDIS_STATE) private readonly state: Redis,
    private readonly cache: TwoLevelCache,
    @InjectGrpcClient(COMMENT_GRPC) private readonly comments: commentV1.CommentServiceClient,
  ) {}

  async read(query: CommentPageQuery): Promise<commentV1.ListCommentsResponse> {
    return (
      (await this.fromCache(query)) ??
      unary(
        this.comments.listComments({
          type: query.type,
          source: query.source,
          offset: query.offset ?? '',
          limit: query.limit,
          userId: query.viewerId ?? '',
        }),
      )
    );
  }

  private async fromCache(
    query: CommentPageQuery,
  ): Promise<commentV1.ListCommentsResponse | undefined> {
    if (query.type === 'a') {
      const [info] = await this.cache.peekMany<articleV1.ArticleInfo>([
        CacheKeys.articleInfo(query.source),
      ]);
      if (info === undefined) return undefined;
      if (info === null) throw AppError.notFound('The article does not exist.');
    } else {
      const visible = await this.threadVisibleInCache(query.source);
      if (visible === undefined) return undefined;
      if (!visible) return { totalCount: 0, endId: '', lastId: '', results: [] };
    }
    const key =
      query.type === 'a'
        ? CacheKeys.articleComments(query.source)
        : CacheKeys.commentReplies(query.source);
    const offset = query.offset === undefined ? undefined : parseCursor(query.offset);
    // None gets past the query's snowflake-id check; the news service would answer it.
    if (query.offset !== undefined && offset === undefined) return undefined;
    const page = await readCommentListPage(this.redis, key, offset, query.limit);
    if (!page) return undefined;
    const ids = page.members.map(({ id }) => id);
    const [items, counts, liked] = await Promise.all([
      this.cache.peekMany<CachedComment>(ids.map(CacheKeys.comment)),
      this.counts(ids),
      this.likedAmong(query.viewerId, ids),
    ]);
    // A listed comment that is gone (null) means the list missed a write: the news service reads
    // the list again rather than answer a short page (an empty one ends the client's list).
    if (!liked || items.some((item) => item === undefined || item === null)) return undefined;
    const results = ids.flatMap((id, index) => {
      const item = items[index];
      if (!item) return [];
      return [
        {
          comId: item.com_id,
          autId: item.aut_id,
          likeCount: counts.likes[index],
          replyCount: counts.replies[index],
          pubdate: item.pubdate,
          content: item.content,
          isTop: item.is_top === 1,
          isLiking: liked.has(id),
        },
      ];
    });
    return { totalCount: page.totalCount, ...pageCursors(page.endScore, page.members), results };
  }

  /**
   * Whether readers may see the comment and its article (a reply list of one they may not is
   * empty, as for a comment that does not exist); undefined when the cache cannot tell (not
   * cached, or a copy cached before `comm:{id}` held its article): the news service answers.
   */
  private async threadVisibleInCache(commentId: string): Promise<boolean | undefined> {
    const comment = await this.cache.peek<CachedComment>(CacheKeys.comment(commentId));
    if (comment === null) return false;
    if (comment?.art_id === undefined) return undefined;
    const info = await this.cache.peek<articleV1.ArticleInfo>(
      CacheKeys.articleInfo(comment.art_id),
    );
    return info === undefined ? undefined : info !== null;
  }

  private async counts(ids: readonly string[]): Promise<{ likes: number[]; replies: number[] }> {
    if (ids.length === 0) return { likes: [], replies: [] };
    const replies = await execReplies(
      this.state
        .pipeline()
        .zmscore(CounterKeys.commentLikes, ...ids)
        .zmscore(CounterKeys.commentReplies, ...ids),
    );
    const [likes, replyCounts] = replies.map((value) =>
      (value as Array<string | null>).map((count) => Math.max(0, Number(count ?? 0))),
    );
    return { likes, replies: replyCounts };
  }

  /** The viewer's liked comments among `ids`; undefined when the viewer's liking set is not cached. */
  private async likedAmong(
    viewerId: string | undefined,
    ids: readonly string[],
  ): Promise<Set<string> | undefined> {
    if (viewerId === undefined || ids.length === 0) return new Set();
    const key = CacheKeys.userCommentLikings(viewerId);
    const replies = await this.redis
      .multi()
      .exists(key)
      .smismember(key, ...ids)
      .exec();
    if (!replies) return undefined;
    for (const [error] of replies) if (error) throw error;
    const [exists, flags] = replies.map(([, value]) => value) as [number, number[]];
    return exists === 1 ? new Set(ids.filter((_, index) => flags[index] === 1)) : undefined;
  }
}
