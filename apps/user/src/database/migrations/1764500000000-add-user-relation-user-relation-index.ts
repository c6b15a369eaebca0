import { addIndex, alterTable, dropIndex } from '@app/database';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's blacklist (`user_id` = ?, `relation` = 2, RelationService.GetBlacklist, which the news
 * service reads before notifying an author) is read through the blacklisted rows alone, at most
 * its LIMIT of them, from the index itself: along `uk_user_relation_pair` it stepped through
 * every relation of the user, each row read for its `relation` (an account following 3 000 read
 * 3 009 rows for 4 blacklisted, one following a million a million rows, once per load and again
 * for every like while a load that slow failed the check's 500 ms and cached nothing). Built
 * online: reads and writes of the table go on meanwhile.
 */
export class AddUserRelationUserRelationIndex1764500000000 implements MigrationInterface {
  name = 'AddUserRelationUserRelationIndex1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await alterTable(
      queryRunner,
      'user_relation',
      [addIndex('idx_user_relation_user_relation', ['user_id', 'relation', 'target_user_id'])],
      { online: true },
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await alterTable(queryRunner, 'user_relation', [dropIndex('idx_user_relation_user_relation')], {
      online: true,
    });
  }
}
