import { addColumn, alterTable, dropColumn } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `news_comment.by_fan`: the commenter followed the article's author when commenting, which
 * `news_article_statistic.fans_comment_count` counts. Comments stored before it read as not by a
 * fan: who followed whom when they were written is not known.
 */
export class AddNewsCommentByFan1764400000000 implements MigrationInterface {
  name = 'AddNewsCommentByFan1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await alterTable(queryRunner, 'news_comment', [
      addColumn(
        'by_fan',
        "TINYINT(1) NOT NULL DEFAULT 0 COMMENT '1: by a follower of the article author'",
        'is_top',
      ),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await alterTable(queryRunner, 'news_comment', [dropColumn('by_fan')]);
  }
}
