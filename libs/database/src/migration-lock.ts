import { createHash } from 'node:crypto';

import { createConnection } from 'mysql2/promise';
import { DataSource, type DataSourceOptions, type Migration } from 'typeorm';

import type { MysqlSettings, ServiceSchema } from './data-source-options';
import { migrationFailure } from './migration-failure';
import { mysqlConnectionOptions, type MysqlServerAddress } from './mysql-connection';

/** How long a migration run waits for another one of the same database (the migration Job's deadline). */
const MIGRATION_LOCK_WAIT_SECONDS = 600;

/** MySQL refuses a lock name longer than this. */
const MAX_LOCK_NAME_LENGTH = 64;
const LOCK_PREFIX = 'toutiao_migrations.';

export interface MigrationLockOptions {
  /** Seconds to wait for a run that holds the lock before failing. */
  waitSeconds?: number;
  /** Told once when another run holds the lock, before waiting for it. */
  onWait?: (message: string) => void;
}

/** A run gave up waiting for the lock another run of the same database holds. */
export class MigrationLockWaitError extends Error {
  override readonly name = 'MigrationLockWaitError';
}

/** The named lock serialising the migration runs of `database`, whichever service runs them. */
export function migrationLockName(database: string): string {
  const name = `${LOCK_PREFIX}${database}`;
  if (name.length <= MAX_LOCK_NAME_LENGTH) return name;
  const digest = createHash('sha256').update(database).digest('hex').slice(0, 16);
  return `${name.slice(0, MAX_LOCK_NAME_LENGTH - digest.length - 1)}.${digest}`;
}

/**
 * Applies the pending migrations of `dataSource` (initialized, `migrationsRun` off) while holding
 * the database's named lock (`GET_LOCK` on a connection of its own, released after), so runs
 * started together (replicas booting with MIGRATIONS_RUN, the migration Job, `migrate.js`) apply
 * each migration once: TypeORM takes no lock, and each of two runs at once ran every pending
 * migration. A run that finds the lock held waits up to `waitSeconds`, then fails naming it. A
 * migration that fails by itself fails the run as a `MigrationFailedError` naming it.
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  server: MysqlServerAddress & { MYSQL_DATABASE: string },
  schema: Pick<ServiceSchema, 'service'>,
  options: MigrationLockOptions = {},
): Promise<Migration[]> {
  const lock = migrationLockName(server.MYSQL_DATABASE);
  const waitSeconds = options.waitSeconds ?? MIGRATION_LOCK_WAIT_SECONDS;
  const connection = await createConnection(mysqlConnectionOptions(server));
  // The server drops the lock with a lost connection; the release below then fails, which is ignored.
  connection.on('error', () => undefined);
  try {
    if (!(await getLock(connection, lock, 0))) {
      options.onWait?.(
        `${schema.service}: another migration run of database ${server.MYSQL_DATABASE} holds lock ${lock}; waiting up to ${waitSeconds} s`,
      );
      if (!(await getLock(connection, lock, waitSeconds)))
        throw new MigrationLockWaitError(
          `${schema.service}: another migration run of database ${server.MYSQL_DATABASE} still holds lock ${lock} after ${waitSeconds} s; let it end (or end its connection) and run the migrations again`,
        );
    }
    try {
      return await dataSource.runMigrations({ transaction: 'each' });
    } catch (error) {
      throw await migrationFailure(dataSource, server.MYSQL_DATABASE, schema.service, error);
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [lock]).catch(() => undefined);
    }
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

type LockConnection = Awaited<ReturnType<typeof createConnection>>;

async function getLock(
  connection: LockConnection,
  lock: string,
  waitSeconds: number,
): Promise<boolean> {
  const [rows] = await connection.query('SELECT GET_LOCK(?, ?) AS got', [lock, waitSeconds]);
  const [{ got }] = rows as { got: number | null }[];
  if (got === null) throw new Error(`Could not take the migration lock ${lock}`);
  return Number(got) === 1;
}

/**
 * A data source of `options`, initialized; when `settings.MIGRATIONS_RUN`, with its pending
 * migrations applied under the database's lock first (see `runMigrationsLocked`).
 */
export async function initializeMigrated(
  options: DataSourceOptions,
  settings: MysqlSettings,
  schema: Pick<ServiceSchema, 'service'>,
  lockOptions: MigrationLockOptions = {},
): Promise<DataSource> {
  const dataSource = await new DataSource({ ...options, migrationsRun: false }).initialize();
  if (!settings.MIGRATIONS_RUN) return dataSource;
  try {
    await runMigrationsLocked(dataSource, settings, schema, lockOptions);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
