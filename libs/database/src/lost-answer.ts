import { type FindOperator, Raw } from 'typeorm';

/** The driver's codes saying the connection ended while a statement was out, not that it failed. */
const LOST_ANSWER_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'ECONNRESET']);

/** The server's, by number: ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED (MariaDB). */
const LOST_ANSWER_ERRNOS = new Set([1053, 1927]);

/**
 * A `datetime` column holds whole seconds, and MySQL's clock runs on from the write to the read
 * that looks for it by at most the read's trip there.
 */
const CLOCK_MARGIN_MS = 2_000;

/**
 * True when `error` says the connection was lost with a statement out, so that MySQL may have
 * applied it all the same; a deadlock, a lock wait, a duplicate key or a refused connection says
 * that it did not. TypeORM keeps the driver's error as `driverError`.
 */
export function answerLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, errno, driverError } = error as {
    code?: unknown;
    errno?: unknown;
    driverError?: unknown;
  };
  if (typeof code === 'string' && LOST_ANSWER_CODES.has(code)) return true;
  if (typeof errno === 'number' && LOST_ANSWER_ERRNOS.has(errno)) return true;
  return driverError !== undefined && driverError !== error && answerLost(driverError);
}

/** Matches an `update_time` set at most `withinMs` ago by MySQL's clock. */
export function writtenWithin(withinMs: number): FindOperator<Date> {
  const since = (column: string) => `${column} >= NOW(3) - INTERVAL :writtenWithinUs MICROSECOND`;
  return Raw(since, { writtenWithinUs: withinMs * 1_000 }) as FindOperator<Date>;
}

/**
 * Runs a write that reports whether it changed a row. When its answer is lost with the
 * connection, MySQL may have made it all the same: `found` then reads whether the row is as the
 * write leaves it and was written within the given milliseconds (see `writtenWithin`), and one
 * found so is taken as changed by it, so that the change is counted, where the client's retry,
 * finding it made, would count nothing. A row left so before the write (a collect of an article
 * collected long ago) is not found, so a write that changed nothing is not counted; one written
 * within those few seconds by another request of the same user still is.
 */
export async function appliedOrFound(
  write: () => Promise<boolean>,
  found: (withinMs: number) => Promise<boolean>,
): Promise<boolean> {
  const started = performance.now();
  try {
    return await write();
  } catch (error) {
    if (!answerLost(error)) throw error;
    const withinMs = Math.ceil(performance.now() - started) + CLOCK_MARGIN_MS;
    if (await found(withinMs).catch(() => false)) return true;
    throw error;
  }
}

/**
 * Runs a transaction that hands `answered` what it returns once all its statements were
 * answered, just before its COMMIT. When the COMMIT's answer is lost with the connection, MySQL
 * may have committed it all the same: `found` then reads whether the row is as the transaction
 * leaves it, and one found so answers what the transaction would have (its row read under its
 * lock, so a transaction that changed nothing is not taken for a change), so that the change is
 * counted, where the client's retry, finding it made, would count nothing.
 */
export async function committedOrFound<T>(
  transaction: (answered: (value: T) => T) => Promise<T>,
  found: () => Promise<boolean>,
): Promise<T> {
  let committing: { value: T } | undefined;
  try {
    return await transaction((value) => {
      committing = { value };
      return value;
    });
  } catch (error) {
    if (!committing || !answerLost(error)) throw error;
    if (await found().catch(() => false)) return committing.value;
    throw error;
  }
}
