import { migrationLockName, type MysqlSettings, mysqlConnectionOptions } from '@app/database';
import { TEST_MYSQL_SERVER, withTestConnection } from '@app/testing';
import { createConnection } from 'mysql2/promise';

/** Another session holding the migration lock of `databaseName` until `release`. */
export async function holdMigrationLock(
  databaseName: string,
): Promise<{ release: () => Promise<void> }> {
  const connection = await createConnection(mysqlConnectionOptions(TEST_MYSQL_SERVER));
  await connection.query('SELECT GET_LOCK(?, 0)', [migrationLockName(databaseName)]);
  return { release: () => connection.end() };
}

/** Whether a session waits for the migration lock of the database of `settings` (a service's run at boot). */
export function waitingForMigrationLock(settings: MysqlSettings): Promise<boolean> {
  return withTestConnection(settings, async (query) => {
    const rows = (await query(
      `SELECT COUNT(*) AS waiting FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT GET_LOCK(%' AND INFO LIKE ?`,
      [`%${migrationLockName(settings.MYSQL_DATABASE)}%`],
    )) as Array<{ waiting: number | string }>;
    return Number(rows[0]?.waiting ?? 0) > 0;
  });
}

/** The names of the tables of the database of `settings`. */
export function tablesOf(settings: MysqlSettings): Promise<string[]> {
  return withTestConnection(settings, async (query) => {
    const rows = (await query(
      'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?',
      [settings.MYSQL_DATABASE],
    )) as Array<{ name: string }>;
    return rows.map((row) => row.name);
  });
}
