import { createTable } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per user who has changed their channel list: a change locks the user's row here first,
 * so changes of one list queue up while changes of different users never wait for each other
 * (locking the user's rows of `news_user_channel` locked the index gap every user without rows
 * shares).
 */
export class CreateNewsUserChannelLock1764480000000 implements MigrationInterface {
  name = 'CreateNewsUserChannelLock1764480000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTable(
      queryRunner,
      `CREATE TABLE news_user_channel_lock (
        user_id BIGINT UNSIGNED NOT NULL,
        PRIMARY KEY (user_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS news_user_channel_lock');
  }
}
