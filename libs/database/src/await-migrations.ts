import { setTimeout as sleep } from 'node:timers/promises';

import { errorMessage } from '@app/config';
import { createConnection } from 'mysql2/promise';
import type { MigrationInterface } from 'typeorm';

import type { MysqlSettings, ServiceSchema } from './data-source-options';
import { mysqlConnectionOptions } from './mysql-connection';

type MysqlServer = Pick<
  MysqlSettings,
  'MYSQL_HOST' | 'MYSQL_PORT' | 'MYSQL_USER' | 'MYSQL_PASSWORD' | 'MYSQL_DATABASE'
>;

/** What MariaDB answers while the migrations have not begun: no database yet, or no migrations table. */
const NOTHING_APPLIED = new Set(['ER_BAD_DB_ERROR', 'ER_NO_SUCH_TABLE']);

function migrationNames(schema: ServiceSchema): string[] {
  const list: unknown[] = Array.isArray(schema.migrations)
    ? schema.migrations
    : Object.values(schema.migrations);
  return list.map((migration) => {
    if (typeof migration !== 'function')
      throw new Error(`${schema.service}: migrations must be classes`);
    const instance = new (migration as new () => MigrationInterface)();
    return instance.name ?? migration.name;
  });
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/** The migrations of `schema` the database has not applied, read without creating anything. */
export async function pendingMigrations(
  settings: MysqlServer,
  schema: ServiceSchema,
): Promise<string[]> {
  const names = migrationNames(schema);
  let applied: string[] = [];
  try {
    const connection = await createConnection(
      mysqlConnectionOptions(settings, settings.MYSQL_DATABASE),
    );
    try {
      const [rows] = await connection.query(`SELECT name FROM \`migrations_${schema.service}\``);
      applied = (rows as { name: string }[]).map((row) => row.name);
    } finally {
      await connection.end();
    }
  } catch (error) {
    if (!NOTHING_APPLIED.has(errorCode(error) as string)) throw error;
  }
  return names.filter((name) => !applied.includes(name));
}

export interface AwaitMigrationsOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Told what is still pending, or why the database could not be read, before each wait. */
  onWait?: (reason: string) => void;
}

/**
 * Resolves once every migration of `schema` is applied (by the migration Job, which runs them
 * alone); until then reads again every `intervalMs`, a database that cannot be reached included.
 * Rejects past `timeoutMs`.
 */
export async function awaitMigrations(
  settings: MysqlServer,
  schema: ServiceSchema,
  options: AwaitMigrationsOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    let reason: string;
    try {
      const pending = await pendingMigrations(settings, schema);
      if (pending.length === 0) return;
      reason = `${schema.service}: waiting for migrations ${pending.join(', ')}`;
    } catch (error) {
      reason = `${schema.service}: cannot read the applied migrations: ${errorMessage(error)}`;
    }
    if (Date.now() + options.intervalMs > deadline)
      throw new Error(`${reason} (gave up after ${options.timeoutMs} ms)`);
    options.onWait?.(reason);
    await sleep(options.intervalMs);
  }
}
