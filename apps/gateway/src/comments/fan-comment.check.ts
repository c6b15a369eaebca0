import { Injectable } from '@nestjs/common';

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
  constructor(
    private readonly cards: ArticleCardsReader,
    private readonly following: FollowingReader,
  ) {}

  /** False for the author and for an article that is not published (news refuses the comment). */
  async isByFan(commenterId: string, articleId: string): Promise<boolean> {
    const [article] = await this.cards.infos([articleId]);
    if (!article || article.autId === commenterId) return false;
    return this.following.isFollowing(commenterId, article.autId);
  }
}
