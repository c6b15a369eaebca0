import { mysqlDataSourceOptions } from '@app/database';
import { createTestDatabase, type TestDatabase, withTestConnection } from '@app/testing';
import { DataSource } from 'typeorm';

import { USER_SCHEMA } from '../user-schema';
import { UserNameDistinctEmoji1764480000000 } from './1764480000000-user-name-distinct-emoji';

const LUKASZ = '1294287382374383801';
const LUKASZ_PLAIN = '1294287382374383802';
const SMILE = '1294287382374383803';
const CAT = '1294287382374383804';

describe('user_name collation migration (real MariaDB)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const migration = new UserNameDistinctEmoji1764480000000();

  const sql = (query: string, params?: unknown[]) =>
    withTestConnection(database.settings, (run) => run(query, params));
  const collation = async (): Promise<string> => {
    const [row] = (await sql(
      `SELECT COLLATION_NAME AS name FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'user_basic' AND COLUMN_NAME = 'user_name'`,
    )) as { name: string }[];
    return row.name;
  };
  const addUser = (id: string, name: string) =>
    sql('INSERT INTO user_basic (user_id, mobile, user_name) VALUES (?, ?, ?)', [
      id,
      `1${id.slice(-10)}`,
      name,
    ]);
  const run = async (step: 'up' | 'down'): Promise<void> => {
    const runner = dataSource.createQueryRunner();
    try {
      await migration[step](runner);
    } finally {
      await runner.release();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase([USER_SCHEMA]);
    dataSource = await new DataSource(
      mysqlDataSourceOptions(database.settings, USER_SCHEMA),
    ).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(() => sql('DELETE FROM user_basic'));

  it('refuses to start on names the new collation takes as one, naming their users, and changes nothing', async () => {
    await run('down');
    await addUser(LUKASZ, 'Łukasz');
    await addUser(LUKASZ_PLAIN, 'Lukasz');

    await expect(run('up')).rejects.toThrow(`${LUKASZ},${LUKASZ_PLAIN}`);
    expect(await collation()).toBe('utf8mb4_unicode_ci');

    await sql('UPDATE user_basic SET user_name = ? WHERE user_id = ?', ['Lukasz2', LUKASZ_PLAIN]);
    await run('up');
    expect(await collation()).toBe('utf8mb4_unicode_520_ci');
  });

  it('refuses to undo while names differ only in a character beyond the BMP, naming their users', async () => {
    await addUser(SMILE, '小明😀');
    await addUser(CAT, '小明🐱');

    await expect(run('down')).rejects.toThrow(`${SMILE},${CAT}`);
    expect(await collation()).toBe('utf8mb4_unicode_520_ci');
  });
});
