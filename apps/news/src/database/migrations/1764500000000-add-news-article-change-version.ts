import { addColumn, alterTable, dropColumn } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `news_article_basic.change_version`: the version (a snowflake id, the one its jobs carry) of the
 * last change of the article's status written (an edit that moves it, a review, a delete). A
 * change whose COMMIT's answer was lost with the connection is known to be committed by finding
 * its own version, where finding the article as the change leaves it also found another
 * request's same change (a second admin's approval, the same save from a second tab) made after
 * this one was rolled back, and counted it twice. Articles written before, and by the release
 * before, hold NULL. Added in place, the table read and written meanwhile.
 */
export class AddNewsArticleChangeVersion1764500000000 implements MigrationInterface {
  name = 'AddNewsArticleChangeVersion1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await alterTable(
      queryRunner,
      'news_article_basic',
      [
        addColumn(
          'change_version',
          "BIGINT UNSIGNED NULL COMMENT 'version of the last change written: a lost answer finds it'",
        ),
      ],
      { online: true },
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await alterTable(queryRunner, 'news_article_basic', [dropColumn('change_version')], {
      online: true,
    });
  }
}
