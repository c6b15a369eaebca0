import { addIndex, alterTable, dropIndex, modifyColumn } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `news_comment.by_fan` may be NULL: whether the commenter followed the article's author was not
 * found out when the comment was posted (the user service failed). The counter repair finds such
 * comments through the index and settles them from the user service's follows.
 */
export class AllowUnknownNewsCommentByFan1764420000000 implements MigrationInterface {
  name = 'AllowUnknownNewsCommentByFan1764420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await alterTable(queryRunner, 'news_comment', [
      modifyColumn(
        'by_fan',
        "TINYINT(1) NULL DEFAULT 0 COMMENT '1: by a follower of the article author, NULL: not known yet'",
      ),
      addIndex('idx_news_comment_by_fan', ['by_fan']),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('UPDATE news_comment SET by_fan = 0 WHERE by_fan IS NULL');
    await alterTable(queryRunner, 'news_comment', [
      dropIndex('idx_news_comment_by_fan'),
      modifyColumn(
        'by_fan',
        "TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1: by a follower of the article author'",
      ),
    ]);
  }
}
