import { createConnection } from 'mysql2/promise';

import type { MysqlSettings } from './data-source-options';
import { mysqlConnectionOptions } from './mysql-connection';

const SAFE_NAME = /^[A-Za-z0-9_]{1,64}$/;

/** Creates the schema if it is missing (development and tests; production provisions it). */
export async function ensureDatabase(
  settings: Omit<MysqlSettings, 'MIGRATIONS_RUN' | 'MYSQL_POOL_SIZE'>,
): Promise<void> {
  if (!SAFE_NAME.test(settings.MYSQL_DATABASE)) {
    throw new Error(`Unsafe database name: ${settings.MYSQL_DATABASE}`);
  }
  const connection = await createConnection(mysqlConnectionOptions(settings));
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${settings.MYSQL_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
}
