import type { MigrationInterface, QueryRunner } from 'typeorm';

import { reindexSearchEntries } from '../../search/reindex-search-entries';

/**
 * Single-character words (`猫`, `c`) and words that `w` turns into an InnoDB stopword (`hat`) are
 * indexed as `w_` terms now; entries written before lack them, so every entry is written again
 * from its article. Their other terms stay as they were, so searches work throughout, and older
 * code still reads the new entries (nothing to undo).
 */
export class ReindexNewsSearchShortWords1764410000000 implements MigrationInterface {
  name = 'ReindexNewsSearchShortWords1764410000000';
  /** Each article commits on its own: an interrupted run leaves valid entries and is run again. */
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await reindexSearchEntries(queryRunner.connection);
  }

  down(): Promise<void> {
    return Promise.resolve();
  }
}
