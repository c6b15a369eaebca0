import type { MigrationInterface, QueryRunner } from 'typeorm';

import { reindexSearchEntries } from '../../search/reindex-search-entries';

/**
 * A word of latin letters and digits (`vue3`) is indexed with its letter and digit runs now
 * (`vue`, `3`); entries written before hold only the whole word, so every entry is written again
 * from its article. Their other terms stay as they were, so searches work throughout, and older
 * code still reads the new entries (nothing to undo).
 */
export class ReindexNewsSearchLetterDigitRuns1764430000000 implements MigrationInterface {
  name = 'ReindexNewsSearchLetterDigitRuns1764430000000';
  /** Each article commits on its own: an interrupted run leaves valid entries and is run again. */
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await reindexSearchEntries(queryRunner.connection);
  }

  down(): Promise<void> {
    return Promise.resolve();
  }
}
