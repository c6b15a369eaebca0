import { addIndex, alterTable, dropIndex } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's collections newest first (`is_deleted` = 0, by `update_time`, then `article_id`), so a
 * page of a long list and its count read this index instead of sorting all of the user's rows.
 */
export class AddNewsCollectionUserTimeIndex1764200000000 implements MigrationInterface {
  name = 'AddNewsCollectionUserTimeIndex1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await alterTable(queryRunner, 'news_collection', [
      addIndex('idx_news_collection_user_time', [
        'user_id',
        'is_deleted',
        'update_time',
        'article_id',
      ]),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await alterTable(queryRunner, 'news_collection', [dropIndex('idx_news_collection_user_time')]);
  }
}
