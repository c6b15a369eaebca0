import { type DataSource, type EntityManager, QueryFailedError } from 'typeorm';

import { keysetPages } from './keyset-pages';

/** Rows read per statement by default: short texts, read with their key only. */
const PAGE_SIZE = 1000;

/** One text column to repair in place, row by row. Names are the code's own, never input. */
export interface StoredTextRepair {
  /** A table with an `update_time` column, which the repair leaves as it was. */
  table: string;
  /** Its numeric primary key. */
  key: string;
  column: string;
  /** The text as it is to be stored; what it answers unchanged is not written. NULL stays NULL. */
  repair: (text: string) => string;
  pageSize?: number;
  /** Drops the cached copies of the rows about to be written (their keys), before and after. */
  dropCached?: (keys: string[]) => Promise<void>;
  /** Written in the transaction of each row's repair, when the row was repaired. */
  alongside?: (manager: EntityManager, key: string) => Promise<void>;
}

export interface StoredTextRepairOutcome {
  /** Rows written. */
  repaired: number;
  /** Keys of the rows left as they were: their repaired text is another row's under a unique key. */
  taken: string[];
}

interface StoredText {
  row_key: string | number;
  text: string | null;
}

/**
 * Repairs a text column of every row, `pageSize` rows at a time in key order (a keyset page, so
 * only a page is in memory). Only a row whose text changes is written, on its own and only while
 * its text is still, byte for byte, what was read (a change meanwhile was checked by the service
 * that stored it), so it runs beside live traffic, may be stopped, and a second run writes
 * nothing. `update_time` is kept: nobody changed the row, and its ON UPDATE would have made a
 * repair look like an edit. A page's writes run between two drops of their cached copies: before,
 * so a cache that cannot be reached stops the run with nothing of the page written (written, a
 * row would be clean for every later run, its cached copy served until it expired), and after,
 * for a copy filled meanwhile.
 */
export async function repairStoredTexts(
  dataSource: DataSource,
  repair: StoredTextRepair,
): Promise<StoredTextRepairOutcome> {
  const { table, key, column } = repair;
  const pageSize = repair.pageSize ?? PAGE_SIZE;
  const outcome: StoredTextRepairOutcome = { repaired: 0, taken: [] };
  const pages = keysetPages<StoredText>(
    (after) =>
      dataSource.query(
        `SELECT ${key} AS row_key, ${column} AS text FROM ${table} WHERE ${key} > CAST(? AS UNSIGNED) ORDER BY ${key} LIMIT ?`,
        [after, pageSize],
      ),
    (row) => row.row_key,
    pageSize,
  );
  for await (const rows of pages) {
    const changes = rows.flatMap(({ row_key, text }) => {
      const repaired = text === null ? text : repair.repair(text);
      return repaired === text ? [] : [{ key: String(row_key), text, repaired }];
    });
    if (changes.length === 0) continue;
    const dropCached = () => repair.dropCached?.(changes.map((change) => change.key));
    await dropCached();
    try {
      for (const change of changes) {
        const written = await writeRepaired(dataSource, repair, change).catch((error: unknown) => {
          if (!isDuplicateKey(error)) throw error;
          outcome.taken.push(change.key);
          return false;
        });
        if (written) outcome.repaired += 1;
      }
    } finally {
      await dropCached();
    }
  }
  return outcome;
}

async function writeRepaired(
  dataSource: DataSource,
  { table, key, column, alongside }: StoredTextRepair,
  change: { key: string; text: string | null; repaired: string | null },
): Promise<boolean> {
  return dataSource.transaction(async (manager) => {
    // BINARY: the collation ignores control characters, so the text repaired compares equal.
    const result: { affectedRows: number } = await manager.query(
      `UPDATE ${table} SET ${column} = ?, update_time = update_time WHERE ${key} = ? AND BINARY ${column} = ?`,
      [change.repaired, change.key, change.text],
    );
    if (result.affectedRows !== 1) return false;
    await alongside?.(manager, change.key);
    return true;
  });
}

function isDuplicateKey(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === 'ER_DUP_ENTRY'
  );
}
