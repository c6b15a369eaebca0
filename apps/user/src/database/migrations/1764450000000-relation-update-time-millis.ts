import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `user_relation.update_time` to the millisecond: it orders the follow lists (newest follow
 * first), and at whole seconds the follows made within one second came in the order of the
 * users' ids instead, which an author followed by several readers in a second saw every time.
 */
export class RelationUpdateTimeMillis1764450000000 implements MigrationInterface {
  name = 'RelationUpdateTimeMillis1764450000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE user_relation MODIFY update_time DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE user_relation MODIFY update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP',
    );
  }
}
