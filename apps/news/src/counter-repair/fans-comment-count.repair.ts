import { keysetPages, retryOnDeadlock } from '@app/database';
import type { ColumnCounterRepair } from '@app/grpc';
import type { DataSource } from 'typeorm';

import { CommentStatus } from '../comments/comment.entity';

/** Articles recounted by one statement. */
export const FANS_COMMENT_REPAIR_PAGE = 1_000;

/**
 * Sets the count of the articles with ids in [?, ?] to their approved comments and replies by
 * fans, creating missing statistic rows. One statement per page: its reads of `news_comment` lock
 * what they count, so a comment stored or deleted meanwhile moves the count after it, not lost.
 */
const RECOUNT_PAGE =
  'INSERT INTO news_article_statistic (article_id, fans_comment_count) ' +
  'SELECT b.article_id, (SELECT COUNT(*) FROM news_comment c WHERE c.article_id = b.article_id ' +
  `AND c.status = ${CommentStatus.Approved} AND c.by_fan = 1) ` +
  'FROM news_article_basic b WHERE b.article_id BETWEEN CAST(? AS UNSIGNED) AND CAST(? AS UNSIGNED) ' +
  'ON DUPLICATE KEY UPDATE fans_comment_count = VALUES(fans_comment_count)';

/** Recounts every article's fans' comments, `pageSize` articles a statement; answers the articles that have some. */
export async function recountFansComments(
  dataSource: Pick<DataSource, 'query'>,
  pageSize = FANS_COMMENT_REPAIR_PAGE,
): Promise<number> {
  const pages = keysetPages(
    (after): Promise<Array<{ id: string | number }>> =>
      dataSource.query(
        `SELECT article_id AS id FROM news_article_basic WHERE article_id > CAST(? AS UNSIGNED) ORDER BY article_id LIMIT ${pageSize}`,
        [after],
      ),
    (row) => row.id,
    pageSize,
  );
  for await (const rows of pages) {
    const [first, last] = [String(rows[0].id), String(rows[rows.length - 1].id)];
    await retryOnDeadlock(() => dataSource.query(RECOUNT_PAGE, [first, last]));
  }
  const [{ counted }] = await dataSource.query<Array<{ counted: string | number }>>(
    'SELECT COUNT(*) AS counted FROM news_article_statistic WHERE fans_comment_count > 0',
  );
  return Number(counted);
}

/**
 * `news_article_statistic.fans_comment_count` (the media platform's 粉丝评论数), which the comment
 * writes move in their own transactions, recounted from `news_comment.by_fan` of every article,
 * a page of article ids at a time.
 */
export const FANS_COMMENT_COUNT_REPAIR: ColumnCounterRepair = {
  key: 'news_article_statistic.fans_comment_count',
  repair: (dataSource) => recountFansComments(dataSource),
};
