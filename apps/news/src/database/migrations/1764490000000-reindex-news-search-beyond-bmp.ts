import type { MigrationInterface, QueryRunner } from 'typeorm';

import { reindexSearchEntries } from '../../search/reindex-search-entries';

/** An entry holding a character beyond the BMP, as written before `fulltextForm`. */
const BEYOND_BMP_PATTERN = '[\\x{10000}-\\x{10FFFF}]';

/**
 * A character beyond the BMP (`𠮷`) is written in its `fulltextForm` now, which queries ask for;
 * the entries holding one are written again from their articles. Older code reads the new entries
 * as it read the old (neither found such a character), so there is nothing to undo.
 */
export class ReindexNewsSearchBeyondBmp1764490000000 implements MigrationInterface {
  name = 'ReindexNewsSearchBeyondBmp1764490000000';
  /** Each article commits on its own: an interrupted run leaves valid entries and is run again. */
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await reindexSearchEntries(queryRunner.connection, BEYOND_BMP_PATTERN);
  }

  down(): Promise<void> {
    return Promise.resolve();
  }
}
