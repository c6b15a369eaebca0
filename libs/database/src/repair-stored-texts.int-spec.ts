import { createTestDatabase, type TestDatabase } from '@app/testing';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

import { mysqlDataSourceOptions } from './data-source-options';
import { repairStoredTexts, type StoredTextRepair } from './repair-stored-texts';

class CreateNote1764000000000 implements MigrationInterface {
  name = 'CreateNote1764000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE note (
        note_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
        body VARCHAR(32) NULL,
        update_time DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        UNIQUE KEY uk_note_body (body)
      ) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE note');
  }
}

const STORED_AT = new Date('2020-01-02T03:04:05Z');
/** Snowflake-sized keys, beyond a double's integers. */
const id = (index: number) => String(1330000000000000000n + BigInt(index));

describe('repairStoredTexts (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let drops: string[][];
  let alongside: string[];

  const notes = async () =>
    (
      await dataSource.query<Array<{ note_id: string; body: string | null; update_time: Date }>>(
        'SELECT note_id, body, update_time FROM note ORDER BY note_id',
      )
    ).map((row) => [String(row.note_id), row.body, row.update_time.toISOString()]);
  const repair = (overrides: Partial<StoredTextRepair> = {}) =>
    repairStoredTexts(dataSource, {
      table: 'note',
      key: 'note_id',
      column: 'body',
      repair: (text) => text.replace(/\v/g, ' ').replace(/\p{Cc}/gu, ''),
      pageSize: 2,
      dropCached: (keys) => {
        drops.push(keys);
        return Promise.resolve();
      },
      alongside: (manager, key) => {
        alongside.push(key);
        return Promise.resolve();
      },
      ...overrides,
    });

  beforeAll(async () => {
    const schema = { service: 'note', entities: [], migrations: [CreateNote1764000000000] };
    database = await createTestDatabase([schema]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, schema),
    ).initialize();
  });

  beforeEach(async () => {
    drops = [];
    alongside = [];
    await dataSource.query('DELETE FROM note');
    const rows: Array<[number, string | null]> = [
      [1, 'one\u0000'],
      [2, 'clean'],
      [3, null],
      [4, 'f\u001bour'],
      [5, 'a\vb'],
      [6, 'a b'],
      [7, 'seven\u0007'],
    ];
    for (const [index, body] of rows)
      await dataSource.query('INSERT INTO note (note_id, body, update_time) VALUES (?, ?, ?)', [
        id(index),
        body,
        STORED_AT,
      ]);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('writes the rows that change a page at a time between drops of their copies, keeps update_time, and leaves a taken text', async () => {
    expect(await repair()).toEqual({ repaired: 3, taken: [id(5)] });
    const at = STORED_AT.toISOString();
    expect(await notes()).toEqual([
      [id(1), 'one', at],
      [id(2), 'clean', at],
      [id(3), null, at],
      [id(4), 'four', at],
      [id(5), 'a\vb', at],
      [id(6), 'a b', at],
      [id(7), 'seven', at],
    ]);
    // Pages (1, 2), (3, 4), (5, 6), (7): each page's changes, before and after their writes.
    expect(drops).toEqual([[id(1)], [id(1)], [id(4)], [id(4)], [id(5)], [id(5)], [id(7)], [id(7)]]);
    expect(alongside).toEqual([id(1), id(4), id(7)]);

    drops = [];
    alongside = [];
    expect(await repair()).toEqual({ repaired: 0, taken: [id(5)] });
    expect(drops).toEqual([[id(5)], [id(5)]]);
    expect(alongside).toEqual([]);
  });

  it('leaves a row whose text changed after it was read', async () => {
    // Equal to the text read under the collation (case, control characters), not byte for byte.
    const outcome = await repair({
      dropCached: async (keys) => {
        drops.push(keys);
        if (drops.length === 1)
          await dataSource.query("UPDATE note SET body = 'ONE' WHERE note_id = ?", [id(1)]);
      },
    });
    expect(outcome).toEqual({ repaired: 2, taken: [id(5)] });
    expect((await notes())[0].slice(0, 2)).toEqual([id(1), 'ONE']);
    expect(alongside).toEqual([id(4), id(7)]);
  });

  it('writes nothing of a page whose copies cannot be dropped', async () => {
    const before = await notes();
    await expect(
      repair({ dropCached: () => Promise.reject(new Error('cache down')) }),
    ).rejects.toThrow('cache down');
    expect(await notes()).toEqual(before);
  });
});
