import { QueryFailedError } from 'typeorm';

const ER_LOCK_DEADLOCK = 1213;
const ER_LOCK_WAIT_TIMEOUT = 1205;

/** True when InnoDB rolled the transaction back to break a deadlock (or gave up waiting for a lock). */
export function isRetryableLockError(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const errno = (error.driverError as { errno?: number } | undefined)?.errno;
  return errno === ER_LOCK_DEADLOCK || errno === ER_LOCK_WAIT_TIMEOUT;
}

/**
 * Runs a write transaction again when InnoDB chose it as a deadlock victim — the documented
 * remedy. Concurrent writes to one unique pair (likes, follows, collections) take gap and row
 * locks in different orders, so under load a duplicate request can be rolled back.
 */
export async function retryOnDeadlock<T>(write: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isRetryableLockError(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
