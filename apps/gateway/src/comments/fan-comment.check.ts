import { errorMessage } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';

import { ArticleCardsReader } from '../articles/article-cards.reader';
import { FollowingReader } from '../articles/following.reader';

/**
 * The article a new comment goes on: `art_id` for a reply to comment `target`, else `target`
 * (clients send `art_id` null on a comment, or repeat the target in it).
 */
export function commentedArticleId(target: string, artId: string | null | undefined): string {
  return artId || target;
}

/**
 * Whether a new comment is a fan's (`fans_comment_count` of the media platform): the commenter
 * follows the article's author now. The author comes from the cached card data (`art:{id}:info`),
 * the follow from the user service's relationship cache, else RelationService.
 */
@Injectable()
export class FanCommentCheck {
  private readonly logger = new Logger(FanCommentCheck.name);

  constructor(
    private readonly cards: ArticleCardsReader,
    private readonly following: FollowingReader,
  ) {}

  /**
   * False for the author and for an article that is not published (news refuses the comment).
   * Undefined when the follow lookup failed: the comment is posted all the same, its fan status
   * unknown until the counter repair settles it.
   */
  async isByFan(commenterId: string, articleId: string): Promise<boolean | undefined> {
    const [article] = await this.cards.infos([articleId]);
    if (!article || article.autId === commenterId) return false;
    try {
      return await this.following.isFollowing(commenterId, article.autId);
    } catch (error) {
      this.logger.warn(
        `comment of ${commenterId} on ${articleId} posted with its fan status unknown: ${errorMessage(error)}`,
      );
      return undefined;
    }
  }
}
