import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `user_basic.user_name` under `utf8mb4_unicode_520_ci`. The tables' `utf8mb4_unicode_ci` (UCA
 * 4.0.0) weighs every character beyond the BMP alike, so its unique key took a name with one emoji
 * or rare Chinese character (`小明🐱`, `𠀀田`) as taken by any name with another in its place
 * (`小明😀`, `𠮷田`): 409 `User name has existed.` for a free name. UCA 5.2.0 tells them apart and
 * still ignores case, as the key did. A pair of stored names it takes as equal (one holding a
 * character UCA 5.2.0 ignores) fails this with the key's duplicate entry: rename one by hand.
 */
export class UserNameDistinctEmoji1764480000000 implements MigrationInterface {
  name = 'UserNameDistinctEmoji1764480000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE user_basic MODIFY user_name VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE user_basic MODIFY user_name VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL',
    );
  }
}
