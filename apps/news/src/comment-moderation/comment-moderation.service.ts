import { writeBetweenDrops } from '@app/cache';
import type { commentModerationV1 } from '@app/contracts';
import { SNOWFLAKE_ID } from '@app/snowflake';
import { Injectable, Logger } from '@nestjs/common';

import { ArticleStatus } from '../articles/article.entity';
import { ArticlesService } from '../articles/articles.service';
import { isBlankContent } from '../comments/comment-content';
import { CommentErrors } from '../comments/comment.errors';
import { CommentStatus } from '../comments/comment.entity';
import { CommentsService } from '../comments/comments.service';
import { CommentModerationCache } from './comment-moderation.cache';
import { CommentModerationErrors } from './comment-moderation.errors';
import {
  CommentModerationRepository,
  type ModeratedComment,
} from './comment-moderation.repository';

/**
 * Comment management by authors. Every call first proves that the article (of the comment) is the
 * caller's; the reading and writing of comments reuses CommentsService, so the app and the media
 * platform share one set of rules and caches.
 */
@Injectable()
export class CommentModerationService {
  private readonly logger = new Logger(CommentModerationService.name);

  constructor(
    private readonly repository: CommentModerationRepository,
    private readonly cache: CommentModerationCache,
    private readonly articles: ArticlesService,
    private readonly comments: CommentsService,
  ) {}

  async setCommentStatus(
    request: commentModerationV1.SetCommentStatusRequest,
  ): Promise<commentModerationV1.SetCommentStatusResponse> {
    // One answer for a missing, foreign or unapproved article, as the reference's update scoped
    // by id, author and status.
    const article = SNOWFLAKE_ID.test(request.articleId)
      ? await this.repository.findArticle(request.articleId)
      : null;
    if (article?.authorId !== request.authorId || article.status !== ArticleStatus.Approved)
      throw CommentModerationErrors.invalidArticleStatus();
    await this.writeDropping(
      () => this.cache.articleChanged(request.articleId),
      () => this.repository.setAllowComment(request.articleId, request.allowComment),
      `the old allow_comment of article ${request.articleId}`,
    );
    return { articleId: request.articleId, allowComment: request.allowComment };
  }

  async listArticleComments(
    request: commentModerationV1.ListArticleCommentsRequest,
  ): Promise<commentModerationV1.ListArticleCommentsResponse> {
    if (request.type !== 'a' && request.type !== 'c') throw CommentErrors.invalidType();
    // The reference answers 400 for a list it cannot show; another author's is one of those.
    if (request.type === 'a') await this.ownApprovedArticle(request.authorId, request.source);
    else
      await this.ownComment(
        request.authorId,
        request.source,
        CommentErrors.invalidSource,
        CommentErrors.invalidSource,
      );
    const page = await this.comments.list({
      type: request.type,
      source: request.source,
      offset: request.offset,
      limit: request.limit,
      userId: request.authorId,
    });
    const info = request.type === 'a' ? await this.articles.getInfo(request.source) : null;
    return {
      ...page,
      artId: info?.artId ?? '',
      artTitle: info?.title ?? '',
      artPubdate: info?.pubdate ?? '',
    };
  }

  async replyComment(
    request: commentModerationV1.ReplyCommentRequest,
  ): Promise<commentModerationV1.ReplyCommentResponse> {
    if (!SNOWFLAKE_ID.test(request.artId)) throw CommentModerationErrors.missingArticleId();
    // As the reference, the content before the article (CommentsService checks it after).
    if (isBlankContent(request.content)) throw CommentErrors.emptyContent();
    const info = await this.articles.getInfo(request.artId);
    // The reference lists no 403 but `Article denied comment.` here: a comment on another
    // author's article (or on none) is no target an author may reply to.
    if (info?.autId !== request.authorId) throw CommentErrors.invalidTargetComment();
    if (!info.allowComm) throw CommentModerationErrors.articleDenied();
    // MP replies only: a target equal to the article would make CommentsService store a top-level comment.
    if (request.target === request.artId) throw CommentErrors.invalidTargetComment();
    const created = await this.comments.create({
      userId: request.authorId,
      target: request.target,
      content: request.content,
      artId: request.artId,
      userName: '',
      userPhoto: '',
      // The author replying on their own article.
      byFan: false,
    });
    return { comId: created.comment?.comId ?? '', target: created.target, artId: created.artId };
  }

  async deleteComment(
    request: commentModerationV1.DeleteCommentRequest,
  ): Promise<commentModerationV1.DeleteCommentResponse> {
    const comment = await this.ownComment(
      request.authorId,
      request.commentId,
      CommentErrors.invalidTargetComment,
      CommentModerationErrors.noPermission,
    );
    await this.writeDropping(
      () => this.cache.commentChanged(comment),
      async () => {
        // Counters missed after the commit stay one too high until the counter repair recounts them.
        if ((await this.repository.deleteComment(comment.id)) === 'counted')
          await this.cache
            .commentUncounted(comment)
            .catch((error: unknown) =>
              this.logger.error(
                `comment ${comment.id}: decrementing the counters failed: ${String(error)}`,
              ),
            );
      },
      `the deleted comment ${comment.id}`,
    );
    return {};
  }

  async setSticky(
    request: commentModerationV1.SetStickyRequest,
  ): Promise<commentModerationV1.SetStickyResponse> {
    const comment = await this.ownComment(
      request.authorId,
      request.commentId,
      CommentErrors.invalidTargetComment,
      CommentModerationErrors.noPermission,
    );
    if (comment.status !== CommentStatus.Approved) throw CommentErrors.invalidTargetComment();
    await this.writeDropping(
      () => this.cache.commentChanged(comment),
      () => this.repository.setSticky(comment.id, request.sticky),
      `the old is_top of comment ${comment.id}`,
    );
    return { target: comment.id, sticky: request.sticky };
  }

  /** Runs a moderation write between two drops of the copies it changes (`writeBetweenDrops`). */
  private writeDropping<T>(
    drop: () => Promise<void>,
    write: () => Promise<T>,
    stale: string,
  ): Promise<T> {
    return writeBetweenDrops(drop, write, (error) =>
      this.logger.error(`${stale} stays cached: ${String(error)}`),
    );
  }

  /** The caller's article, if readers can see it (only those have comments to list). */
  private async ownApprovedArticle(authorId: string, articleId: string): Promise<void> {
    const article = SNOWFLAKE_ID.test(articleId)
      ? await this.repository.findArticle(articleId)
      : null;
    if (article?.authorId !== authorId || article.status !== ArticleStatus.Approved)
      throw CommentErrors.invalidSource();
  }

  private async ownComment(
    authorId: string,
    commentId: string,
    missing: () => Error,
    foreign: () => Error,
  ): Promise<ModeratedComment> {
    const comment = SNOWFLAKE_ID.test(commentId)
      ? await this.repository.findComment(commentId)
      : null;
    if (!comment) throw missing();
    if (comment.articleAuthorId !== authorId) throw foreign();
    return comment;
  }
}
