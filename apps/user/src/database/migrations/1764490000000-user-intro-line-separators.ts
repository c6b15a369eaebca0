import { repairStoredTexts } from '@app/database';
import { asOneLine } from '@app/grpc';
import type { MigrationInterface, QueryRunner } from 'typeorm';

import { withCachedProfilesDropped } from './cached-profiles';

/**
 * Intros are one line, and the edges and the user service refuse a line or paragraph separator
 * (U+2028, U+2029) in one now, as a line break; one stored before kept it, and the publish
 * admin's settings form, which sends the intro back with the name and email, was refused 400
 * `Intro must be a single line.` on every save until its author found and edited it. This repairs
 * the intros as one-line texts (`asOneLine`, as `StripUserControlCharacters` did line breaks: a
 * separator becomes a space between words and goes at either end), writing only the rows that
 * change, each on its own, keeping `update_time` and dropping their cached profiles.
 *
 * An intro an older release takes while it still serves is stored as sent: run this again once
 * no such release serves (delete its row from `migrations_user`). Nothing to undo: a space shows
 * where the separator broke the line.
 */
export class UserIntroLineSeparators1764490000000 implements MigrationInterface {
  name = 'UserIntroLineSeparators1764490000000';
  /** Each row commits on its own: an interrupted run leaves valid rows and is run again. */
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await withCachedProfilesDropped((dropCached) =>
      repairStoredTexts(queryRunner.connection, {
        table: 'user_basic',
        key: 'user_id',
        column: 'introduction',
        repair: asOneLine,
        dropCached,
      }),
    );
  }

  down(): Promise<void> {
    // Which spaces were separators is not kept; a space shows as the line break did.
    return Promise.resolve();
  }
}
