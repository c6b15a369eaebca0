import { type DataSource, MigrationExecutor } from 'typeorm';

import { isRetryableLockError } from './retry-on-deadlock';

/** A migration failed by itself (an SQL error, a schema check): run again, it fails the same way. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
}

/** The client's codes saying the connection ended or never came, not that a statement failed. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

/**
 * The server's, by number (mysql2 names none of MariaDB's own): ER_SERVER_SHUTDOWN,
 * ER_CONNECTION_KILLED (MariaDB), ER_CLIENT_INTERACTION_TIMEOUT (MySQL).
 */
const CONNECTION_ERRNOS = new Set([1053, 1927, 4031]);

interface DriverErrorFields {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
}

/** True when `error` is the connection's (lost, refused, killed, timed out) rather than a statement's. */
function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, errno, fatal } = error as DriverErrorFields;
  return (
    fatal === true ||
    (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) ||
    (typeof errno === 'number' && CONNECTION_ERRNOS.has(errno))
  );
}

/**
 * `error`, thrown by `dataSource.runMigrations`, as a `MigrationFailedError` naming the migration
 * (the first one still pending: each runs in its own transaction, recorded as it commits) and
 * MySQL's message; left as it is when the connection failed or a lock wait gave up, which a
 * later run may get past.
 */
export async function migrationFailure(
  dataSource: DataSource,
  database: string,
  service: string,
  error: unknown,
): Promise<unknown> {
  if (!(error instanceof Error) || isConnectionError(error) || isRetryableLockError(error))
    return error;
  const [failed] = await new MigrationExecutor(dataSource).getPendingMigrations().catch(() => []);
  const { code, errno } = error as DriverErrorFields;
  const reason =
    typeof code === 'string' ? ` (${code})` : typeof errno === 'number' ? ` (errno ${errno})` : '';
  return new MigrationFailedError(
    `${service}: migration ${failed?.name ?? '(unknown)'} of database ${database} failed${reason}: ${error.message}`,
    { cause: error },
  );
}
