import { randomBytes } from 'node:crypto';

import {
  ensureDatabase,
  mysqlConnectionOptions,
  mysqlDataSourceOptions,
  type MysqlServerAddress,
  type MysqlSettings,
  type ServiceSchema,
} from '@app/database';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';

export interface TestDatabase {
  settings: MysqlSettings;
  /** Drops the whole schema. */
  drop(): Promise<void>;
}

/** Where a MariaDB server listens and whom to sign in as. */
export type TestMysqlServer = MysqlServerAddress;

/** The shared local MariaDB, unless the environment names another. */
export const TEST_MYSQL_SERVER: TestMysqlServer = {
  MYSQL_HOST: process.env.TEST_MYSQL_HOST ?? '127.0.0.1',
  MYSQL_PORT: Number(process.env.TEST_MYSQL_PORT ?? 3306),
  MYSQL_USER: process.env.TEST_MYSQL_USER ?? 'root',
  MYSQL_PASSWORD: process.env.TEST_MYSQL_PASSWORD ?? '',
};

/**
 * A schema of its own for one test file, with the given services' migrations applied, on the
 * shared MariaDB or on `server` (one a test runs itself, to restart it).
 */
export async function createTestDatabase(
  schemas: ServiceSchema[],
  server: TestMysqlServer = TEST_MYSQL_SERVER,
): Promise<TestDatabase> {
  const name = `tt_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const settings: MysqlSettings = {
    ...server,
    MYSQL_DATABASE: name,
    MYSQL_POOL_SIZE: 4,
    MIGRATIONS_RUN: false,
  };
  await ensureDatabase(settings);
  for (const schema of schemas) {
    const dataSource = new DataSource(mysqlDataSourceOptions(settings, schema));
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await dataSource.destroy();
    }
  }
  return {
    settings,
    drop: async () => {
      const connection = await createConnection(mysqlConnectionOptions(server));
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}

/** Runs raw SQL against a test schema (fixtures and assertions). */
export async function withTestConnection<T>(
  settings: MysqlSettings,
  use: (query: (sql: string, params?: unknown[]) => Promise<unknown>) => Promise<T>,
): Promise<T> {
  const connection = await createConnection({
    ...mysqlConnectionOptions(settings, settings.MYSQL_DATABASE),
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: 'Z',
  });
  try {
    return await use(async (sql, params) => (await connection.query(sql, params))[0]);
  } finally {
    await connection.end();
  }
}
