import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `user_basic.user_name` under `utf8mb4_unicode_520_ci`. The tables' `utf8mb4_unicode_ci` (UCA
 * 4.0.0) weighs every character beyond the BMP alike, so its unique key took a name with one emoji
 * or rare Chinese character (`小明🐱`, `𠀀田`) as taken by any name with another in its place
 * (`小明😀`, `𠮷田`): 409 `User name has existed.` for a free name. UCA 5.2.0 tells them apart and
 * still ignores case, width and accents, as the key did; it also takes a few Latin letters with a
 * stroke as their base letter (`Łukasz` = `Lukasz`, `Søren` = `Soren`, `Đức` = `Dức`), which were
 * distinct. Chinese, kana and full-width text compare as before.
 *
 * Only the key is rebuilt, online: reads and writes of the table go on meanwhile (about 3 s for a
 * million rows). Stored names the new collation takes as one stop it before it starts, naming
 * their users: rename one of each by hand. Undoing it meets the same where two names differ only
 * in a character beyond the BMP, which this lets users save.
 */
export class UserNameDistinctEmoji1764480000000 implements MigrationInterface {
  name = 'UserNameDistinctEmoji1764480000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await changeNameCollation(queryRunner, 'utf8mb4_unicode_520_ci');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await changeNameCollation(queryRunner, 'utf8mb4_unicode_ci');
  }
}

type NameCollation = 'utf8mb4_unicode_ci' | 'utf8mb4_unicode_520_ci';

async function changeNameCollation(
  queryRunner: QueryRunner,
  collation: NameCollation,
): Promise<void> {
  const clashes = (await queryRunner.query(
    `SELECT GROUP_CONCAT(user_id ORDER BY user_id) AS ids FROM user_basic
     GROUP BY user_name COLLATE ${collation} HAVING COUNT(*) > 1 LIMIT 100`,
  )) as { ids: string }[];
  if (clashes.length > 0)
    throw new Error(
      `user_basic.user_name cannot move to ${collation}: these users' names are one there, rename all but one of each: ${clashes
        .map(({ ids }) => ids)
        .join('; ')}`,
    );
  await queryRunner.query(
    `ALTER TABLE user_basic MODIFY user_name VARCHAR(32) CHARACTER SET utf8mb4 COLLATE ${collation} NOT NULL, ALGORITHM=INPLACE, LOCK=NONE`,
  );
}
