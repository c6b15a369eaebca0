import { randomBytes } from 'node:crypto';

import { ensureDatabase, mysqlDataSourceOptions, type MysqlSettings, type ServiceSchema } from '@app/database';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';

export interface TestDatabase {
  settings: MysqlSettings;
  /** Drops the whole schema. */
  drop(): Promise<void>;
}

const MYSQL = {
  MYSQL_HOST: process.env.TEST_MYSQL_HOST ?? '127.0.0.1',
  MYSQL_PORT: Number(process.env.TEST_MYSQL_PORT ?? 3306),
  MYSQL_USER: process.env.TEST_MYSQL_USER ?? 'root',
  MYSQL_PASSWORD: process.env.TEST_MYSQL_PASSWORD ?? '',
};

/** A schema of its own for one test file, with the given services' migrations applied. */
export async function createTestDatabase(schemas: ServiceSchema[]): Promise<TestDatabase> {
  const name = `tt_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const settings: MysqlSettings = { ...MYSQL, MYSQL_DATABASE: name, MYSQL_POOL_SIZE: 4, MIGRATIONS_RUN: false };
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
      const connection = await createConnection({
        host: MYSQL.MYSQL_HOST,
        port: MYSQL.MYSQL_PORT,
        user: MYSQL.MYSQL_USER,
        password: MYSQL.MYSQL_PASSWORD,
      });
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
    host: settings.MYSQL_HOST,
    port: settings.MYSQL_PORT,
    user: settings.MYSQL_USER,
    password: settings.MYSQL_PASSWORD,
    database: settings.MYSQL_DATABASE,
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
