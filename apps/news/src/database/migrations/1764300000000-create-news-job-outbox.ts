import { createTable } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Jobs committed with the article changes they follow, until the relay has enqueued them. */
export class CreateNewsJobOutbox1764300000000 implements MigrationInterface {
  name = 'CreateNewsJobOutbox1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTable(
      queryRunner,
      `CREATE TABLE news_job_outbox (
        outbox_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        job_name VARCHAR(64) NOT NULL,
        job_id VARCHAR(191) NOT NULL,
        payload TEXT NOT NULL,
        create_time DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (outbox_id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS news_job_outbox');
  }
}
