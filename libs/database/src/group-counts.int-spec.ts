import { createTestDatabase, type TestDatabase } from '@app/testing';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

import { mysqlDataSourceOptions } from './data-source-options';
import { groupCounts } from './group-counts';

class CreateVotes1764000000000 implements MigrationInterface {
  name = 'CreateVotes1764000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE vote (vote_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, target_id BIGINT UNSIGNED NOT NULL, is_deleted TINYINT NOT NULL, KEY idx_vote_target (target_id))',
    );
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE vote');
  }
}

// Neighbours that a double cannot tell apart (2^53 and beyond).
const BIG = ['9007199254740993', '9007199254740994', '9007199254740995'];

describe('groupCounts (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const schema = { service: 'votes', entities: [], migrations: [CreateVotes1764000000000] };
  const votes = { from: 'vote', groupBy: 'target_id', where: 'is_deleted = 0' };

  beforeAll(async () => {
    database = await createTestDatabase([schema]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, schema),
    ).initialize();
    const rows: Array<[string, number]> = [];
    for (let target = 1; target <= 25; target++)
      for (let n = 0; n < target % 4; n++) rows.push([String(target), 0]);
    rows.push(
      [BIG[0], 0],
      [BIG[1], 0],
      [BIG[1], 0],
      [BIG[2], 0],
      [BIG[2], 0],
      [BIG[2], 0],
      [BIG[2], 1],
      ['3', 1],
    );
    await dataSource.query(
      `INSERT INTO vote (target_id, is_deleted) VALUES ${rows.map(() => '(?, ?)').join(', ')}`,
      rows.flat(),
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function all(pageSize: number): Promise<Array<Array<[string, number]>>> {
    const pages: Array<Array<[string, number]>> = [];
    for await (const page of groupCounts(dataSource, votes, pageSize)) pages.push(page);
    return pages;
  }

  it('counts the rows that qualify by id, in id order, and leaves out ids without any', async () => {
    const counts = (await all(1_000)).flat();
    const expected: Array<[string, number]> = [];
    for (let target = 1; target <= 25; target++)
      if (target % 4 > 0) expected.push([String(target), target % 4]);
    expected.push([BIG[0], 1], [BIG[1], 2], [BIG[2], 3]);
    expect(counts).toEqual(expected);
  });

  it('pages by id without losing or repeating one, even past the precision of a double', async () => {
    const pages = await all(4);
    expect(pages.every((page) => page.length <= 4)).toBe(true);
    expect(pages.length).toBe(Math.ceil(22 / 4));
    expect(pages.flat()).toEqual((await all(1_000)).flat());
    expect(pages.at(-1)).toEqual([
      [BIG[1], 2],
      [BIG[2], 3],
    ]);
  });
});
