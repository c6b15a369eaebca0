import type { MixedList } from 'typeorm';
import type { MysqlDataSourceOptions } from 'typeorm/driver/mysql/MysqlDataSourceOptions';

import { utcSessionsMysql2 } from './utc-sessions';

export interface MysqlSettings {
  MYSQL_HOST: string;
  MYSQL_PORT: number;
  MYSQL_USER: string;
  MYSQL_PASSWORD: string;
  MYSQL_DATABASE: string;
  MYSQL_POOL_SIZE: number;
  MIGRATIONS_RUN: boolean;
}

export interface ServiceSchema {
  /** The owning service; names its migrations table so services migrate independently. */
  service: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * TypeORM options for one service's tables: never synchronize, UTC on the wire and in the session
 * (`utcSessionsMysql2`), 64-bit ids as strings (mysql2 `bigNumberStrings`), utf8mb4, and a
 * migrations table per service. Never `migrationsRun`: TypeORM would run them without a lock;
 * `initializeMigrated` runs them under one when `MIGRATIONS_RUN` is set.
 */
export function mysqlDataSourceOptions(
  settings: MysqlSettings,
  schema: ServiceSchema,
): MysqlDataSourceOptions {
  return {
    type: 'mysql',
    driver: utcSessionsMysql2,
    host: settings.MYSQL_HOST,
    port: settings.MYSQL_PORT,
    username: settings.MYSQL_USER,
    password: settings.MYSQL_PASSWORD,
    database: settings.MYSQL_DATABASE,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    poolSize: settings.MYSQL_POOL_SIZE,
    synchronize: false,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: `migrations_${schema.service}`,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    extra: { connectionLimit: settings.MYSQL_POOL_SIZE },
  };
}
