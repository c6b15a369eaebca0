import { errorMessage } from '@app/config';
import type { relationV1 } from '@app/contracts';
import { keysetPages, retryOnDeadlock } from '@app/database';
import { type ColumnCounterRepair, InjectGrpcClient, RELATION_GRPC, unary } from '@app/grpc';
import { Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

import { CommentStatus } from '../comments/comment.entity';

/** Articles recounted by one statement. */
export const FANS_COMMENT_REPAIR_PAGE = 1_000;

/** Comments of unknown fan status read and settled at a time. */
export const UNKNOWN_FAN_PAGE = 500;

/** Whether `userId` follows `targetUserId` now. */
export type FollowLookup = (userId: string, targetUserId: string) => Promise<boolean>;

/**
 * Sets the count of the articles with ids in [?, ?] to their approved comments and replies by
 * fans, creating missing statistic rows. One statement per page: its reads of `news_comment` lock
 * what they count, so a comment stored or deleted meanwhile moves the count after it, not lost.
 * A comment whose fan status is not known (`by_fan` NULL) is not counted.
 */
const RECOUNT_PAGE =
  'INSERT INTO news_article_statistic (article_id, fans_comment_count) ' +
  'SELECT b.article_id, (SELECT COUNT(*) FROM news_comment c WHERE c.article_id = b.article_id ' +
  `AND c.status = ${CommentStatus.Approved} AND c.by_fan = 1) ` +
  'FROM news_article_basic b WHERE b.article_id BETWEEN CAST(? AS UNSIGNED) AND CAST(? AS UNSIGNED) ' +
  'ON DUPLICATE KEY UPDATE fans_comment_count = VALUES(fans_comment_count)';

interface UnknownFanRow {
  id: string | number;
  commenterId: string | number;
  authorId: string | number;
}

/**
 * Settles the comments stored with their fan status unknown (the follow lookup failed when they
 * were posted) by whether the commenter follows the article's author now, the nearest answer left
 * to what it was then; answers how many it settled. A failed lookup throws, leaving the rest of
 * them unknown for the next repair. Counts are not moved: the recount that follows does that.
 */
export async function settleUnknownFanComments(
  dataSource: Pick<DataSource, 'query'>,
  follows: FollowLookup,
  pageSize = UNKNOWN_FAN_PAGE,
): Promise<number> {
  const pages = keysetPages(
    (after): Promise<UnknownFanRow[]> =>
      dataSource.query(
        'SELECT c.comment_id AS id, c.user_id AS commenterId, b.user_id AS authorId FROM news_comment c ' +
          'JOIN news_article_basic b ON b.article_id = c.article_id ' +
          `WHERE c.by_fan IS NULL AND c.comment_id > CAST(? AS UNSIGNED) ORDER BY c.comment_id LIMIT ${pageSize}`,
        [after],
      ),
    (row) => row.id,
    pageSize,
  );
  let settled = 0;
  for await (const rows of pages) {
    const lookups = new Map<string, Promise<boolean>>();
    const isFan = ({ commenterId, authorId }: UnknownFanRow): Promise<boolean> => {
      const [commenter, author] = [String(commenterId), String(authorId)];
      if (commenter === author) return Promise.resolve(false);
      const pair = `${commenter}:${author}`;
      const lookup = lookups.get(pair) ?? follows(commenter, author);
      lookups.set(pair, lookup);
      return lookup;
    };
    const answers = await Promise.all(rows.map(isFan));
    for (const fan of [true, false]) {
      const ids = rows.filter((_, index) => answers[index] === fan).map((row) => String(row.id));
      if (ids.length === 0) continue;
      await dataSource.query(
        'UPDATE news_comment SET by_fan = ? WHERE by_fan IS NULL AND comment_id IN (?)',
        [fan, ids],
      );
    }
    settled += rows.length;
  }
  return settled;
}

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
 * a page of article ids at a time, once the comments of unknown fan status are settled from the
 * user service's follows. With the user service out of reach those stay unknown (and uncounted)
 * until a later repair; the recount goes on.
 */
@Injectable()
export class FansCommentCountRepair implements ColumnCounterRepair {
  readonly key = 'news_article_statistic.fans_comment_count';
  private readonly logger = new Logger(FansCommentCountRepair.name);

  constructor(
    @InjectGrpcClient(RELATION_GRPC) private readonly relations: relationV1.RelationServiceClient,
  ) {}

  async repair(dataSource: DataSource): Promise<number> {
    try {
      const settled = await settleUnknownFanComments(dataSource, (userId, targetUserId) =>
        this.isFollowing(userId, targetUserId),
      );
      if (settled > 0) this.logger.log(`fan status of ${settled} comments settled from follows`);
    } catch (error) {
      this.logger.warn(
        `comments of unknown fan status left for the next repair: ${errorMessage(error)}`,
      );
    }
    return recountFansComments(dataSource);
  }

  private async isFollowing(userId: string, targetUserId: string): Promise<boolean> {
    return (await unary(this.relations.getRelation({ userId, targetUserId }))).isFollowing;
  }
}
