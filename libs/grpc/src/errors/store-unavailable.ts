import { types } from 'node:util';

/**
 * Error codes of a MySQL or Redis server that cannot be reached, dropped the connection, or is
 * shutting down (node's socket errors and mysql2's own codes).
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);

/**
 * What ioredis rejects commands with while its connection is down (its `utils` and `Redis`), and
 * when a reply did not come within the client's `commandTimeout` (a Redis that hangs).
 */
const REDIS_OFFLINE_MESSAGES = new Set([
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Command timed out',
]);

/** Replies of a Redis that is up but cannot serve yet: reading its data back after a restart. */
const REDIS_NOT_READY_REPLY = /^(LOADING|MASTERDOWN|TRYAGAIN)\b/;

/**
 * True when `error` says a store (MySQL, Redis) is unreachable or restarting rather than that the
 * request was wrong: such a request answers Unavailable (HTTP 503), which the client may retry,
 * and not an internal error. TypeORM keeps the driver's error as `driverError`.
 */
export function isStoreUnavailable(error: unknown): boolean {
  // Node's own socket errors (ECONNREFUSED) may come from another realm than this code's `Error`
  // (a vm context, as Jest runs tests in): not `instanceof Error`, but native errors still.
  if (!(error instanceof Error) && !types.isNativeError(error)) return false;
  if (error.name === 'MaxRetriesPerRequestError' || REDIS_OFFLINE_MESSAGES.has(error.message))
    return true;
  if (error.name === 'ReplyError' && REDIS_NOT_READY_REPLY.test(error.message)) return true;
  const { code, driverError } = error as { code?: unknown; driverError?: unknown };
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  return driverError !== undefined && driverError !== error && isStoreUnavailable(driverError);
}
