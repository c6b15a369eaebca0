import type { EntityManager } from 'typeorm';

/**
 * Whether a new comment counts in its article's `fans_comment_count`: the commenter follows the
 * article's author (as the gateway found when the comment was posted); an author commenting on
 * their own article is not their own fan, whatever the request says. Null when the gateway could
 * not find out (`followsAuthor` unset): the counter repair settles it.
 */
export function countsAsFanComment(
  commenterId: string,
  articleAuthorId: string,
  followsAuthor: boolean | undefined,
): boolean | null {
  if (commenterId === articleAuthorId) return false;
  return followsAuthor ?? null;
}

/**
 * Moves `news_article_statistic.fans_comment_count` of an article by one, in the transaction that
 * stores or removes the comment, so the count and the rows change together. The statistic row is
 * created when missing (articles stored before authoring wrote one); the count never goes below 0.
 */
export async function moveFansCommentCount(
  manager: Pick<EntityManager, 'query'>,
  articleId: string,
  by: 1 | -1,
): Promise<void> {
  await (by === 1
    ? manager.query(
        'INSERT INTO news_article_statistic (article_id, fans_comment_count) VALUES (?, 1) ' +
          'ON DUPLICATE KEY UPDATE fans_comment_count = fans_comment_count + 1',
        [articleId],
      )
    : manager.query(
        'UPDATE news_article_statistic SET fans_comment_count = GREATEST(fans_comment_count - 1, 0) WHERE article_id = ?',
        [articleId],
      ));
}
