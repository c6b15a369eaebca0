import { CacheTtl, type CachePolicy } from '@app/cache';

/** Cache policy of `comm:{id}`. */
export const COMMENT_POLICY: CachePolicy = {
  ttl: CacheTtl.comment,
  missingTtl: CacheTtl.commentMissing,
};

/**
 * `comm:{id}`: the reference's JSON; `pubdate` is an ISO 8601 UTC instant. The gateway reads the
 * same JSON (apps/gateway/src/comments/comment-page.reader.ts).
 */
export interface CachedComment {
  com_id: string;
  aut_id: string;
  pubdate: string;
  content: string;
  is_top: 0 | 1;
  /** The comment's article; copies cached before it was added lack it. */
  art_id?: string;
}

/** The columns of a comment that its cached JSON holds. */
export interface CommentRow {
  id: string;
  userId: string;
  articleId: string;
  content: string;
  isTop: boolean;
  createTime: Date;
}

export function toCachedComment(row: CommentRow): CachedComment {
  return {
    com_id: row.id,
    aut_id: row.userId,
    pubdate: row.createTime.toISOString(),
    content: row.content,
    is_top: row.isTop ? 1 : 0,
    art_id: row.articleId,
  };
}
