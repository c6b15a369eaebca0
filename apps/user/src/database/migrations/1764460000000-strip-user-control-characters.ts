import { repairStoredTexts } from '@app/database';
import { asOneLine } from '@app/grpc';
import { Logger } from '@nestjs/common';
import type { MigrationInterface, QueryRunner } from 'typeorm';

import { withCachedProfilesDropped } from './cached-profiles';

/**
 * Profile names, intros and real names are one-line texts the edges and the user service refuse
 * any control character in now; those stored before kept theirs, and every reader of a profile
 * (the app, the media platform, comments and articles by its author) was served them. This
 * repairs them as one-line texts (`asOneLine`: tab, line breaks, vertical tab, form feed and NEL
 * become a space between words and go at either end, the others go), writing only the rows that
 * change, each on its own, and leaving `update_time` as it was: the user changed nothing. The
 * cached profiles of those rows (`user:{id}:profile`, `:profilex`) are dropped before and after
 * each batch's writes, so none serves the old text for the rest of its TTL; the cache Redis is
 * opened only when something changes.
 *
 * A name whose repair is another user's name (a tab, line break, vertical tab, form feed or NEL
 * made a space: the unique key's collation ignores the other control characters, but takes these
 * as characters other than a space) is left as it is and logged, and so is one whose repair is
 * blank, unlogged: the user service takes a stored name sent back as no change, so its owner can
 * still save their profile, and renames it by hand.
 *
 * A text an older release of the edges or the user service takes while it still serves is stored
 * as sent: run this again once no such release serves (delete its row from `migrations_user`).
 * Nothing to undo: the characters dropped were never text.
 */
export class StripUserControlCharacters1764460000000 implements MigrationInterface {
  name = 'StripUserControlCharacters1764460000000';
  /** Each row commits on its own: an interrupted run leaves valid rows and is run again. */
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await withCachedProfilesDropped(async (dropCached) => {
      const names = await repairStoredTexts(queryRunner.connection, {
        table: 'user_basic',
        key: 'user_id',
        column: 'user_name',
        repair: (name) => {
          const repaired = asOneLine(name);
          return repaired.trim() === '' ? name : repaired;
        },
        dropCached,
      });
      if (names.taken.length > 0)
        new Logger(this.name).warn(
          `names left with control characters, their repair being taken: users ${names.taken.join(', ')}`,
        );
      await repairStoredTexts(queryRunner.connection, {
        table: 'user_basic',
        key: 'user_id',
        column: 'introduction',
        repair: asOneLine,
        dropCached,
      });
      await repairStoredTexts(queryRunner.connection, {
        table: 'user_profile',
        key: 'user_id',
        column: 'real_name',
        repair: asOneLine,
        dropCached,
      });
    });
  }

  down(): Promise<void> {
    // The control characters dropped are not kept anywhere, and were never text to restore.
    return Promise.resolve();
  }
}
